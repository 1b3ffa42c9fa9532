import { connect, type Socket } from "node:net";
import { encodeFrame } from "../../core/protocol/codec.js";
import type { LegacyFrame } from "../../core/protocol/frames.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import { backoffDelay } from "../link/backoff.js";

/**
 * Speaks the original design's flat JSON: no hello, no acks. Like the original client, readings
 * taken while disconnected are lost (counted in `dropped`).
 */
export class LegacyLink {
  private socket: Socket | undefined;
  private up = false;
  private stopped = false;
  private attempt = 0;
  private timer: Timer | undefined;
  sent = 0;
  dropped = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly time: TimeSource = systemTime,
  ) {}

  start(): void {
    const s = connect(this.port, this.host);
    this.socket = s;
    s.on("connect", () => {
      this.up = true;
      this.attempt = 0;
    });
    s.on("data", () => {}); // the original client never reads; errors from the gateway are ignored
    s.on("error", () => {});
    s.on("close", () => {
      this.up = false;
      if (!this.stopped)
        this.timer = this.time.after(backoffDelay(this.attempt++, { initialMs: 250, maxMs: 5_000 }), () =>
          this.start(),
        );
    });
  }

  send(frame: LegacyFrame): void {
    if (this.up && this.socket) {
      this.socket.write(encodeFrame(frame));
      this.sent++;
    } else this.dropped++;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.socket?.end();
  }
}
