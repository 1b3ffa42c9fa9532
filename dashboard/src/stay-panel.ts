import type { BedView, StayView } from "../../core/api-types.js";
import { setData, setText } from "./dom.js";
import { formatAge, formatTimeOfDay } from "./format.js";

export interface StayPanelActions {
  admit(bed: string): void;
  transfer(stay: StayView, toBed: string): Promise<unknown>;
  standby(stay: StayView, on: boolean): Promise<unknown>;
  discharge(stay: StayView): Promise<unknown>;
  removeBed(bed: string): Promise<unknown>;
  historyLinks(stayId: number): { csv: string; print: string };
}

/** "P-7 · Ada Lovelace · MRN 0001 · born 1815-12-10 · admitted 14:03 by kim · Bed-1 → Bed-2". */
export function staySummary(s: StayView | null, gatewayNow: number): string {
  if (s === null) return "Nobody admitted to this bed.";
  const who = [s.patient_id, s.name, s.mrn ? `MRN ${s.mrn}` : null, s.dob ? `born ${s.dob}` : null].filter(
    Boolean,
  );
  const where = s.beds.length > 1 ? ` · ${s.beds.map((b) => b.bed).join(" → ")}` : "";
  const standby =
    s.state === "standby" && s.standby_since !== null
      ? ` · on standby for ${formatAge(gatewayNow - s.standby_since)}`
      : "";
  return `${who.join(" · ")} · admitted ${formatTimeOfDay(s.admitted_at)} by ${s.admitted_by}${where}${standby}`;
}

/**
 * The bed dialog's patient section: who is admitted, and the stay's actions — admit, transfer,
 * standby/resume, discharge (asks once more), remove the bed when nobody is admitted, and the stay's
 * history as CSV or a printable page.
 */
export class StayPanel {
  private bed: string | null = null;
  private stay: StayView | null = null;
  private confirmTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly on: StayPanelActions,
  ) {
    this.button("stay-admit").addEventListener("click", () => {
      if (this.bed) this.on.admit(this.bed);
    });
    this.button("stay-transfer").addEventListener("click", () => {
      const to = (this.part("transfer-bed") as HTMLInputElement).value.trim();
      if (!this.stay) return;
      if (!to) return this.say("Enter the bed to move the patient to.", "error");
      this.run(this.on.transfer(this.stay, to), `Moved to ${to}.`);
    });
    this.button("stay-standby").addEventListener("click", () => {
      if (this.stay) this.run(this.on.standby(this.stay, this.stay.state !== "standby"), "Saved.");
    });
    this.confirming("stay-discharge", "Confirm discharge", () => {
      if (this.stay)
        this.run(this.on.discharge(this.stay), "Discharged. The data stays in the stay history.");
    });
    this.confirming("bed-remove", "Confirm removal", () => {
      if (this.bed) this.run(this.on.removeBed(this.bed), "Bed removed.");
    });
  }

  open(bed: string): void {
    this.bed = bed;
    (this.part("transfer-bed") as HTMLInputElement).value = "";
    this.say("", "info");
  }

  render(b: BedView | undefined, gatewayNow: number): void {
    if (!b || b.bed !== this.bed) return;
    const s = b.stay;
    this.stay = s;
    setData(this.root, "stay", s?.state ?? "none");
    setText(this.part("stay-summary"), staySummary(s, gatewayNow));
    this.button("stay-admit").hidden = s !== null;
    this.button("bed-remove").hidden = s !== null;
    for (const p of ["stay-transfer", "stay-standby", "stay-discharge"]) this.button(p).hidden = s === null;
    this.part("transfer-field").hidden = s === null;
    setText(this.button("stay-standby"), s?.state === "standby" ? "Resume monitoring" : "Standby");
    const links = this.part("stay-links");
    links.hidden = s === null;
    if (s) {
      const l = this.on.historyLinks(s.id);
      (this.part("stay-csv") as HTMLAnchorElement).href = l.csv;
      (this.part("stay-print") as HTMLAnchorElement).href = l.print;
    }
  }

  private run(p: Promise<unknown>, ok: string): void {
    this.say("Saving…", "info");
    p.then(
      () => this.say(ok, "ok"),
      (e: Error) => this.say(`Not done: ${e.message}`, "error"),
    );
  }

  /** A destructive action asks once more: the first click arms it for 5 s. */
  private confirming(part: string, armed: string, act: () => void): void {
    const b = this.button(part);
    const idle = b.textContent ?? "";
    b.addEventListener("click", () => {
      if (b.dataset.armed === "true") {
        clearTimeout(this.confirmTimer);
        b.dataset.armed = "false";
        b.textContent = idle;
        act();
        return;
      }
      b.dataset.armed = "true";
      b.textContent = armed;
      this.confirmTimer = setTimeout(() => {
        b.dataset.armed = "false";
        b.textContent = idle;
      }, 5_000);
    });
  }

  private say(text: string, kind: "info" | "ok" | "error"): void {
    const e = this.part("stay-status");
    setText(e, text);
    e.dataset.kind = kind;
  }

  private button(name: string): HTMLButtonElement {
    return this.part(name) as HTMLButtonElement;
  }

  private part(name: string): HTMLElement {
    const e = this.root.querySelector<HTMLElement>(`[data-part="${name}"]`);
    if (!e) throw new Error(`bed dialog lacks [data-part="${name}"]`);
    return e;
  }
}
