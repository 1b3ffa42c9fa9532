import type { WebSocket } from "ws";
import type { LiveMessage, NoticeView } from "../../core/api-types.js";
import type { Clock } from "../../core/reading.js";
import type { BedRegistry } from "../beds.js";

/**
 * Pushes bed changes to dashboard WebSockets. Changes are coalesced for `throttleMs` so a busy ward
 * costs one message per interval per client, not one per reading.
 */
export class LiveHub {
  private readonly clients = new Set<WebSocket>();
  private timer: NodeJS.Timeout | undefined;
  /** The ward notices a snapshot includes (set by the gateway when the alarm engine runs). */
  notices: () => NoticeView[] = () => [];

  constructor(
    private readonly beds: BedRegistry,
    private readonly clock: Clock,
    private readonly throttleMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.flush(), this.throttleMs);
    this.timer.unref();
  }

  add(ws: WebSocket): void {
    this.clients.add(ws);
    ws.on("close", () => this.clients.delete(ws));
    ws.on("error", () => this.clients.delete(ws));
    this.sendTo(ws, {
      type: "snapshot",
      now: this.clock.now(),
      beds: this.beds.all(),
      notices: this.notices(),
    });
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
    if (changed.length) this.broadcast({ type: "beds", now: this.clock.now(), beds: changed });
  }

  private sendTo(ws: WebSocket, msg: LiveMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    for (const ws of this.clients) ws.close(1001, "gateway shutting down");
  }
}
