import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { encodeFrame } from "../../core/protocol/codec.js";
import type { Timer } from "../../core/time.js";
import type { TlsMaterial } from "../auth/tls-config.js";
import { listenError } from "../listen-error.js";
import { NodeSession, type SessionHost } from "./node-session.js";

/** Accepts node connections, enforces connection-level limits and sweeps idle or silent sessions. */
export class TcpIngestServer {
  private readonly server: Server;
  readonly sessions = new Set<NodeSession>();
  private sweeper: Timer | undefined;
  private readonly opened = new Map<NodeSession, number>();

  constructor(
    private readonly host: SessionHost,
    tls?: TlsMaterial,
  ) {
    const accept = (socket: Socket) => {
      if (this.sessions.size >= host.config.limits.maxConnections) {
        socket.end(encodeFrame({ type: "error", code: "flood", message: "too many connections" }));
        socket.destroy();
        return;
      }
      const session = new NodeSession(socket, host);
      this.sessions.add(session);
      this.opened.set(session, host.time.now());
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
    const interval = Math.max(50, Math.min(heartbeatMs, limits.idleTimeoutMs / 4, limits.helloTimeoutMs / 2));
    this.sweeper = this.host.time.every(interval, () => this.sweep());
    return (this.server.address() as AddressInfo).port;
  }

  /** Pings quiet nodes, closes silent ones and connections that never said hello. */
  sweep(): void {
    const now = this.host.time.now();
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
    this.sweeper?.cancel();
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sessions) s.close("shutting_down", "gateway is shutting down");
    for (const s of this.sessions) s.socket.destroySoon();
    await closing;
  }
}
