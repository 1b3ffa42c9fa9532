/** Fixed-capacity FIFO of the last N samples in a Float64Array (no allocation per sample). */
export class SampleRing {
  private readonly data: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.filled;
  }

  push(value: number): void {
    this.data[this.next] = value;
    this.next = (this.next + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  /** The newest `count` samples (at most `length`), oldest first, as a fresh array. */
  last(count: number): Float64Array {
    const n = Math.min(count, this.filled);
    const out = new Float64Array(n);
    let from = (this.next - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      out[i] = this.data[from] as number;
      from = from + 1 === this.capacity ? 0 : from + 1;
    }
    return out;
  }
}
