import { Duplex } from "node:stream";
import type { AVRUSART } from "avr8js";

/**
 * The emulated board's USART0 as a Node Duplex stream, the shape serialport and firmata.js expect:
 * what the host writes is queued and fed to the receiver one character at a time at the configured
 * baud rate (avr8js models the character time), what the firmware transmits comes out as 'data'.
 * Transmitted bytes are batched per run-loop slice, like a USB-serial chip batches per USB frame.
 */
export class UartStream extends Duplex {
  private readonly rxQueue: number[] = [];
  private txBatch: number[] = [];
  /** Bytes the host wrote before the firmware enabled its receiver are held, not dropped. */
  bytesToBoard = 0;
  bytesFromBoard = 0;
  /** Sees every chunk the host writes (tests use it to check what a library put on the wire). */
  onHostWrite: ((bytes: Buffer) => void) | undefined;

  constructor(private readonly usart: AVRUSART) {
    super();
    usart.onByteTransmit = (value) => {
      this.txBatch.push(value);
      this.bytesFromBoard++;
    };
    usart.onRxComplete = () => this.feed();
    // firmata.js and serialport users wait for "open"; the emulated port is open from the start.
    queueMicrotask(() => this.emit("open"));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.onHostWrite?.(chunk);
    for (const b of chunk) this.rxQueue.push(b);
    this.bytesToBoard += chunk.length;
    callback();
  }

  override _read(): void {
    // Data is pushed as the firmware transmits; nothing to pull.
  }

  /** Called by the run loop between slices: start the next received character, flush transmitted ones. */
  service(): void {
    this.feed();
    if (this.txBatch.length > 0) {
      const batch = Buffer.from(this.txBatch);
      this.txBatch = [];
      this.push(batch);
    }
  }

  get pendingToBoard(): number {
    return this.rxQueue.length;
  }

  private feed(): void {
    if (this.rxQueue.length === 0 || this.usart.rxBusy || !this.usart.rxEnable) return;
    const next = this.rxQueue[0] as number;
    if (this.usart.writeByte(next)) this.rxQueue.shift();
  }
}
