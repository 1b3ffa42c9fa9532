import type Database from "better-sqlite3";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { newSecret, secretHash } from "./secret-token.js";

export interface NodeCredentialView {
  id: number;
  /** The hello node id the credential is bound to, or null for any node id. */
  node: string | null;
  /** The beds it may report for. */
  beds: string[];
  createdAt: number;
  revokedAt: number | null;
}

interface Row {
  id: number;
  node: string | null;
  beds: string;
  created_at: number;
  revoked_at: number | null;
}

const toView = (r: Row): NodeCredentialView => ({
  id: r.id,
  node: r.node,
  beds: JSON.parse(r.beds) as string[],
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** Per-node credentials (`vitals nodes add`): a token bound to beds (and optionally a node id), hashed. */
export class NodeCredentialStore {
  private readonly byHashStmt: Database.Statement<[string], Row>;
  private readonly activeStmt: Database.Statement<[], Row>;

  constructor(private readonly db: Database.Database) {
    this.byHashStmt = db.prepare("SELECT * FROM node_credentials WHERE hash = ? AND revoked_at IS NULL");
    this.activeStmt = db.prepare("SELECT * FROM node_credentials WHERE revoked_at IS NULL");
  }

  add(beds: string[], node: string | undefined, now: number): { token: string; view: NodeCredentialView } {
    if (beds.length === 0)
      throw new VitalsError("a node credential needs at least one --bed", ErrorCodes.CliUsage);
    const token = newSecret("vn");
    const r = this.db
      .prepare("INSERT INTO node_credentials (node, beds, hash, created_at) VALUES (?, ?, ?, ?)")
      .run(node ?? null, JSON.stringify([...new Set(beds)]), secretHash(token), now);
    return { token, view: this.byId(Number(r.lastInsertRowid)) as NodeCredentialView };
  }

  /** Read from the table at every hello, so a revocation needs no restart. */
  resolve(token: string): NodeCredentialView | undefined {
    const r = this.byHashStmt.get(secretHash(token));
    return r && toView(r);
  }

  isActive(id: number): boolean {
    const r = this.byId(id);
    return r !== undefined && r.revokedAt === null;
  }

  /** Beds some unrevoked credential may report for: no legacy flat JSON goes into them. */
  ownedBeds(): Set<string> {
    return new Set(this.activeStmt.all().flatMap((r) => toView(r).beds));
  }

  byId(id: number): NodeCredentialView | undefined {
    const r = this.db.prepare("SELECT * FROM node_credentials WHERE id = ?").get(id) as Row | undefined;
    return r && toView(r);
  }

  list(): NodeCredentialView[] {
    return (this.db.prepare("SELECT * FROM node_credentials ORDER BY id").all() as Row[]).map(toView);
  }

  /** Revokes by credential id, or every credential bound to a node id. */
  revoke(idOrNode: string, now: number): NodeCredentialView[] {
    const rows = (
      /^\d+$/.test(idOrNode)
        ? this.db
            .prepare("SELECT * FROM node_credentials WHERE id = ? AND revoked_at IS NULL")
            .all(Number(idOrNode))
        : this.db
            .prepare("SELECT * FROM node_credentials WHERE node = ? AND revoked_at IS NULL")
            .all(idOrNode)
    ) as Row[];
    if (rows.length === 0)
      throw new VitalsError(`no unrevoked node credential ${idOrNode}`, ErrorCodes.CliUsage);
    const stmt = this.db.prepare("UPDATE node_credentials SET revoked_at = ? WHERE id = ?");
    this.db.transaction(() => {
      for (const r of rows) stmt.run(now, r.id);
    })();
    return rows.map((r) => ({ ...toView(r), revokedAt: now }));
  }
}
