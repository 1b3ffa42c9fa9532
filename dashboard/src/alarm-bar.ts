import type { AlarmItemView } from "../../core/api-types.js";
import { alarmStateText, alarmText, isTechnical, PRIORITY_MARK, PRIORITY_WORD } from "./alarm-labels.js";
import { el, setText } from "./dom.js";
import { formatAge } from "./format.js";

export interface AlarmBarActions {
  open(bed: string): void;
  acknowledge(bed: string, alarmIds: string[]): void;
}

/**
 * The central station's alarm bar: every listed alarm in the ward, highest priority first, each with
 * its bed, what it is, how long it has lasted and an Acknowledge button. Rebuilt only when the list or
 * a state changes; durations are refreshed in place every second.
 */
export class AlarmBar {
  private sig = "";
  private readonly ages = new Map<HTMLElement, number>();

  constructor(
    private readonly list: HTMLElement,
    private readonly summary: HTMLElement,
    private readonly on: AlarmBarActions,
  ) {}

  render(alarms: readonly AlarmItemView[], gatewayNow: number, pending: ReadonlySet<string>): void {
    const waiting = alarms.filter((a) => a.state === "active").length;
    setText(
      this.summary,
      alarms.length === 0
        ? "No active alarms"
        : `${alarms.length} alarm${alarms.length === 1 ? "" : "s"} · ${waiting} not acknowledged`,
    );
    this.summary.dataset.top = alarms[0]?.priority ?? "none";
    const sig = alarms
      .map(
        (a) => `${a.id}|${a.priority}|${a.state}|${a.latched}|${a.escalated}|${a.value}|${pending.has(a.id)}`,
      )
      .join("\n");
    if (sig !== this.sig) {
      this.sig = sig;
      this.ages.clear();
      this.list.replaceChildren(...alarms.map((a) => this.row(a, pending.has(a.id))));
    }
    for (const [e, since] of this.ages) setText(e, formatAge(gatewayNow - since));
  }

  private row(a: AlarmItemView, pending: boolean): HTMLLIElement {
    const li = el("li", "alarm-row");
    li.dataset.priority = a.priority;
    li.dataset.state = a.state;
    li.dataset.escalated = String(a.escalated);
    li.dataset.technical = String(isTechnical(a.kind));
    li.dataset.alarmId = a.id;
    li.dataset.bed = a.bed;
    el("span", "alarm-marker", li, PRIORITY_MARK[a.priority]);
    el("span", "alarm-priority", li, PRIORITY_WORD[a.priority]);
    const bed = el("button", "alarm-bed link", li, a.patient ? `${a.bed} · ${a.patient}` : a.bed);
    bed.type = "button";
    bed.title = a.patient ? `Open ${a.bed} (patient ${a.patient})` : `Open ${a.bed}`;
    bed.addEventListener("click", () => this.on.open(a.bed));
    el("span", "alarm-text", li, alarmText(a));
    const age = el("span", "alarm-age", li);
    this.ages.set(age, a.raised_at);
    el("span", "alarm-state", li, alarmStateText(a));
    if (a.state === "active") {
      const ack = el("button", "btn btn-ack", li, pending ? "Acknowledging…" : "Acknowledge");
      ack.type = "button";
      ack.disabled = pending;
      ack.setAttribute("aria-label", `Acknowledge ${alarmText(a)} on ${a.bed}`);
      ack.addEventListener("click", () => this.on.acknowledge(a.bed, [a.id]));
    }
    return li;
  }
}
