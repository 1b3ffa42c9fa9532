import type { AlarmActions, DeadLetterView } from "./alarm-actions.js";
import { el } from "./dom.js";
import { formatTimeOfDay } from "./format.js";

/** The header badge's text: null when there is nothing staff must look at. */
export function deadLetterBadge(n: { pending: number; dead: number } | null): string | null {
  if (!n || n.dead === 0) return null;
  return `⚠ ${n.dead} notification${n.dead === 1 ? "" : "s"} not delivered`;
}

/** One dead letter as table cells (pure, tested without a DOM). */
export function deadLetterRow(d: DeadLetterView): string[] {
  return [
    formatTimeOfDay(d.created_at),
    d.channel,
    d.recipient,
    d.title,
    String(d.attempts),
    d.last_error ?? "—",
  ];
}

/**
 * Remote notifications that were never delivered (provider refused them, or every retry failed):
 * staff away from the screen did not get these, so the central station says so, and offers to send
 * them again once the channel is fixed.
 */
export class DeadLettersDialog {
  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly api: AlarmActions,
  ) {
    dialog.querySelector(".history-close")?.addEventListener("click", () => dialog.close());
  }

  async open(): Promise<void> {
    if (!this.dialog.open) this.dialog.showModal();
    const body = this.dialog.querySelector("tbody") as HTMLTableSectionElement;
    body.replaceChildren();
    const status = await this.api.notifications();
    for (const d of status.dead_letters) {
      const tr = el("tr", "", body);
      for (const cell of deadLetterRow(d)) el("td", "", tr, cell);
      const retry = el("button", "btn", el("td", "", tr), "Send again");
      retry.type = "button";
      retry.addEventListener("click", () => {
        retry.disabled = true;
        void this.api.requeue(d.id).then(
          () => tr.remove(),
          () => (retry.disabled = false),
        );
      });
    }
    if (status.dead_letters.length === 0)
      el("td", "", el("tr", "", body), "No undelivered notifications.").colSpan = 7;
  }
}
