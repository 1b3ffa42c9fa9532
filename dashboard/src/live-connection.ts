import type { LiveMessage } from "../../core/api-types.js";
import { reconnectDelay } from "./reconnect-backoff.js";

export interface LiveConnectionEvents {
  message(m: LiveMessage): void;
  /** "down" carries when the next attempt is due (browser epoch ms). */
  state(s: "connecting" | "open" | "down", retryAt?: number): void;
  /** The gateway ended the connection for good (4401 signed out or expired, 4403 not allowed): no retry. */
  ended?(code: number): void;
}

/** Close codes from the gateway's access control: reconnecting would be refused the same way. */
const FINAL_CLOSE_CODES = new Set([4401, 4403]);

const PRIORITIES = new Set<unknown>(["high", "medium", "low"]);

/** Parses one WebSocket payload; anything that is not a known live message is dropped, not thrown. */
const isCount = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x) && x >= 0;

export function parseLiveMessage(data: unknown): LiveMessage | null {
  if (typeof data !== "string") return null;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const m = v as {
    type?: unknown;
    beds?: unknown;
    now?: unknown;
    alert?: unknown;
    event?: unknown;
    priority?: unknown;
  };
  if ((m.type === "snapshot" || m.type === "beds") && Array.isArray(m.beds) && typeof m.now === "number") {
    return v as LiveMessage;
  }
  if (m.type === "alert" && typeof m.alert === "object" && m.alert !== null) return v as LiveMessage;
  if (m.type === "notices" && Array.isArray((v as { notices?: unknown }).notices)) return v as LiveMessage;
  if (m.type === "removed" && Array.isArray(m.beds) && m.beds.every((b) => typeof b === "string"))
    return v as LiveMessage;
  if (m.type === "alarm_event" && typeof m.event === "object" && m.event !== null) return v as LiveMessage;
  if (m.type === "sound" && (m.priority === null || PRIORITIES.has(m.priority))) return v as LiveMessage;
  if (
    m.type === "notifications" &&
    isCount((v as { pending?: unknown }).pending) &&
    isCount((v as { dead?: unknown }).dead)
  ) {
    return v as LiveMessage;
  }
  return null;
}

/**
 * The dashboard's one WebSocket to /api/live, reopened with capped backoff after any close.
 * The gateway sends a full snapshot on every connect, so nothing needs replaying after a gap.
 */
export class LiveConnection {
  private socket: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly on: LiveConnectionEvents,
    private readonly openSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
  }

  private connect(): void {
    this.on.state("connecting");
    const ws = this.openSocket(this.url);
    this.socket = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.on.state("open");
    };
    ws.onmessage = (ev) => {
      const m = parseLiveMessage(ev.data);
      if (m) this.on.message(m);
    };
    // onerror is always followed by onclose; reconnecting there alone avoids double scheduling.
    ws.onclose = (ev) => {
      if (this.socket !== ws) return;
      this.socket = null;
      if (this.stopped) return;
      if (FINAL_CLOSE_CODES.has(ev.code)) {
        this.stopped = true;
        this.on.ended?.(ev.code);
        return;
      }
      const delay = reconnectDelay(this.attempt++);
      this.on.state("down", Date.now() + delay);
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

/** ws:// or wss:// URL of a path relative to the page, so the dashboard works under any prefix. */
export function liveUrl(path: string, page: string): string {
  const u = new URL(path, page);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  return u.toString();
}
