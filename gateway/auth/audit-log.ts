import { createHash } from "node:crypto";
import type Database from "better-sqlite3";

export interface AuditEntry {
  id: number;
  at: number;
  /** Who: a user name, `token:<name or id>`, `demo`, `cli:<os user>`, or `-` for nobody known. */
  actor: string;
  /** What, e.g. `login`, `login.failed`, `user.add`, `token.revoke`, `alarm.acknowledge`. */
  action: string;
  /** On what (a user name, token id, alarm id, bed), if anything. */
  target: string | null;
  detail: Record<string, unknown>;
  address: string | null;
  prevHash: string;
  hash: string;
}

export type AuditInput = Pick<AuditEntry, "actor" | "action"> &
  Partial<Pick<AuditEntry, "target" | "detail" | "address">>;

export const GENESIS_HASH = "0".repeat(64);

/** JSON with keys sorted at every level, so the same row always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v ?? null);
}

export function entryHash(prevHash: string, e: Omit<AuditEntry, "prevHash" | "hash">): string {
  const row = canonical([e.id, e.at, e.actor, e.action, e.target, e.detail, e.address]);
  return createHash("sha256").update(prevHash).update(row).digest("hex");
}

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string;
  address: string | null;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: Row): AuditEntry => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
  address: r.address,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export type VerifyResult =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; brokenAt: number; why: string };

/**
 * The append-only, hash-chained audit log. Triggers refuse UPDATE and DELETE through SQLite; someone
 * editing the file directly breaks the chain, which verify() finds. Dropping rows at the end leaves a
 * valid shorter chain: record the head hash elsewhere (verify prints it) to notice that too.
 */
export class AuditLog {
  private readonly last: Database.Statement<[], { id: number; hash: string }>;
  private readonly insert: Database.Statement;
  private readonly appendTx: Database.Transaction<(e: AuditInput, at: number) => AuditEntry>;

  constructor(private readonly db: Database.Database) {
    this.last = db.prepare("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    this.insert = db.prepare(
      `INSERT INTO audit_log (id, at, actor, action, target, detail, address, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.appendTx = db.transaction((input: AuditInput, at: number) => {
      const prev = this.last.get();
      const base = {
        id: (prev?.id ?? 0) + 1,
        at,
        actor: input.actor,
        action: input.action,
        target: input.target ?? null,
        detail: JSON.parse(canonical(input.detail ?? {})) as Record<string, unknown>,
        address: input.address ?? null,
      };
      const prevHash = prev?.hash ?? GENESIS_HASH;
      const hash = entryHash(prevHash, base);
      this.insert.run(
        base.id,
        base.at,
        base.actor,
        base.action,
        base.target,
        canonical(base.detail),
        base.address,
        prevHash,
        hash,
      );
      return { ...base, prevHash, hash };
    });
  }

  /** Appends one entry. IMMEDIATE: the CLI and the gateway may append at once without forking the chain. */
  append(input: AuditInput, at: number): AuditEntry {
    return this.appendTx.immediate(input, at);
  }

  /** Newest first, `limit` entries with id < `before`. */
  page(opts: { before?: number | undefined; limit: number }): AuditEntry[] {
    const rows = this.db
      .prepare("SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?")
      .all(opts.before ?? Number.MAX_SAFE_INTEGER, opts.limit) as Row[];
    return rows.map(toEntry);
  }

  /** Walks the whole chain from the first entry. */
  verify(): VerifyResult {
    let prevHash = GENESIS_HASH;
    let expectId = 1;
    let n = 0;
    for (const r of this.db
      .prepare("SELECT * FROM audit_log ORDER BY id")
      .iterate() as IterableIterator<Row>) {
      let e: AuditEntry;
      try {
        e = toEntry(r);
      } catch {
        return { ok: false, entries: n, brokenAt: r.id, why: "detail is not JSON" };
      }
      if (r.id !== expectId)
        return { ok: false, entries: n, brokenAt: r.id, why: `entry ${expectId} is missing` };
      if (r.prev_hash !== prevHash)
        return {
          ok: false,
          entries: n,
          brokenAt: r.id,
          why: "its prev_hash is not the previous entry's hash",
        };
      if (canonical(e.detail) !== r.detail || entryHash(prevHash, e) !== r.hash)
        return { ok: false, entries: n, brokenAt: r.id, why: "its contents do not match its hash" };
      prevHash = r.hash;
      expectId++;
      n++;
    }
    return { ok: true, entries: n, head: prevHash };
  }
}
