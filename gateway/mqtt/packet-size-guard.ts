import type { Duplex } from "node:stream";

/**
 * Largest MQTT control packet the embedded broker accepts from a client. A reading is at most
 * MAX_LINE_BYTES (4096) of payload plus a short topic; 16 KiB leaves room for CONNECT with a long
 * password and for SUBSCRIBE. aedes itself has no limit: its parser would buffer a 256 MB packet.
 */
const MAX_MQTT_PACKET_BYTES = 16 * 1024;

/**
 * Follows MQTT packet boundaries in a byte stream (fixed header, remaining length, body) without
 * decoding anything, and reports the first packet whose declared size exceeds the limit, or a
 * malformed remaining length. Pure: bytes in, verdict out.
 */
export class MqttPacketSizeTracker {
  /** Bytes of the current packet's body still to skip. */
  private skip = 0;
  /** Remaining-length bytes read so far for the current header (0 = expecting a fixed-header byte). */
  private lenBytes = -1;
  private len = 0;
  private mul = 1;

  constructor(private readonly maxBytes = MAX_MQTT_PACKET_BYTES) {}

  /** undefined while the stream is acceptable; a reason once it is not (and for good). */
  push(chunk: Uint8Array): string | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, chunk.length - i);
        this.skip -= n;
        i += n;
        continue;
      }
      const b = chunk[i++] as number;
      if (this.lenBytes === -1) {
        // Fixed-header byte (type and flags): the remaining length follows.
        this.lenBytes = 0;
        this.len = 0;
        this.mul = 1;
        continue;
      }
      this.len += (b & 0x7f) * this.mul;
      this.mul *= 128;
      this.lenBytes++;
      if (b & 0x80) {
        if (this.lenBytes === 4) return "malformed remaining length";
        continue;
      }
      if (this.len + 1 + this.lenBytes > this.maxBytes) {
        return `packet of ${this.len + 1 + this.lenBytes} bytes exceeds ${this.maxBytes}`;
      }
      this.skip = this.len;
      this.lenBytes = -1;
    }
    return undefined;
  }
}

/**
 * Watches a client connection alongside aedes (a second 'data' listener sees the same chunks) and
 * destroys it as soon as a packet announces more than the limit, before aedes buffers it.
 */
export function guardPacketSizes(
  stream: Duplex,
  onOversize: (why: string) => void,
  maxBytes?: number,
): Duplex {
  const tracker = new MqttPacketSizeTracker(maxBytes);
  let failed = false;
  stream.on("data", (chunk: Buffer) => {
    if (failed) return;
    const why = tracker.push(chunk);
    if (why === undefined) return;
    failed = true;
    onOversize(why);
    stream.destroy();
  });
  return stream;
}
