import type { NoticeEvent, NoticeKind } from "./types.js";

/** A ward-level technical condition that groups the per-bed alarms it causes. */
export interface Notice {
  id: string;
  kind: NoticeKind;
  at: number;
  text: string;
  /** gateway_restart: how long nobody was monitoring (last sign of life → restart). */
  gapMs: number | null;
  state: "active" | "acknowledged";
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  /** gateway_restart: restored beds have until then to reconnect before it may clear. */
  settlesAt: number;
}

/**
 * The ward's notices: "gateway restarted at … — monitoring gap of N s" and "N nodes disconnected at
 * once". Each per-bed alarm a notice explains carries its id (`group`), so the alarm bar can show one
 * row with the beds under it while every bed keeps its own alarm and state.
 *
 * A restart notice stays until someone acknowledges it (a gap in monitoring must be seen) and, after
 * that, until its beds' alarms have cleared. A mass-disconnect notice is a condition: it clears when
 * none of its alarms is listed any more. Acknowledging a notice acknowledges its listed alarms.
 */
export class WardNotices {
  private readonly notices = new Map<string, Notice>();
  private seq = 0;

  constructor(private readonly emit: (e: NoticeEvent) => void) {}

  restarted(at: number, lastAliveAt: number, settlesAt: number): Notice {
    const gapMs = Math.max(0, at - lastAliveAt);
    return this.raise({
      kind: "gateway_restart",
      at,
      text: `gateway restarted at ${new Date(at).toISOString()} — monitoring gap of ${Math.round(gapMs / 1000)} s`,
      gapMs,
      settlesAt,
    });
  }

  /** The open mass-disconnect notice, or a new one. */
  massDisconnect(at: number, beds: number, windowMs: number): Notice {
    for (const n of this.notices.values()) if (n.kind === "mass_disconnect") return n;
    return this.raise({
      kind: "mass_disconnect",
      at,
      text: `${beds} sensor nodes disconnected within ${Math.round(windowMs / 1000)} s — check the network`,
      gapMs: null,
      settlesAt: at,
    });
  }

  get(id: string): Notice | undefined {
    return this.notices.get(id);
  }

  acknowledge(id: string, user: string, at: number): boolean {
    const n = this.notices.get(id);
    if (n === undefined) return false;
    if (n.state === "active") {
      n.state = "acknowledged";
      n.acknowledgedBy = user;
      n.acknowledgedAt = at;
      this.emit(this.event(n, "acknowledged", at, user));
    }
    return true;
  }

  /** Clears the notices that are done; `listed(id)` counts the listed alarms grouped under one. */
  review(at: number, listed: (id: string) => number): void {
    for (const n of [...this.notices.values()]) {
      const open = listed(n.id) > 0;
      const done =
        n.kind === "mass_disconnect" ? !open : n.state === "acknowledged" && !open && at >= n.settlesAt;
      if (!done) continue;
      this.notices.delete(n.id);
      this.emit(this.event(n, "cleared", at, null));
    }
  }

  /** Soonest time `review` may clear something without new input. */
  nextDueAt(): number {
    let due = Number.POSITIVE_INFINITY;
    for (const n of this.notices.values())
      if (n.kind === "gateway_restart" && n.state === "acknowledged") due = Math.min(due, n.settlesAt);
    return due;
  }

  list(): Notice[] {
    return [...this.notices.values()].sort((a, b) => a.at - b.at);
  }

  snapshot(): { seq: number; notices: Notice[] } {
    return { seq: this.seq, notices: this.list() };
  }

  restore(s: { seq: number; notices: readonly Notice[] }): void {
    this.seq = Math.max(this.seq, s.seq);
    for (const n of s.notices) this.notices.set(n.id, { ...n });
  }

  private raise(n: Omit<Notice, "id" | "state" | "acknowledgedBy" | "acknowledgedAt">): Notice {
    const notice: Notice = {
      ...n,
      id: `notice#${++this.seq}@${n.at}`,
      state: "active",
      acknowledgedBy: null,
      acknowledgedAt: null,
    };
    this.notices.set(notice.id, notice);
    this.emit(this.event(notice, "raised", n.at, null));
    return notice;
  }

  private event(n: Notice, action: NoticeEvent["action"], at: number, user: string | null): NoticeEvent {
    return {
      type: "notice",
      action,
      at,
      bed: "",
      patient: null,
      noticeId: n.id,
      notice: n.kind,
      text: n.text,
      user,
    };
  }
}
