import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import { ApiTokenStore } from "./api-token-store.js";
import { type AuditInput, AuditLog } from "./audit-log.js";
import type { AuthConfig } from "./auth-config.js";
import { LoginThrottle } from "./login-throttle.js";
import { NodeCredentialStore } from "./node-credential-store.js";
import { verifyNothing, verifyPassword } from "./password.js";
import type { Principal } from "./principal.js";
import { DEMO_ROLE, permissionsOf } from "./roles.js";
import { SessionStore, type SessionView } from "./session-store.js";
import { UserStore } from "./user-store.js";

export type LoginResult =
  | { ok: true; principal: Principal; cookie: string }
  | { ok: false; status: 401 | 429; message: string; retryAfterS?: number };

/** Sessions are touched at most this often (each touch is a write). */
const TOUCH_EVERY_MS = 15_000;

/** The same words for an unknown user, a wrong password and a disabled account: no enumeration. */
export const WRONG_CREDENTIALS = "wrong user name or password";

/**
 * Staff access: users, sessions, API tokens, sign-in with lockout, and the audit log, over the gateway's
 * SQLite file. The CLI (`vitals users|tokens|nodes|audit`) writes the same tables from another process;
 * everything here reads them on each use, so changes apply without a restart.
 */
export class AccessControl {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: ApiTokenStore;
  readonly nodeCredentials: NodeCredentialStore;
  readonly audit: AuditLog;
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Database.Database,
    readonly config: AuthConfig,
    private readonly time: TimeSource,
    private readonly logger: Logger,
  ) {
    this.users = new UserStore(db);
    this.sessions = new SessionStore(db, config.sessions);
    this.tokens = new ApiTokenStore(db);
    this.nodeCredentials = new NodeCredentialStore(db);
    this.audit = new AuditLog(db);
    this.throttle = new LoginThrottle(config.login);
  }

  now(): number {
    return this.time.now();
  }

  /** Without an enabled administrator (and outside demo mode) the gateway serves nothing but /healthz. */
  setupRequired(): boolean {
    return !this.config.demo && !this.users.hasAdmin();
  }

  record(entry: AuditInput): void {
    try {
      this.audit.append(entry, this.time.now());
    } catch (e) {
      this.logger.error({ err: (e as Error).message, action: entry.action }, "could not write the audit log");
    }
  }

  fromToken(token: string): Principal | undefined {
    const t = this.tokens.resolve(token);
    if (!t) return undefined;
    return {
      kind: "token",
      actor: `token:${t.name ?? t.id}`,
      role: t.role,
      permissions: permissionsOf(t.role),
      tokenId: t.id,
    };
  }

  fromSession(cookie: string): Principal | undefined {
    const now = this.time.now();
    const s = this.sessions.resolve(cookie, now);
    if (!s) return undefined;
    if (now - s.lastSeen >= TOUCH_EVERY_MS) this.sessions.touch(s.idHash, now);
    return sessionPrincipal(s);
  }

  demo(): Principal {
    return { kind: "demo", actor: "demo", role: DEMO_ROLE, permissions: permissionsOf(DEMO_ROLE) };
  }

  /** Is a principal admitted earlier still valid (for long-lived live connections)? */
  stillValid(p: Principal): Principal | undefined {
    if (p.kind === "user" && p.sessionHash) {
      const s = this.sessions.byHash(p.sessionHash, this.time.now());
      return s && sessionPrincipal(s);
    }
    if (p.kind === "token" && p.tokenId !== undefined) {
      const t = this.tokens.byId(p.tokenId);
      if (!t || t.revokedAt !== null) return undefined;
      return { ...p, role: t.role, permissions: permissionsOf(t.role) };
    }
    return p;
  }

  async login(name: string, password: string, address: string): Promise<LoginResult> {
    const now = this.time.now();
    const until = this.throttle.lockedUntil(name, address, now);
    if (until !== undefined) {
      const minutes = Math.ceil((until - now) / 60_000);
      this.logger.warn({ user: name, address }, "sign-in refused: locked out");
      return {
        ok: false,
        status: 429,
        message: `too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? "" : "s"}`,
        retryAfterS: Math.ceil((until - now) / 1000),
      };
    }
    const user = this.users.byName(name);
    const ok =
      user && !user.disabled
        ? await verifyPassword(password, user.passwordHash)
        : await verifyNothing(password);
    if (!ok || !user) {
      this.throttle.failed(name, address, this.time.now());
      const locked = this.throttle.lockedUntil(name, address, this.time.now()) !== undefined;
      this.record({
        actor: "-",
        action: "login.failed",
        target: name.slice(0, 64),
        address,
        detail: locked ? { locked: true } : {},
      });
      this.logger.info({ user: name.slice(0, 64), address, locked }, "sign-in failed");
      return { ok: false, status: 401, message: WRONG_CREDENTIALS };
    }
    this.throttle.succeeded(name, address);
    const { cookie, idHash } = this.sessions.create(user.id, this.time.now(), address);
    this.record({ actor: user.name, action: "login", target: user.name, address });
    this.logger.info({ user: user.name, address }, "signed in");
    return {
      ok: true,
      cookie,
      principal: {
        kind: "user",
        actor: user.name,
        role: user.role,
        permissions: permissionsOf(user.role),
        userId: user.id,
        sessionHash: idHash,
      },
    };
  }

  logout(p: Principal, address: string): void {
    if (p.kind !== "user" || !p.sessionHash) return;
    this.sessions.end(p.sessionHash);
    this.record({ actor: p.actor, action: "logout", target: p.actor, address });
  }

  /** The HMAC key binding CSRF tokens to sessions; kept in the database so restarts keep pages working. */
  csrfKey(): string {
    const row = this.db.prepare("SELECT value FROM auth_secrets WHERE name = 'csrf_hmac'").get() as
      | { value: string }
      | undefined;
    if (row) return row.value;
    const value = randomBytes(32).toString("base64url");
    this.db.prepare("INSERT OR IGNORE INTO auth_secrets (name, value) VALUES ('csrf_hmac', ?)").run(value);
    return (
      this.db.prepare("SELECT value FROM auth_secrets WHERE name = 'csrf_hmac'").get() as { value: string }
    ).value;
  }

  /** What /healthz says about access: lab modes are visible, not silent. */
  health(): { open_nodes: boolean; demo: boolean; setup_required: boolean } {
    return {
      open_nodes: this.config.openNodes,
      demo: this.config.demo,
      setup_required: this.setupRequired(),
    };
  }

  prune(): void {
    this.sessions.prune(this.time.now());
  }
}

function sessionPrincipal(s: SessionView): Principal {
  return {
    kind: "user",
    actor: s.user,
    role: s.role,
    permissions: permissionsOf(s.role),
    userId: s.userId,
    sessionHash: s.idHash,
  };
}
