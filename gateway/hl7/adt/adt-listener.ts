import { readFileSync } from "node:fs";
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { Logger } from "../../../core/logger.js";
import type { Hl7InboundConfig } from "../hl7-config.js";
import { MllpDecoder, mllpFrame } from "../mllp.js";
import type { AdtHandler } from "./adt-handler.js";

/** "::ffff:127.0.0.1" → "127.0.0.1", so IPv4 allow-list entries match dual-stack sockets. */
export function normalizeAddress(a: string | undefined): string {
  if (!a) return "";
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

/**
 * The MLLP listener for ADT messages. Binds to loopback unless TLS and an allow-list are configured
 * (the config schema enforces it); refuses connections from addresses not on the allow-list; answers
 * every frame with one ACK, in order. Nothing a sender sends can throw out of here.
 */
export class AdtListener {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly config: Hl7InboundConfig,
    private readonly handler: AdtHandler,
    private readonly logger: Logger,
  ) {}

  async listen(): Promise<number> {
    const c = this.config;
    const onConnection = (s: Socket) => this.accept(s);
    const server = c.tls
      ? createTlsServer(
          {
            cert: readFileSync(c.tls.certFile),
            key: readFileSync(c.tls.keyFile),
            ...(c.tls.caFile
              ? { ca: readFileSync(c.tls.caFile), requestCert: true, rejectUnauthorized: true }
              : {}),
          },
          onConnection,
        )
      : createNetServer(onConnection);
    server.on("tlsClientError", (e: Error) =>
      this.logger.warn({ err: e.message }, "ADT TLS handshake failed"),
    );
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(c.port, c.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(s: Socket): void {
    const peer = normalizeAddress(s.remoteAddress);
    if (this.config.allow.length > 0 && !this.config.allow.includes(peer)) {
      this.logger.warn({ peer }, "ADT connection from an address not on the allow list refused");
      s.destroy();
      return;
    }
    this.sockets.add(s);
    s.setTimeout(this.config.idleTimeoutMs, () => s.destroy());
    const decoder = new MllpDecoder(this.config.maxMessageBytes);
    s.on("data", (chunk: Buffer) => {
      for (const ev of decoder.push(chunk)) {
        if (ev.kind === "message") {
          let answer: string;
          try {
            const out = this.handler.handle(ev.text);
            answer = out.ack;
            if (out.code === "AE") this.logger.warn({ peer, err: out.error }, "ADT message refused");
          } catch (e) {
            // handle() answers errors itself; this is the last line of defence for the socket.
            this.logger.error({ err: String(e) }, "ADT handler threw");
            continue;
          }
          s.write(mllpFrame(answer));
        } else {
          this.logger.warn({ peer, why: ev.why, bytes: ev.bytes }, "MLLP bytes discarded");
          if (ev.why === "too_long") s.write(mllpFrame(this.handler.handle("").ack));
        }
      }
    });
    s.on("error", () => {});
    s.on("close", () => this.sockets.delete(s));
  }
}
