import type Database from "better-sqlite3";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { Role } from "./roles.js";

export interface UserRow {
  id: number;
  name: string;
  role: Role;
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  id: number;
  name: string;
  role: Role;
  password_hash: string;
  disabled: number;
  created_at: number;
  updated_at: number;
}

const toUser = (r: Row): UserRow => ({
  id: r.id,
  name: r.name,
  role: r.role,
  passwordHash: r.password_hash,
  disabled: r.disabled !== 0,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** User names: 1–64 of letters, digits and `. _ @ -` (case-insensitive; shown as entered). */
export const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** Staff accounts. Passwords are scrypt hashes (gateway/auth/password.ts); hashing is the caller's. */
export class UserStore {
  constructor(private readonly db: Database.Database) {}

  byName(name: string): UserRow | undefined {
    const r = this.db.prepare("SELECT * FROM users WHERE name = ?").get(name) as Row | undefined;
    return r && toUser(r);
  }

  list(): UserRow[] {
    return (this.db.prepare("SELECT * FROM users ORDER BY name").all() as Row[]).map(toUser);
  }

  add(name: string, role: Role, passwordHash: string, now: number): UserRow {
    if (!USER_NAME.test(name))
      throw new VitalsError(
        `invalid user name "${name}": 1–64 letters, digits and . _ @ -, starting with a letter or digit`,
        ErrorCodes.CliUsage,
      );
    if (this.byName(name)) throw new VitalsError(`user ${name} already exists`, ErrorCodes.CliUsage);
    this.db
      .prepare(
        "INSERT INTO users (name, role, password_hash, disabled, created_at, updated_at) VALUES (?, ?, ?, 0, ?, ?)",
      )
      .run(name, role, passwordHash, now, now);
    return this.byName(name) as UserRow;
  }

  /** A new password ends the user's sessions. */
  setPassword(name: string, passwordHash: string, now: number): void {
    const u = this.must(name);
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
        .run(passwordHash, now, u.id);
      this.db.prepare("DELETE FROM sessions WHERE user_id = ?").run(u.id);
    })();
  }

  /** Disabling ends the user's sessions at once; the running gateway checks the row on every request. */
  setDisabled(name: string, disabled: boolean, now: number): void {
    const u = this.must(name);
    this.db.transaction(() => {
      this.db
        .prepare("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?")
        .run(disabled ? 1 : 0, now, u.id);
      if (disabled) this.db.prepare("DELETE FROM sessions WHERE user_id = ?").run(u.id);
    })();
  }

  setRole(name: string, role: Role, now: number): void {
    const u = this.must(name);
    this.db.prepare("UPDATE users SET role = ?, updated_at = ? WHERE id = ?").run(role, now, u.id);
  }

  /** Is there an enabled administrator? Without one a production gateway serves nothing but /healthz. */
  hasAdmin(): boolean {
    return (
      this.db.prepare("SELECT 1 FROM users WHERE role = 'admin' AND disabled = 0 LIMIT 1").get() !== undefined
    );
  }

  private must(name: string): UserRow {
    const u = this.byName(name);
    if (!u) throw new VitalsError(`no user ${name}`, ErrorCodes.CliUsage);
    return u;
  }
}
