import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { TlsMaterial } from "../auth/tls-config.js";
import { NodeSession, type SessionHost } from "./node-session.js";

/** Accepts node connections, enforces connection-level limits and sweeps idle or silent sessions. */
export class TcpIngestServer {
  private readonly server: Server;
  readonly sessions = new Set<NodeSession>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly opened = new Map<NodeSession, number>();

  constructor(
    private readonly host: SessionHost,
    tls?: TlsMaterial,
  ) {
    const accept = (socket: Socket) => {
      if (this.sessions.size >= host.config.limits.maxConnections) {
        socket.end(`${JSON.stringify({ type: "error", code: "flood", message: "too many connections" })}\n`);
        socket.destroy();
        return;
      }
      const session = new NodeSession(socket, host);
      this.sessions.add(session);
      this.opened.set(session, host.clock.now());
      host.metrics.connections.set(this.sessions.size);
      socket.on("close", () => {
        this.sessions.delete(session);
        this.opened.delete(session);
        host.metrics.connections.set(this.sessions.size);
      });
    };
    // With TLS, a session starts after the handshake; failed handshakes never reach it.
    this.server = tls ? createTlsServer(tls, accept) : createServer(accept);
    this.server.on("tlsClientError", (e: Error) =>
      host.logger.debug({ err: e.message }, "TLS handshake failed"),
    );
    this.server.on("error", (e) => host.logger.error({ err: e }, "ingest server error"));
  }

  async listen(port: number, hostname: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, hostname, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    const { heartbeatMs, limits } = this.host.config;
    const interval = Math.max(50, Math.min(heartbeatMs, limits.idleTimeoutMs / 4, limits.helloTimeoutMs / 2));
    this.sweeper = setInterval(() => this.sweep(), interval);
    this.sweeper.unref();
    return (this.server.address() as AddressInfo).port;
  }

  /** Pings quiet nodes, closes silent ones and connections that never said hello. */
  sweep(): void {
    const now = this.host.clock.now();
    const { idleTimeoutMs, helloTimeoutMs } = this.host.config.limits;
    for (const s of this.sessions) {
      const idle = now - s.lastHeard;
      if (!s.node && now - (this.opened.get(s) ?? now) > helloTimeoutMs) {
        s.close("no_hello", `no hello within ${helloTimeoutMs / 1000} s`);
      } else if (idle > idleTimeoutMs) {
        s.close("idle", `nothing received for ${Math.round(idle / 1000)} s`);
      } else if (idle > idleTimeoutMs / 2 && !s.pinged && s.hello) {
        s.pinged = true;
        s.send({ type: "ping" });
      }
    }
  }

  async close(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.close("shutting_down", "gateway is shutting down");
    for (const s of this.sessions) s.socket.destroySoon();
    await closing;
  }
}
