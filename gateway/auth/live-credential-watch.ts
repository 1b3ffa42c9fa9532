import type { WebSocket } from "ws";
import type { AccessControl } from "./access-control.js";
import type { Principal } from "./principal.js";

/** WebSocket close codes: the credential ended (sign in again) / the role no longer may watch. */
export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_FORBIDDEN = 4403;

/**
 * Live connections outlast the request that authorised them: each is re-checked every few seconds
 * (and at once on sign-out), and closed when its session ends or its token is revoked. An open live
 * view counts as use of its session: a central station's alarm view must not vanish on inactivity.
 */
export class LiveCredentialWatch {
  private readonly sockets = new Map<WebSocket, Principal>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly access: AccessControl,
    private readonly everyMs = 5_000,
  ) {}

  watch(ws: WebSocket, p: Principal | null): void {
    if (!p) return;
    this.sockets.set(ws, p);
    ws.on("close", () => this.sockets.delete(ws));
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Closes the live connections of one session (sign-out). */
  endSession(sessionHash: string): void {
    for (const [ws, p] of this.sockets)
      if (p.sessionHash === sessionHash) this.close(ws, CLOSE_SIGNED_OUT, "signed out");
  }

  sweep(): void {
    const now = this.access.now();
    for (const [ws, p] of this.sockets) {
      const still = this.access.stillValid(p);
      if (!still) this.close(ws, CLOSE_SIGNED_OUT, "session ended or token revoked");
      else if (!still.permissions.has("ward.read"))
        this.close(ws, CLOSE_FORBIDDEN, "role may not watch the ward");
      else if (still.sessionHash) this.access.sessions.touch(still.sessionHash, now);
    }
  }

  get size(): number {
    return this.sockets.size;
  }

  private close(ws: WebSocket, code: number, why: string): void {
    this.sockets.delete(ws);
    ws.close(code, why);
  }
}
