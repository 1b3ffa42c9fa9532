import type { LiveMessage, NoticeView } from "../../core/api-types.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { BedRegistry } from "../beds.js";

/** What the hub needs of a WebSocket (ws's WebSocket; a test double in tests). */
export interface LiveSocket {
  readonly readyState: number;
  readonly OPEN: number;
  /** Bytes queued by send() and not yet handed to the network. */
  readonly bufferedAmount: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: "close" | "error", fn: () => void): unknown;
}

export interface LiveHubOptions {
  /** Least time between two bed updates to one client; changes in between are coalesced. */
  throttleMs: number;
  /** A client with more than this queued gets no bed updates until it drains (then a snapshot). */
  maxBufferedBytes: number;
}

interface Client {
  ws: LiveSocket;
  /** Bed updates were skipped: it gets a snapshot (the latest state) when it drains. */
  behind: boolean;
}

/** Counters for /metrics and tests. */
export interface LiveHubStats {
  clients: number;
  behind: number;
  /** Bed updates not sent to a slow client (it got the latest state later instead). */
  skippedUpdates: number;
  /** Clients closed because they did not read at all (1013). */
  closedSlow: number;
}

/**
 * Pushes bed changes to dashboard WebSockets.
 *
 * - **Latency**: a change goes out at once when the hub is idle (on the next turn of the event loop,
 *   so one commit batch is one message); changes within `throttleMs` of the last push are coalesced
 *   into one trailing push. Alarm and other messages (broadcast) are never delayed.
 * - **Backpressure**: a client whose send buffer holds more than `maxBufferedBytes` gets no bed updates
 *   — the latest state wins: it gets a snapshot once its buffer is below half of that. One holding
 *   more than 4× is closed with 1013 ("try again later"), so memory per client stays bounded.
 */
export class LiveHub {
  private readonly clients = new Set<Client>();
  private trailing: Timer | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private drainCheck: Timer | undefined;
  private lastPush = Number.NEGATIVE_INFINITY;
  private stopped = false;
  private readonly counters = { skippedUpdates: 0, closedSlow: 0 };
  /** The ward notices a snapshot includes (set by the gateway when the alarm engine runs). */
  notices: () => NoticeView[] = () => [];

  constructor(
    private readonly beds: BedRegistry,
    private readonly time: TimeSource,
    private readonly opts: LiveHubOptions,
  ) {}

  start(): void {
    this.beds.onChange = () => this.changed();
  }

  add(ws: LiveSocket): void {
    const c: Client = { ws, behind: false };
    this.clients.add(c);
    ws.on("close", () => this.clients.delete(c));
    ws.on("error", () => this.clients.delete(c));
    this.sendTo(c, this.snapshot());
  }

  get size(): number {
    return this.clients.size;
  }

  get stats(): LiveHubStats {
    let behind = 0;
    for (const c of this.clients) if (c.behind) behind++;
    return { clients: this.clients.size, behind, ...this.counters };
  }

  /** Sends to every client now (alarm events, notifications): never coalesced or skipped. */
  broadcast(msg: LiveMessage): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(msg);
    for (const c of this.clients) this.sendTo(c, text);
  }

  /** A bed changed: push now if idle, else once the throttle interval since the last push is over. */
  changed(): void {
    if (this.stopped || this.immediate || this.trailing) return;
    const wait = this.lastPush + this.opts.throttleMs - this.time.now();
    if (wait <= 0) {
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.flush();
      });
    } else {
      this.trailing = this.time.after(wait, () => {
        this.trailing = undefined;
        this.flush();
      });
    }
  }

  /** Pushes every changed bed to the clients that keep up. */
  flush(): void {
    const changed = this.beds.takeDirty();
    this.lastPush = this.time.now();
    if (changed.length === 0 || this.clients.size === 0) return;
    const text = JSON.stringify({ type: "beds", now: this.lastPush, beds: changed } satisfies LiveMessage);
    for (const c of this.clients) {
      if (c.behind || c.ws.bufferedAmount > this.opts.maxBufferedBytes) {
        c.behind = true;
        this.counters.skippedUpdates++;
        this.watchDrain();
        continue;
      }
      this.sendTo(c, text);
    }
  }

  private snapshot(): string {
    return JSON.stringify({
      type: "snapshot",
      now: this.time.now(),
      beds: this.beds.all(),
      notices: this.notices(),
    } satisfies LiveMessage);
  }

  private sendTo(c: Client, msg: string): void {
    const ws = c.ws;
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > 4 * this.opts.maxBufferedBytes) {
      this.counters.closedSlow++;
      this.clients.delete(c);
      ws.close(1013, "not reading: reconnect");
      return;
    }
    ws.send(msg);
  }

  /** While any client is behind, look every throttle interval whether it has drained. */
  private watchDrain(): void {
    this.drainCheck ??= this.time.every(this.opts.throttleMs, () => {
      let still = false;
      for (const c of this.clients) {
        if (!c.behind) continue;
        if (c.ws.bufferedAmount <= this.opts.maxBufferedBytes / 2) {
          c.behind = false;
          this.sendTo(c, this.snapshot());
        } else still = true;
      }
      if (!still) {
        this.drainCheck?.cancel();
        this.drainCheck = undefined;
      }
    });
  }

  stop(): void {
    this.stopped = true;
    this.beds.onChange = undefined;
    this.trailing?.cancel();
    this.drainCheck?.cancel();
    if (this.immediate) clearImmediate(this.immediate);
    for (const c of this.clients) c.ws.close(1001, "gateway shutting down");
  }
}
