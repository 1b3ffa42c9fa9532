import type { AlarmRecordView } from "../../core/api-types.js";
import { alarmText, isTechnical, PRIORITY_MARK, PRIORITY_WORD } from "./alarm-labels.js";
import { el, setText } from "./dom.js";
import { formatTimeOfDay } from "./format.js";

const CLEARED_REASON: Readonly<Record<string, string>> = {
  resolved: "condition ended",
  acknowledged: "acknowledged",
  reset: "bed reset",
};

/** One row of the alarm log table, as text (pure, so it is tested without a DOM). */
export function historyRow(r: AlarmRecordView): string[] {
  const ack =
    r.acknowledged_at === null ? "—" : `${formatTimeOfDay(r.acknowledged_at)} by ${r.acknowledged_by ?? "?"}`;
  const cleared =
    r.cleared_at === null
      ? "still listed"
      : `${formatTimeOfDay(r.cleared_at)}${r.cleared_reason ? ` (${CLEARED_REASON[r.cleared_reason] ?? r.cleared_reason})` : ""}`;
  return [
    formatTimeOfDay(r.raised_at),
    r.patient ? `${r.bed} · ${r.patient}` : r.bed,
    `${PRIORITY_MARK[r.priority]} ${PRIORITY_WORD[r.priority]}`,
    alarmText(r),
    ack,
    cleared,
  ];
}

/**
 * The alarm log: past and present alarms from GET /api/alarms?state=all, newest first, with who
 * acknowledged them. Refreshed when opened and whenever an alarm event arrives while it is open.
 */
export class AlarmHistoryDialog {
  private loadedFor = -1;
  private loading = false;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly load: () => Promise<AlarmRecordView[]>,
  ) {
    dialog.querySelector(".dialog-close")?.addEventListener("click", () => dialog.close());
    dialog.addEventListener("click", (e) => {
      if (e.target === dialog) dialog.close();
    });
  }

  open(eventCount: number): void {
    if (!this.dialog.open) this.dialog.showModal();
    this.loadedFor = -1;
    this.refresh(eventCount);
  }

  /** Called on every render; reloads only when new alarm events have arrived since the last load. */
  refresh(eventCount: number): void {
    if (!this.dialog.open || this.loading || eventCount === this.loadedFor) return;
    this.loading = true;
    const at = eventCount;
    const status = this.part("status");
    if (this.loadedFor === -1) setText(status, "Loading…");
    this.load()
      .then((records) => {
        this.loadedFor = at;
        this.show(records);
      })
      .catch((e: Error) => {
        this.loadedFor = at;
        setText(status, `Could not load the alarm log (${e.message}).`);
      })
      .finally(() => {
        this.loading = false;
      });
  }

  private show(records: AlarmRecordView[]): void {
    setText(
      this.part("status"),
      records.length === 0 ? "No alarms yet." : `${records.length} alarms, newest first`,
    );
    this.part("rows").replaceChildren(
      ...records.map((r) => {
        const tr = el("tr", "");
        tr.dataset.priority = r.priority;
        tr.dataset.technical = String(isTechnical(r.kind));
        tr.dataset.alarmId = r.id;
        tr.dataset.cleared = String(r.cleared_at !== null);
        for (const c of historyRow(r)) el("td", "", tr, c);
        return tr;
      }),
    );
  }

  private part(name: string): HTMLElement {
    const e = this.dialog.querySelector<HTMLElement>(`[data-part="${name}"]`);
    if (!e) throw new Error(`alarm history dialog lacks [data-part="${name}"]`);
    return e;
  }
}
