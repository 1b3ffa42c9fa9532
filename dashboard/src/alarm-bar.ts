import type { AlarmItemView, NoticeView } from "../../core/api-types.js";
import { alarmStateText, alarmText, isTechnical, PRIORITY_MARK, PRIORITY_WORD } from "./alarm-labels.js";
import { el, setText } from "./dom.js";
import { formatAge, formatTimeOfDay } from "./format.js";

export interface AlarmBarActions {
  open(bed: string): void;
  acknowledge(bed: string, alarmIds: string[]): void;
  acknowledgeNotice(noticeId: string): void;
}

/** "gateway restarted at 14:03:12 — monitoring gap of 37 s", in the browser's time of day. */
export function noticeText(n: Pick<NoticeView, "kind" | "at" | "gap_ms" | "text">): string {
  if (n.kind === "gateway_restart")
    return `gateway restarted at ${formatTimeOfDay(n.at)} — monitoring gap of ${Math.round((n.gap_ms ?? 0) / 1000)} s`;
  return n.text;
}

/** Where each notice goes in the bar: at its first grouped alarm (alarms are in bar order), else last. */
export function alarmBarRows(
  alarms: readonly AlarmItemView[],
  notices: readonly NoticeView[],
): (
  | { kind: "alarm"; alarm: AlarmItemView }
  | { kind: "notice"; notice: NoticeView; alarms: AlarmItemView[] }
)[] {
  const known = new Map(notices.map((n) => [n.id, n]));
  const groups = new Map<string, AlarmItemView[]>();
  const rows: ReturnType<typeof alarmBarRows> = [];
  for (const a of alarms) {
    const notice = a.group === null ? undefined : known.get(a.group);
    if (notice === undefined) {
      rows.push({ kind: "alarm", alarm: a });
      continue;
    }
    let members = groups.get(notice.id);
    if (members === undefined) {
      members = [];
      groups.set(notice.id, members);
      rows.push({ kind: "notice", notice, alarms: members });
    }
    members.push(a);
  }
  for (const n of notices) if (!groups.has(n.id)) rows.push({ kind: "notice", notice: n, alarms: [] });
  return rows;
}

/**
 * The central station's alarm bar: every listed alarm in the ward, highest priority first, each with
 * its bed, what it is, how long it has lasted and an Acknowledge button. A ward notice (the gateway
 * restarted, many nodes lost at once) is one row with the beds' own alarms under it. Rebuilt only when
 * the list or a state changes; durations are refreshed in place every second.
 */
export class AlarmBar {
  private sig = "";
  private readonly ages = new Map<HTMLElement, number>();

  constructor(
    private readonly list: HTMLElement,
    private readonly summary: HTMLElement,
    private readonly on: AlarmBarActions,
  ) {}

  render(
    alarms: readonly AlarmItemView[],
    gatewayNow: number,
    pending: ReadonlySet<string>,
    notices: readonly NoticeView[] = [],
  ): void {
    const waiting = alarms.filter((a) => a.state === "active").length;
    const noticeText = notices.length ? ` · ${notices.length} notice${notices.length === 1 ? "" : "s"}` : "";
    setText(
      this.summary,
      alarms.length === 0
        ? `No active alarms${noticeText}`
        : `${alarms.length} alarm${alarms.length === 1 ? "" : "s"} · ${waiting} not acknowledged${noticeText}`,
    );
    this.summary.dataset.top = alarms[0]?.priority ?? "none";
    const sig = [
      ...alarms.map(
        (a) =>
          `${a.id}|${a.priority}|${a.state}|${a.latched}|${a.escalated}|${a.value}|${a.group}|${pending.has(a.id)}`,
      ),
      ...notices.map((n) => `${n.id}|${n.state}|${n.beds.join(",")}|${pending.has(n.id)}`),
    ].join("\n");
    if (sig !== this.sig) {
      this.sig = sig;
      this.ages.clear();
      this.list.replaceChildren(
        ...alarmBarRows(alarms, notices).map((r) =>
          r.kind === "alarm"
            ? this.row(r.alarm, pending.has(r.alarm.id))
            : this.group(r.notice, r.alarms, pending),
        ),
      );
    }
    for (const [e, since] of this.ages) setText(e, formatAge(gatewayNow - since));
  }

  private group(n: NoticeView, members: AlarmItemView[], pending: ReadonlySet<string>): HTMLLIElement {
    const li = el("li", "alarm-group");
    li.dataset.noticeId = n.id;
    li.dataset.kind = n.kind;
    li.dataset.state = n.state;
    const head = el("div", "alarm-row notice-row", li);
    head.dataset.priority = members[0]?.priority ?? "low";
    head.dataset.technical = "true";
    head.dataset.state = n.state;
    el("span", "alarm-marker", head, "⚑");
    el("span", "alarm-priority", head, "NOTICE");
    el(
      "span",
      "alarm-bed",
      head,
      members.length ? `${members.length} bed${members.length === 1 ? "" : "s"}` : "ward",
    );
    el("span", "alarm-text", head, noticeText(n));
    const age = el("span", "alarm-age", head);
    this.ages.set(age, n.at);
    el(
      "span",
      "alarm-state",
      head,
      n.state === "acknowledged" ? `acknowledged by ${n.acknowledged_by ?? "?"}` : "not acknowledged",
    );
    if (n.state === "active") {
      const busy = pending.has(n.id);
      const ack = el("button", "btn btn-ack", head, busy ? "Acknowledging…" : "Acknowledge");
      ack.type = "button";
      ack.disabled = busy;
      ack.setAttribute(
        "aria-label",
        `Acknowledge ${noticeText(n)}${members.length ? " and its beds' alarms" : ""}`,
      );
      ack.addEventListener("click", () => this.on.acknowledgeNotice(n.id));
    }
    if (members.length) {
      const sub = el("ol", "alarm-group-list", li);
      sub.setAttribute("aria-label", `Alarms grouped under: ${noticeText(n)}`);
      for (const a of members) sub.append(this.row(a, pending.has(a.id)));
    }
    return li;
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
