import type Database from "better-sqlite3";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { Role } from "./roles.js";
import { newSecret, secretHash } from "./secret-token.js";

export interface ApiTokenView {
  id: number;
  name: string | null;
  role: Role;
  createdAt: number;
  revokedAt: number | null;
}

interface Row {
  id: number;
  name: string | null;
  role: Role;
  created_at: number;
  revoked_at: number | null;
}

const toView = (r: Row): ApiTokenView => ({
  id: r.id,
  name: r.name,
  role: r.role,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** API tokens (`Authorization: Bearer vt_…`) for scripts and integrations; stored as SHA-256 hashes. */
export class ApiTokenStore {
  private readonly byHashStmt: Database.Statement<[string], Row>;

  constructor(private readonly db: Database.Database) {
    this.byHashStmt = db.prepare(
      "SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE hash = ? AND revoked_at IS NULL",
    );
  }

  /** Creates a token; the secret is returned once and never stored. */
  add(role: Role, name: string | undefined, now: number): { token: string; view: ApiTokenView } {
    const token = newSecret("vt");
    const r = this.db
      .prepare("INSERT INTO api_tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)")
      .run(name ?? null, role, secretHash(token), now);
    return { token, view: this.byId(Number(r.lastInsertRowid)) as ApiTokenView };
  }

  /** The unrevoked token with this secret, read from the table on every call (revocation is immediate). */
  resolve(token: string): ApiTokenView | undefined {
    const r = this.byHashStmt.get(secretHash(token));
    return r && toView(r);
  }

  byId(id: number): ApiTokenView | undefined {
    const r = this.db
      .prepare("SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE id = ?")
      .get(id) as Row | undefined;
    return r && toView(r);
  }

  list(): ApiTokenView[] {
    return (
      this.db
        .prepare("SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY id")
        .all() as Row[]
    ).map(toView);
  }

  /** Revokes by id or by name (every token of that name). Returns the tokens revoked. */
  revoke(idOrName: string, now: number): ApiTokenView[] {
    const rows = (
      /^\d+$/.test(idOrName)
        ? this.db
            .prepare("SELECT * FROM api_tokens WHERE id = ? AND revoked_at IS NULL")
            .all(Number(idOrName))
        : this.db.prepare("SELECT * FROM api_tokens WHERE name = ? AND revoked_at IS NULL").all(idOrName)
    ) as Row[];
    if (rows.length === 0) throw new VitalsError(`no unrevoked token ${idOrName}`, ErrorCodes.CliUsage);
    const stmt = this.db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ?");
    this.db.transaction(() => {
      for (const r of rows) stmt.run(now, r.id);
    })();
    return rows.map((r) => ({ ...toView(r), revokedAt: now }));
  }
}
