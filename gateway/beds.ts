import type { BedAlarmSummary, BedView, News2Summary, ReadingView, StayView } from "../core/api-types.js";
import { PARAMETERS, type ParameterList, toColumns } from "../core/parameters.js";
import type { Classification, ClassifiedReading } from "../core/reading.js";
import type { ReadingViewOf, StoredReading } from "./store/reading-columns.js";

/** A reading as the live API shows it: one field per parameter, null when not measured. */
export function toReadingView<P extends ParameterList = typeof PARAMETERS>(
  r: StoredReading<P>,
  params: P = PARAMETERS as unknown as P,
): ReadingViewOf<P> {
  return {
    node: r.node,
    seq: r.seq,
    bed: r.bed,
    patient: r.patient,
    ward: r.ward,
    t: r.t,
    received_at: r.receivedAt,
    ...toColumns(r.values, params),
    flags: r.flags,
    status: r.status,
    reasons: r.reasons,
  };
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
const naturalCompare = (a: string, b: string): number => collator.compare(a, b);

interface BedState {
  bed: string;
  ward: string | null;
  patient: string | null;
  node: string | null;
  connections: number;
  last: ClassifiedReading | ReadingView | null;
}

/** The live state of every known bed, and which beds changed since the last look. */
export class BedRegistry {
  private readonly beds = new Map<string, BedState>();
  private readonly dirty = new Set<string>();
  /** Beds whose patient an admission (HL7 ADT) names: a node's hello does not override it. */
  private readonly admitted = new Set<string>();
  /** Called when a bed becomes changed (the live hub pushes it). */
  onChange: (() => void) | undefined;
  /** Adds the alarm engine's view of a bed and its derived status (UNKNOWN without an engine). */
  decorate:
    | {
        alarm(bed: string): BedAlarmSummary | null;
        news2(bed: string): News2Summary | null;
        classify(bed: string): Classification;
        /** The bed's open stay (the admitted patient wins over what a node claims). */
        stay(bed: string): StayView | null;
      }
    | undefined;
  /** Told of every bed change (readings, connections, alarm events), e.g. to republish MQTT state. */
  onBedChange: ((bed: string) => void) | undefined;

  private mark(bed: string): void {
    this.dirty.add(bed);
    this.onChange?.();
    this.onBedChange?.(bed);
  }

  /** Marks a bed changed (e.g. by an alarm event) so the live API pushes it. */
  touch(bed: string): void {
    if (this.beds.has(bed)) this.mark(bed);
  }

  restore(
    rows: {
      bed: string;
      ward: string | null;
      patient: string | null;
      node: string | null;
      last: ReadingView | null;
    }[],
  ): void {
    for (const r of rows) this.beds.set(r.bed, { ...r, connections: 0 });
  }

  /** A bed known without a node (an admission): listed until it is removed. */
  ensure(bed: string): void {
    this.get(bed);
    this.mark(bed);
  }

  /** Forgets a bed (removed, or discharged with no node connected); its data stays in the store. */
  remove(bed: string): boolean {
    const known = this.beds.delete(bed);
    this.dirty.delete(bed);
    return known;
  }

  /** A node is connected for the bed now. */
  hasConnection(bed: string): boolean {
    return (this.beds.get(bed)?.connections ?? 0) > 0;
  }

  private get(bed: string): BedState {
    let s = this.beds.get(bed);
    if (!s) {
      s = { bed, ward: null, patient: null, node: null, connections: 0, last: null };
      this.beds.set(bed, s);
    }
    return s;
  }

  onReading(r: ClassifiedReading): void {
    const s = this.get(r.bed);
    s.last = r;
    s.ward = r.ward;
    s.patient = r.patient;
    s.node = r.node;
    this.mark(r.bed);
  }

  connected(
    bed: string,
    node: string,
    meta: { ward: string | null; patient: string | null },
    delta: 1 | -1,
  ): void {
    const s = this.get(bed);
    s.connections = Math.max(0, s.connections + delta);
    if (delta === 1) {
      s.node = node;
      if (meta.ward !== null && !this.admitted.has(bed)) s.ward = meta.ward;
      if (meta.patient !== null && !this.admitted.has(bed)) s.patient = meta.patient;
    }
    this.mark(bed);
  }

  /** Binds a bed to an admitted patient (null: the stay ended; the bed shows no patient). */
  admit(bed: string, stay: { ward: string | null; patient: string } | null): void {
    const s = this.get(bed);
    if (stay) {
      this.admitted.add(bed);
      s.patient = stay.patient;
      if (stay.ward !== null) s.ward = stay.ward;
    } else {
      this.admitted.delete(bed);
      s.patient = null;
    }
    this.mark(bed);
  }

  has(bed: string): boolean {
    return this.beds.has(bed);
  }

  view(bed: string): BedView | undefined {
    const s = this.beds.get(bed);
    if (!s) return undefined;
    const last = s.last === null ? null : "values" in s.last ? toReadingView(s.last) : s.last;
    // The bed's status is derived from the alarm engine now, not copied from its last reading.
    const judged = this.decorate?.classify(s.bed) ?? { status: "UNKNOWN" as const, reasons: [] };
    const stay = this.decorate?.stay(s.bed) ?? null;
    return {
      bed: s.bed,
      ward: s.ward,
      patient: stay?.patient_id ?? s.patient,
      node: s.node,
      connected: s.connections > 0,
      status: judged.status,
      reasons: judged.reasons,
      last_reading: last,
      last_reading_at: last?.received_at ?? null,
      alarm: this.decorate?.alarm(s.bed) ?? null,
      news2: this.decorate?.news2(s.bed) ?? null,
      stay,
    };
  }

  /** Every bed, in natural order (Bed-2 before Bed-10). */
  all(): BedView[] {
    return [...this.beds.keys()].sort(naturalCompare).map((b) => this.view(b) as BedView);
  }

  /** Views of the beds changed since the previous call. */
  takeDirty(): BedView[] {
    const out = [...this.dirty].map((b) => this.view(b) as BedView);
    this.dirty.clear();
    return out;
  }
}
