import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { LogThrottle } from "../../core/log-throttle.js";
import { encodeFrame } from "../../core/protocol/codec.js";
import type { Timer } from "../../core/time.js";
import type { TlsMaterial } from "../auth/tls-config.js";
import { listenError } from "../listen-error.js";
import { NodeSession, type SessionHost } from "./node-session.js";

/**
 * Accepts node connections, enforces connection-level limits and sweeps idle or silent sessions.
 * Connections that have not authenticated yet (no valid hello) have their own budget, in total and
 * per remote address, so they can never take the slots of nodes; authenticated nodes may share an
 * address without limit (a ward behind NAT).
 */
export class TcpIngestServer {
  private readonly server: Server;
  readonly sessions = new Set<NodeSession>();
  private sweeper: Timer | undefined;
  private readonly opened = new Map<NodeSession, number>();
  /** Connections without a valid hello yet, and how many of them each remote address holds. */
  private readonly pending = new Set<NodeSession>();
  private readonly pendingByAddress = new Map<string, number>();
  /** Authenticated connections; those that said hello also by node id. */
  private readonly admitted = new Set<NodeSession>();
  private readonly byNode = new Map<string, NodeSession>();
  private readonly logThrottle: LogThrottle;

  constructor(
    private readonly host: SessionHost,
    tls?: TlsMaterial,
  ) {
    this.logThrottle = new LogThrottle(host.logger, host.time);
    const accept = (socket: Socket) => this.accept(socket);
    // With TLS, a session starts after the handshake; failed handshakes never reach it.
    this.server = tls ? createTlsServer(tls, accept) : createServer(accept);
    this.server.on("tlsClientError", (e: Error) =>
      host.logger.debug({ err: e.message }, "TLS handshake failed"),
    );
    this.server.on("error", (e) => host.logger.error({ err: e }, "ingest server error"));
  }

  private accept(socket: Socket): void {
    const { maxPendingConnections, maxPendingPerAddress } = this.host.config.limits;
    const address = socket.remoteAddress ?? "";
    const fromAddress = this.pendingByAddress.get(address) ?? 0;
    if (this.pending.size >= maxPendingConnections || fromAddress >= maxPendingPerAddress) {
      const why =
        fromAddress >= maxPendingPerAddress
          ? `too many unauthenticated connections from ${address} (limits.maxPendingPerAddress ${maxPendingPerAddress})`
          : `too many unauthenticated connections (limits.maxPendingConnections ${maxPendingConnections})`;
      this.refuse(socket, why);
      return;
    }
    const session = new NodeSession(socket, this.host, { admit: (s, node) => this.admit(s, node) });
    this.sessions.add(session);
    this.pending.add(session);
    this.pendingByAddress.set(address, fromAddress + 1);
    this.opened.set(session, this.host.time.now());
    this.host.metrics.connections.set(this.sessions.size);
    socket.on("close", () => {
      this.sessions.delete(session);
      this.opened.delete(session);
      this.leavePending(session);
      this.admitted.delete(session);
      if (session.hello && this.byNode.get(session.hello.node) === session)
        this.byNode.delete(session.hello.node);
      this.host.metrics.connections.set(this.sessions.size);
    });
  }

  private refuse(socket: Socket, why: string): void {
    this.host.metrics.rejected.inc({ code: "flood" });
    this.logThrottle.log("warn", "refused", { peer: socket.remoteAddress }, `connection refused: ${why}`);
    socket.end(encodeFrame({ type: "error", code: "flood", message: why }));
    socket.destroySoon();
  }

  private leavePending(session: NodeSession): void {
    if (!this.pending.delete(session)) return;
    const address = session.socket.remoteAddress ?? "";
    const n = (this.pendingByAddress.get(address) ?? 1) - 1;
    if (n > 0) this.pendingByAddress.set(address, n);
    else this.pendingByAddress.delete(address);
  }

  private admit(session: NodeSession, node: string | undefined): string | undefined {
    if (this.admitted.has(session)) return undefined;
    const { maxConnections } = this.host.config.limits;
    const replaces = node !== undefined && this.byNode.has(node);
    if (!replaces && this.admitted.size >= maxConnections) {
      return `too many node connections (limits.maxConnections ${maxConnections})`;
    }
    this.leavePending(session);
    this.admitted.add(session);
    if (node !== undefined) this.byNode.set(node, session);
    return undefined;
  }

  async listen(port: number, hostname: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) =>
        reject(
          listenError(e, { what: "TCP ingest", host: hostname, port, flag: "--tcp-port", key: "tcpPort" }),
        );
      this.server.once("error", fail);
      this.server.listen(port, hostname, () => {
        this.server.off("error", fail);
        resolve();
      });
    });
    const { heartbeatMs, limits } = this.host.config;
    const interval = Math.max(
      50,
      Math.min(heartbeatMs, limits.idleTimeoutMs / 4, limits.helloTimeoutMs / 2, limits.lineDeadlineMs / 2),
    );
    this.sweeper = this.host.time.every(interval, () => this.sweep());
    return (this.server.address() as AddressInfo).port;
  }

  /** Pings quiet nodes, closes silent ones, trickling ones and connections that never said hello. */
  sweep(): void {
    const now = this.host.time.now();
    const { idleTimeoutMs, helloTimeoutMs, lineDeadlineMs } = this.host.config.limits;
    for (const s of this.sessions) {
      const idle = now - s.lastHeard;
      if (!s.node && now - (this.opened.get(s) ?? now) > helloTimeoutMs) {
        s.close("no_hello", `no hello within ${helloTimeoutMs / 1000} s`);
      } else if (s.partialSince !== undefined && now - s.partialSince > lineDeadlineMs) {
        s.close("line_timeout", `a line was not completed within ${lineDeadlineMs / 1000} s`);
      } else if (idle > idleTimeoutMs) {
        s.close("idle", `no complete line for ${Math.round(idle / 1000)} s`);
      } else if (idle > idleTimeoutMs / 2 && !s.pinged && s.hello) {
        s.pinged = true;
        s.send({ type: "ping" });
      }
    }
  }

  async close(): Promise<void> {
    this.sweeper?.cancel();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.close("shutting_down", "gateway is shutting down");
    for (const s of this.sessions) s.socket.destroySoon();
    await closing;
  }
}
