import type { WebSocket } from "ws";
import type { LiveMessage } from "../../core/api-types.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { BedRegistry } from "../beds.js";

/**
 * Pushes bed changes to dashboard WebSockets. Changes are coalesced for `throttleMs` so a busy ward
 * costs one message per interval per client, not one per reading.
 */
export class LiveHub {
  private readonly clients = new Set<WebSocket>();
  private timer: Timer | undefined;

  constructor(
    private readonly beds: BedRegistry,
    private readonly time: TimeSource,
    private readonly throttleMs: number,
  ) {}

  start(): void {
    this.timer = this.time.every(this.throttleMs, () => this.flush());
  }

  add(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on("close", () => this.clients.delete(ws));
    ws.on("error", () => this.clients.delete(ws));
    this.sendTo(ws, { type: "snapshot", now: this.time.now(), beds: this.beds.all() });
  }

  get size(): number {
    return this.clients.size;
  }

  broadcast(msg: LiveMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(msg);
    for (const ws of this.clients) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  flush(): void {
    const changed = this.beds.takeDirty();
    if (changed.length) this.broadcast({ type: "beds", now: this.time.now(), beds: changed });
  }

  private sendTo(ws: WebSocket, msg: LiveMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  }

  stop(): void {
    this.timer?.cancel();
    for (const ws of this.clients) ws.close(1001, "gateway shutting down");
  }
}
