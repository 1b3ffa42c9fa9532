import { alarmReason } from "../../core/bed-status.js";
import type { Logger } from "../../core/logger.js";
import type { Alert, Status } from "../../core/reading.js";
import type { Timer, TimeSource } from "../../core/time.js";
import { type AlarmEvent, PRIORITY_RANK, type Priority } from "../alarms/types.js";
import type { AlertOutput } from "./alert-output.js";

type Reported = Extract<AlarmEvent, { type: "raised" | "escalated" | "cleared" }>;

interface PatientWindow {
  lastSentAt: number;
  held: Reported[];
  timer: Timer | undefined;
}

const WORD: Readonly<Record<Priority, string>> = { high: "HIGH", medium: "MEDIUM", low: "LOW" };

/** One line of a message: what happened to one alarm. */
export function alertLine(e: Reported): string {
  const technical = e.kind !== "physiological";
  const what = `${technical ? "TECHNICAL " : ""}${alarmReason({
    kind: e.kind,
    parameter: e.parameter,
    value: e.value,
    limit: e.type === "raised" ? (e.limit ?? null) : null,
    priority: e.priority,
  })}`;
  switch (e.type) {
    case "raised":
      return `${WORD[e.priority]} ${what}${e.from ? ` (was ${WORD[e.from]})` : ""}`;
    case "escalated":
      return `ESCALATED ${WORD[e.priority]} ${what} (unacknowledged ${Math.round(e.unacknowledgedMs / 1000)} s)`;
    case "cleared":
      return `cleared ${what} (${e.reason})`;
  }
}

/**
 * Turns the alarm engine's events into messages to staff (console and bell, the dashboard's strip, the
 * alerts table, extra outputs): raised, escalated and cleared alarms of at least `minPriority`. The
 * original design's anti-spam rule is the floor: at most one message per patient per `intervalMs`
 * (keyed by bed when there is no patient id). Events inside the interval are held and sent together
 * when it ends — coalesced, never dropped.
 */
export class AlertDispatcher {
  private readonly windows = new Map<string, PatientWindow>();

  constructor(
    private readonly deps: {
      time: TimeSource;
      intervalMs: number;
      minPriority: Priority;
      outputs: AlertOutput[];
      logger: Logger;
      /** The bed's ward and derived status when a message goes out. */
      describe: (bed: string) => { ward: string | null; status: Status };
      /** Called for every message that went out (store it, push it live). */
      onAlert?: (alert: Alert) => void;
    },
  ) {}

  /** The events of one input, together: those of one patient that can go now go as one message. */
  consider(events: readonly AlarmEvent[]): void {
    const touched = new Set<PatientWindow>();
    for (const e of events) {
      if (e.type !== "raised" && e.type !== "escalated" && e.type !== "cleared") continue;
      if (PRIORITY_RANK[e.priority] < PRIORITY_RANK[this.deps.minPriority]) continue;
      const key = e.patient ? `patient:${e.patient}` : `bed:${e.bed}`;
      let w = this.windows.get(key);
      if (w === undefined) {
        w = { lastSentAt: Number.NEGATIVE_INFINITY, held: [], timer: undefined };
        this.windows.set(key, w);
      }
      w.held.push(e);
      touched.add(w);
    }
    const now = this.deps.time.now();
    for (const w of touched) this.due(w, now);
  }

  private due(w: PatientWindow, now: number): void {
    if (now - w.lastSentAt >= this.deps.intervalMs) {
      this.send(w, now);
      return;
    }
    if (w.timer === undefined) {
      const window = w;
      window.timer = this.deps.time.after(Math.max(0, w.lastSentAt + this.deps.intervalMs - now), () => {
        window.timer = undefined;
        this.send(window, this.deps.time.now());
      });
    }
  }

  /** Sends whatever is held now (shutdown), then forgets the timers. */
  flush(): void {
    const now = this.deps.time.now();
    for (const w of this.windows.values()) {
      w.timer?.cancel();
      w.timer = undefined;
      if (w.held.length) this.send(w, now);
    }
  }

  private send(w: PatientWindow, now: number): void {
    const events = w.held;
    if (events.length === 0) return;
    w.held = [];
    w.lastSentAt = now;
    const last = events[events.length - 1] as Reported;
    let priority: Priority | null = null;
    for (const e of events) {
      if (e.type === "cleared") continue;
      if (priority === null || PRIORITY_RANK[e.priority] > PRIORITY_RANK[priority]) priority = e.priority;
    }
    const { ward, status } = this.deps.describe(last.bed);
    const alert: Alert = {
      bed: last.bed,
      patient: last.patient,
      ward,
      status,
      reasons: events.map(alertLine),
      priority,
      at: now,
    };
    this.deps.onAlert?.(alert);
    for (const out of this.deps.outputs) {
      try {
        const p = out.send(alert);
        if (p)
          p.catch((err: unknown) => this.deps.logger.error({ err, output: out.name }, "alert output failed"));
      } catch (err) {
        this.deps.logger.error({ err, output: out.name }, "alert output failed");
      }
    }
  }
}
