import type { BedView, News2Summary } from "../../core/api-types.js";
import type { ObservationEntry } from "./alarm-actions.js";
import { alarmStateText, alarmText, isTechnical, PRIORITY_MARK, PRIORITY_WORD } from "./alarm-labels.js";
import { el, setData, setText } from "./dom.js";
import { formatTimeOfDay } from "./format.js";
import { news2Badge, news2PartRows } from "./news2-badge.js";
import { formatCountdown, pauseRemainingMs } from "./pause-countdown.js";

export interface BedDetailActions {
  acknowledge(bed: string, alarmIds: string[]): void;
  pause(bed: string): void;
  /** Resolves with the gateway's new NEWS2, rejects with a message to show. */
  observe(bed: string, entry: ObservationEntry): Promise<News2Summary>;
}

const CONSCIOUSNESS = new Set(["A", "C", "V", "P", "U"]);

/** Form fields → the observation body; empty fields are left out so they do not erase earlier entries. */
export function observationFromForm(f: {
  rr: string;
  sbp: string;
  consciousness: string;
  oxygen: string;
  scale: string;
}): ObservationEntry | string {
  const out: ObservationEntry = {};
  const num = (raw: string, name: string, lo: number, hi: number): number | string | undefined => {
    if (raw.trim() === "") return undefined;
    const v = Number(raw);
    return Number.isFinite(v) && v >= lo && v <= hi ? v : `${name} must be a number from ${lo} to ${hi}`;
  };
  const rr = num(f.rr, "RR", 0, 150);
  if (typeof rr === "string") return rr;
  if (rr !== undefined) out.rr = rr;
  const sbp = num(f.sbp, "Systolic BP", 20, 300);
  if (typeof sbp === "string") return sbp;
  if (sbp !== undefined) out.sbp = sbp;
  if (CONSCIOUSNESS.has(f.consciousness))
    out.consciousness = f.consciousness as ObservationEntry["consciousness"];
  if (f.oxygen === "air" || f.oxygen === "oxygen") out.on_oxygen = f.oxygen === "oxygen";
  if (f.scale === "1" || f.scale === "2") out.spo2_scale = f.scale === "2" ? 2 : 1;
  return Object.keys(out).length === 0 ? "Enter at least one observation" : out;
}

/**
 * The live part of the bed dialog: the bed's alarms with Acknowledge buttons, the audio pause, the
 * NEWS2 breakdown (measured / entered / missing) and the form for the observations no sensor gives.
 */
export class BedDetail {
  private bed: string | null = null;
  private listSig = "\u0000";
  private readonly form: HTMLFormElement;

