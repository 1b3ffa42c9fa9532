import { MAX_LINE_BYTES } from "./frames.js";

export type SplitEvent = { kind: "line"; line: string } | { kind: "too_long"; bytes: number };

/**
 * Splits a byte stream into newline-terminated UTF-8 lines without ever buffering more than
 * `maxBytes` of an unfinished line. Handles `\r\n` and chunks cut anywhere (even inside a
 * multi-byte character, since it splits bytes before decoding).
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(private readonly maxBytes = MAX_LINE_BYTES) {}

  /** Bytes of an unfinished line held back, e.g. to report a connection closed mid-line. */
  get buffered(): number {
    return this.pendingBytes;
  }

  *push(chunk: Buffer): Generator<SplitEvent> {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!this.discarding) {
        if (this.pendingBytes + piece.length > this.maxBytes + 1) {
          // +1 tolerates the '\r' of a CRLF line of exactly maxBytes.
          const bytes = this.pendingBytes + piece.length;
          this.pending = [];
          this.pendingBytes = 0;
          this.discarding = true;
          yield { kind: "too_long", bytes };
        } else if (piece.length > 0) {
          this.pending.push(piece);
          this.pendingBytes += piece.length;
        }
      }
      if (nl === -1) break;
      if (this.discarding) {
        this.discarding = false;
      } else {
        let buf = this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        if (buf.length > 0 && buf[buf.length - 1] === 13) buf = buf.subarray(0, buf.length - 1);
        if (buf.length > this.maxBytes) {
          yield { kind: "too_long", bytes: buf.length };
        } else if (buf.length > 0) {
          yield { kind: "line", line: buf.toString("utf8") };
        }
      }
      start = nl + 1;
    }
  }
}
