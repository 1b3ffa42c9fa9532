import type Database from "better-sqlite3";
import type { Role } from "./roles.js";
import { newSecret, secretHash } from "./secret-token.js";

export interface SessionView {
  /** SHA-256 of the cookie value: what is stored, and what other code may hold. */
  idHash: string;
  userId: number;
  user: string;
  role: Role;
  createdAt: number;
  lastSeen: number;
}

interface Row {
  id_hash: string;
  user_id: number;
  created_at: number;
  last_seen: number;
  name: string;
  role: Role;
  disabled: number;
}

/**
 * Sign-in sessions in SQLite, so they survive a restart and `vitals users disable` (another process)
 * ends them. The cookie carries a random id; only its hash is stored.
 */
export class SessionStore {
  private readonly select: Database.Statement<[string], Row>;
  private readonly touchStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly limits: { idleMs: number; absoluteMs: number },
  ) {
    this.select = db.prepare(
      `SELECT s.id_hash, s.user_id, s.created_at, s.last_seen, u.name, u.role, u.disabled
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`,
    );
    this.touchStmt = db.prepare("UPDATE sessions SET last_seen = ? WHERE id_hash = ?");
    this.deleteStmt = db.prepare("DELETE FROM sessions WHERE id_hash = ?");
  }

  /** Starts a session; returns the cookie value (shown to the browser only). */
  create(userId: number, now: number, address: string | null): { cookie: string; idHash: string } {
    const cookie = newSecret("vs");
    const idHash = secretHash(cookie);
    this.db
      .prepare(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen, address) VALUES (?, ?, ?, ?, ?)",
      )
      .run(idHash, userId, now, now, address);
    return { cookie, idHash };
  }

  /** The live session behind a cookie value, or undefined (unknown, expired, or its user disabled). */
  resolve(cookie: string, now: number): SessionView | undefined {
    return this.byHash(secretHash(cookie), now);
  }

  byHash(idHash: string, now: number): SessionView | undefined {
    const r = this.select.get(idHash);
    if (!r) return undefined;
    if (
      r.disabled !== 0 ||
      now - r.last_seen > this.limits.idleMs ||
      now - r.created_at > this.limits.absoluteMs
    ) {
      this.deleteStmt.run(idHash);
      return undefined;
    }
    return {
      idHash,
      userId: r.user_id,
      user: r.name,
      role: r.role,
      createdAt: r.created_at,
      lastSeen: r.last_seen,
    };
  }

  touch(idHash: string, now: number): void {
    this.touchStmt.run(now, idHash);
  }

  end(idHash: string): void {
    this.deleteStmt.run(idHash);
  }

  /** Drops expired sessions (hourly). */
  prune(now: number): void {
    this.db
      .prepare("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?")
      .run(now - this.limits.idleMs, now - this.limits.absoluteMs);
  }
}