  constructor(
    private readonly root: HTMLElement,
    private readonly on: BedDetailActions,
  ) {
    this.form = this.part("observations") as HTMLFormElement;
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });
    this.part("ack-all").addEventListener("click", () => {
      const ids = (this.part("ack-all").dataset.ids ?? "").split(" ").filter(Boolean);
      if (this.bed && ids.length) this.on.acknowledge(this.bed, ids);
    });
    this.part("pause").addEventListener("click", () => {
      if (this.bed) this.on.pause(this.bed);
    });
  }

  /** A different bed is shown: forget the previous one's form input. */
  open(bed: string): void {
    this.bed = bed;
    // Never equal to a real signature (not even the empty list's ""), so the first render always paints.
    this.listSig = "\u0000";
    this.form.reset();
    setText(this.part("obs-status"), "");
  }

  render(b: BedView | undefined, gatewayNow: number, pending: ReadonlySet<string>): void {
    if (!b || b.bed !== this.bed) return;
    const alarms = b.alarm?.alarms ?? [];
    const sig = alarms
      .map((a) => `${a.id}|${a.state}|${a.priority}|${a.latched}|${a.escalated}|${pending.has(a.id)}`)
      .join();
    if (sig !== this.listSig) {
      this.listSig = sig;
      const list = this.part("alarm-list");
      list.replaceChildren(
        ...alarms.map((a) => {
          const li = el("li", "alarm-row");
          li.dataset.priority = a.priority;
          li.dataset.state = a.state;
          li.dataset.escalated = String(a.escalated);
          li.dataset.technical = String(isTechnical(a.kind));
          li.dataset.alarmId = a.id;
          el("span", "alarm-marker", li, PRIORITY_MARK[a.priority]);
          el("span", "alarm-priority", li, PRIORITY_WORD[a.priority]);
          el("span", "alarm-text", li, alarmText(a));
          el("span", "alarm-age", li, `since ${formatTimeOfDay(a.raised_at)}`);
          el("span", "alarm-state", li, alarmStateText(a));
          if (a.state === "active") {
            const ack = el("button", "btn btn-ack", li, pending.has(a.id) ? "Acknowledging…" : "Acknowledge");
            ack.type = "button";
            ack.disabled = pending.has(a.id);
            ack.addEventListener("click", () => this.on.acknowledge(a.bed, [a.id]));
          }
          return li;
        }),
      );
      if (alarms.length === 0) list.append(el("li", "muted", undefined, "No alarms listed for this bed."));
    }
    const waiting = alarms.filter((a) => a.state === "active" && !pending.has(a.id)).map((a) => a.id);
    const ackAll = this.part("ack-all") as HTMLButtonElement;
    ackAll.disabled = waiting.length === 0;
    ackAll.dataset.ids = waiting.join(" ");
    const left = pauseRemainingMs(b.alarm?.paused_until, gatewayNow);
    setText(this.part("pause"), left > 0 ? `Audio paused ${formatCountdown(left)}` : "Pause audio");
    (this.part("pause") as HTMLButtonElement).disabled = b.alarm === null;
    this.renderNews2(b.news2);
  }

  private renderNews2(n: News2Summary | null): void {
    const badge = news2Badge(n);
    const total = this.part("news2-total");
    setText(total, n ? `${badge.score} ${badge.bandLabel}${badge.incomplete ? " · incomplete" : ""}` : "—");
    setData(total, "band", badge.band);
    total.title = badge.title;
    const rows = n ? news2PartRows(n) : [];
    const body = this.part("news2-rows");
    const sig = JSON.stringify(rows);
    if (body.dataset.sig === sig) return;
    body.dataset.sig = sig;
    body.replaceChildren(
      ...rows.map((r) => {
        const tr = el("tr", "");
        tr.dataset.source = r.source;
        tr.dataset.parameter = r.parameter;
        for (const c of [r.name, r.value, r.score, r.sourceLabel]) el("td", "", tr, c);
        return tr;
      }),
    );
  }

  private async submit(): Promise<void> {
    const bed = this.bed;
    if (!bed) return;
    const v = (name: string) => (this.form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";
    const entry = observationFromForm({
      rr: v("rr"),
      sbp: v("sbp"),
      consciousness: v("consciousness"),
      oxygen: v("oxygen"),
      scale: v("scale"),
    });
    const status = this.part("obs-status");
    if (typeof entry === "string") {
      setText(status, entry);
      status.dataset.kind = "error";
      return;
    }
    setText(status, "Saving…");
    status.dataset.kind = "info";
    try {
      const n = await this.on.observe(bed, entry);
      const b = news2Badge(n);
      setText(
        status,
        `Saved. NEWS2 ${b.score} (${b.bandLabel.toLowerCase()}${b.incomplete ? ", incomplete" : ""}).`,
      );
      status.dataset.kind = "ok";
    } catch (e) {
      setText(status, `Not saved: ${(e as Error).message}`);
      status.dataset.kind = "error";
    }
  }

  private part(name: string): HTMLElement {
    const e = this.root.querySelector<HTMLElement>(`[data-part="${name}"]`);
    if (!e) throw new Error(`bed dialog lacks [data-part="${name}"]`);
    return e;
  }
}
