import type { StayView } from "../../core/api-types.js";
import { setText } from "./dom.js";
import { type AdmitEntry, admissionFromForm } from "./stay-actions.js";

/** The "Admit patient" dialog: bed, patient id, and optionally name, MRN, date of birth, alarm profile. */
export class AdmitDialog {
  private readonly form: HTMLFormElement;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly admit: (entry: AdmitEntry) => Promise<StayView>,
  ) {
    this.form = dialog.querySelector("form") as HTMLFormElement;
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });
    dialog.querySelector(".history-close")?.addEventListener("click", () => dialog.close());
  }

  open(bed = ""): void {
    this.form.reset();
    this.field("bed").value = bed;
    this.status("", "info");
    if (!this.dialog.open) this.dialog.showModal();
    (bed ? this.field("patient") : this.field("bed")).focus();
  }

  private async submit(): Promise<void> {
    const entry = admissionFromForm({
      bed: this.field("bed").value,
      patient: this.field("patient").value,
      name: this.field("name").value,
      mrn: this.field("mrn").value,
      dob: this.field("dob").value,
      profile: this.field("profile").value,
    });
    if (typeof entry === "string") return this.status(entry, "error");
    this.status("Admitting…", "info");
    try {
      const stay = await this.admit(entry);
      this.status(`Admitted ${stay.patient_id} to ${stay.bed}.`, "ok");
      this.dialog.close();
    } catch (e) {
      this.status(`Not admitted: ${(e as Error).message}`, "error");
    }
  }

  private field(name: string): HTMLInputElement {
    return this.form.elements.namedItem(name) as HTMLInputElement;
  }

  private status(text: string, kind: string): void {
    const e = this.dialog.querySelector<HTMLElement>('[data-part="admit-status"]') as HTMLElement;
    setText(e, text);
    e.dataset.kind = kind;
  }
}
