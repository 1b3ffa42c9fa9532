import type { Socket } from "node:net";
import type { Logger } from "../../core/logger.js";
import type { HelloFrame, WireErrorCode } from "../../core/protocol/frames.js";
import type { AuthConfig } from "./auth-config.js";
import { normaliseAddress } from "./loopback.js";
import type { NodeCredentialStore } from "./node-credential-store.js";
import { sameSecret } from "./secret-token.js";

/** What the authenticator needs of a node connection. */
export interface NodeConnection {
  readonly socket: Socket;
  close(code: WireErrorCode, message: string): void;
}

interface Admitted {
  bed: string;
  credentialId: number | undefined;
}

/**
 * Decides whether a node may speak for a bed (docs/security.md, "Nodes"): per-node credentials bound
 * to beds, the shared lab token, open-nodes lab mode, and the original flat JSON for listed beds or
 * addresses. Credentials are read from the table at each hello, and connections whose credential is
 * revoked are closed within `sweepMs`: no restart needed.
 */
export class NodeAuthenticator {
  private readonly admitted = new Map<NodeConnection, Admitted>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: AuthConfig,
    private readonly credentials: NodeCredentialStore,
    private readonly logger: Logger,
    private readonly sweepMs = 2_000,
  ) {}

  /** Why this hello is refused (sent with `unauthorized`), or undefined when the node is admitted. */
  hello(h: HelloFrame, conn: NodeConnection): string | undefined {
    let credentialId: number | undefined;
    if (h.token !== undefined) {
      const cred = this.credentials.resolve(h.token);
      if (cred) {
        if (cred.node !== null && cred.node !== h.node)
          return this.refuse(conn, h, `this credential belongs to node "${cred.node}", not "${h.node}"`);
        if (!cred.beds.includes(h.bed))
          return this.refuse(
            conn,
            h,
            `this credential may report for ${cred.beds.map((b) => `"${b}"`).join(", ")} only, not "${h.bed}"`,
          );
        credentialId = cred.id;
      } else if (!(this.config.nodeToken !== undefined && sameSecret(h.token, this.config.nodeToken))) {
        if (!this.config.openNodes) return this.refuse(conn, h, "unknown or revoked node token");
      }
    } else if (!this.config.openNodes) {
      return this.refuse(
        conn,
        h,
        "this gateway requires a node credential: give the node the token from `vitals nodes add`",
      );
    }
    this.admitted.set(conn, { bed: h.bed, credentialId });
    conn.socket.once("close", () => this.admitted.delete(conn));
    return undefined;
  }

  /** Why flat JSON for this bed is refused, or undefined when it is accepted. */
  legacy(bed: string, conn: NodeConnection): string | undefined {
    if (this.config.openNodes) return undefined;
    const address = normaliseAddress(conn.socket.remoteAddress);
    const { beds, addresses } = this.config.legacy;
    if (!beds.includes(bed) && !addresses.map(normaliseAddress).includes(address))
      return `flat JSON is accepted only for beds or addresses in auth.legacy (bed "${bed}" from ${address} is in neither)`;
    if (this.owned(bed)) return `bed "${bed}" belongs to a protocol-v1 node: flat JSON may not report for it`;
    return undefined;
  }

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.sweepMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Closes connections whose credential has been revoked since they said hello. */
  sweep(): void {
    for (const [conn, a] of this.admitted) {
      if (a.credentialId !== undefined && !this.credentials.isActive(a.credentialId)) {
        this.admitted.delete(conn);
        conn.close("unauthorized", "node credential revoked");
      }
    }
  }

  private owned(bed: string): boolean {
    for (const a of this.admitted.values()) if (a.bed === bed) return true;
    return this.credentials.ownedBeds().has(bed);
  }

  private refuse(conn: NodeConnection, h: HelloFrame, why: string): string {
    this.logger.warn(
      { node: h.node, bed: h.bed, peer: normaliseAddress(conn.socket.remoteAddress) },
      `hello refused: ${why}`,
    );
    return why;
  }
}
