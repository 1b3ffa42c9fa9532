import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy between an MQTT client and a broker that can swallow the broker's PUBACKs, so a test
 * can produce "stored, but the PUBACK never arrived" on demand. It also counts the client's
 * PUBLISH packets.
 */
export class PubackDroppingProxy {
  dropAcks = false;
  publishes = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly upstreamPort: number) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.onClient(client));
    await new Promise<void>((r) => this.server?.listen(0, "127.0.0.1", r));
    return (this.server.address() as { port: number }).port;
  }

  private onClient(client: Socket): void {
    const upstream = connect(this.upstreamPort, "127.0.0.1");
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    splitPackets(client, (p) => {
      if (p[0] !== undefined && p[0] >> 4 === 3) {
        this.publishes++;
      }
      upstream.write(p);
    });
    splitPackets(upstream, (p) => {
      if (this.dropAcks && p[0] !== undefined && p[0] >> 4 === 4) return;
      client.write(p);
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** Cuts a byte stream into whole MQTT control packets (fixed header + remaining length). */
function splitPackets(sock: Socket, onPacket: (p: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  sock.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      let len = 0;
      let mul = 1;
      let i = 1;
      for (; i < Math.min(buf.length, 5); i++) {
        const b = buf[i] as number;
        len += (b & 0x7f) * mul;
        mul *= 128;
        if ((b & 0x80) === 0) break;
      }
      if (i >= buf.length || ((buf[i] as number) & 0x80) !== 0) return;
      const total = i + 1 + len;
      if (buf.length < total) return;
      onPacket(buf.subarray(0, total));
      buf = buf.subarray(total);
    }
  });
}
