import type { Alert } from "../../core/reading.js";
import type { AlertOutput } from "./alert-output.js";

/**
 * The fallback output: one console line per message, with the terminal bell (BEL) as the beep when
 * something was raised or escalated (a message that only reports clears does not ring).
 */
export class ConsoleAlertOutput implements AlertOutput {
  readonly name = "console";

  constructor(
    private readonly out: { write(s: string): unknown },
    /** showPatient: name the patient id too (off by default: a console is read over shoulders and logged). */
    private readonly opts: { bell: boolean; showPatient?: boolean },
  ) {}

  send(a: Alert): void {
    const who = this.opts.showPatient && a.patient ? ` patient ${a.patient}` : "";
    const time = new Date(a.at).toISOString();
    this.out.write(
      `${this.opts.bell && a.priority !== null ? "\x07" : ""}[ALERT ${time}] ${a.status} bed ${a.bed}${who}: ${a.reasons.join("; ")}\n`,
    );
  }
}
