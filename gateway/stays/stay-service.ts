import type { StayView } from "../../core/api-types.js";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import { resolveProfileSettings } from "../alarms/alarm-config.js";
import type { AlarmService } from "../alarms/alarm-service.js";
import type { BedRegistry } from "../beds.js";
import type { StayStore } from "../store/stay-store.js";

export interface Admission {
  bed: string;
  patient: string;
  name?: string | null | undefined;
  mrn?: string | null | undefined;
  dob?: string | null | undefined;
  profile?: string | null | undefined;
}

const conflict = (message: string, details?: Record<string, unknown>) =>
  new VitalsError(message, ErrorCodes.StayConflict, details);
const notFound = (id: number) => new VitalsError(`no open stay ${id}`, ErrorCodes.StayNotFound, { id });

/**
 * The patient's stay: admit, transfer, standby, discharge — and removing a bed with nobody in it.
 * Every action is one transaction (the stay tables and the alarm state it changes) and is recorded
 * with its user. Known beds are the admitted ones and, in open (lab) mode, those a node names in its
 * hello; a bed that is neither any more (discharged or removed with no node connected) is forgotten,
 * while its data stays queryable by patient and stay.
 */
export class StayService {
  private readonly byBed = new Map<string, StayView>();

  constructor(
    private readonly deps: {
      store: StayStore;
      alarms: AlarmService;
      beds: BedRegistry;
      time: TimeSource;
      logger: Logger;
      /** Tells dashboards a bed is no longer known. */
      removed: (bed: string) => void;
    },
  ) {
    for (const s of deps.store.open()) {
      if (s.bed === null) continue;
      this.byBed.set(s.bed, s);
      deps.beds.ensure(s.bed);
    }
  }

  /** The open stay in a bed, or null. */
  stayOf(bed: string): StayView | null {
    return this.byBed.get(bed) ?? null;
  }

  get(id: number): StayView | undefined {
    return this.deps.store.get(id);
  }

  /** Stays by patient and/or bed (any bed the patient was in), newest first. */
  find(q: {
    patient?: string | undefined;
    bed?: string | undefined;
    open?: boolean;
    limit: number;
  }): StayView[] {
    return this.deps.store.find(q);
  }

  admit(a: Admission, user: string): StayView {
    if (this.byBed.has(a.bed)) throw conflict(`bed ${a.bed} already has an admitted patient`, { bed: a.bed });
    for (const s of this.byBed.values())
      if (s.patient_id === a.patient)
        throw conflict(`patient ${a.patient} is already admitted to ${s.bed}; transfer instead`, {
          patient: a.patient,
          bed: s.bed,
        });
    const profile = a.profile ?? null;
    if (profile !== null && resolveProfileSettings(this.deps.alarms.engine.config, profile) === undefined)
      throw new VitalsError(`unknown alarm profile "${profile}"`, ErrorCodes.ConfigInvalid, { profile });
    const at = this.deps.time.now();
    let id = 0;
    this.deps.store.transaction(() => {
      id = this.deps.store.admit(
        {
          patient: a.patient,
          name: a.name ?? null,
          mrn: a.mrn ?? null,
          dob: a.dob ?? null,
          profile,
          bed: a.bed,
        },
        user,
        at,
      );
      this.deps.store.record(id, at, user, "admit", a.bed, { patient: a.patient, profile });
      this.deps.alarms.setPatient(a.bed, a.patient);
      if (profile !== null) this.deps.alarms.setLimits(a.bed, { profile }, user);
    });
    return this.refresh(id, a.bed);
  }

  /** Moves the patient: the old bed's alarms close (transferred), the limits and standby follow. */
  transfer(id: number, to: string, user: string): StayView {
    const stay = this.open(id);
    const from = stay.bed as string;
    if (to === from) return stay;
    if (this.byBed.has(to)) throw conflict(`bed ${to} already has an admitted patient`, { bed: to });
    const at = this.deps.time.now();
    const alarms = this.deps.alarms;
    const limits = alarms.engine.limits(from);
    this.deps.store.transaction(() => {
      this.deps.store.move(id, to, at);
      this.deps.store.record(id, at, user, "transfer", to, { from, to });
      alarms.release(from, user, "transferred");
      alarms.setPatient(to, stay.patient_id);
      alarms.setLimits(to, { profile: limits.profile, limits: limits.limits, delayMs: limits.delayMs }, user);
      if (stay.state === "standby") alarms.standby(to, true, user);
    });
    this.byBed.delete(from);
    this.freeIfUnknown(from);
    return this.refresh(id, to);
  }

  /** Standby on: no alarms (they close with reason standby); off: monitoring resumes. */
  standby(id: number, on: boolean, user: string): StayView {
    const stay = this.open(id);
    const bed = stay.bed as string;
    if ((stay.state === "standby") === on) return stay;
    const at = this.deps.time.now();
    this.deps.store.transaction(() => {
      this.deps.store.standby(id, on ? at : null);
      this.deps.store.record(id, at, user, on ? "standby" : "resume", bed);
      this.deps.alarms.standby(bed, on, user);
    });
    return this.refresh(id, bed);
  }

  /** The stay ends: its alarms close (discharged), the bed frees; the data stays. */
  discharge(id: number, user: string): StayView {
    const stay = this.open(id);
    const bed = stay.bed as string;
    const at = this.deps.time.now();
    this.deps.store.transaction(() => {
      this.deps.store.discharge(id, user, at);
      this.deps.store.record(id, at, user, "discharge", bed);
      this.deps.alarms.release(bed, user, "discharged");
    });
    this.byBed.delete(bed);
    this.freeIfUnknown(bed);
    this.deps.beds.touch(bed);
    return this.deps.store.get(id) as StayView;
  }

  /**
   * Removes a bed from the ward: a discharge of whoever is admitted — or of nobody, for an unknown or
   * leftover bed. Its alarms close (discharged); its data stays. A node still sending for it makes it
   * known again (open mode).
   */
  removeBed(bed: string, user: string): { discharged: StayView | null } {
    const stay = this.byBed.get(bed);
    const discharged = stay ? this.discharge(stay.id, user) : null;
    const at = this.deps.time.now();
    this.deps.store.transaction(() => {
      if (!stay) {
        this.deps.store.record(null, at, user, "remove_bed", bed);
        this.deps.alarms.release(bed, user, "discharged");
      }
      this.deps.store.forgetBed(bed);
    });
    if (this.deps.beds.remove(bed)) this.deps.removed(bed);
    this.deps.logger.info({ bed, user, stay: stay?.id ?? null }, "bed removed");
    return { discharged };
  }

  private open(id: number): StayView {
    for (const s of this.byBed.values()) if (s.id === id) return s;
    throw notFound(id);
  }

  private refresh(id: number, bed: string): StayView {
    const stay = this.deps.store.get(id) as StayView;
    this.byBed.set(bed, stay);
    this.deps.beds.ensure(bed);
    this.deps.beds.touch(bed);
    return stay;
  }

  /** A bed nobody is admitted to and no node names is not known any more. */
  private freeIfUnknown(bed: string): void {
    if (this.byBed.has(bed) || this.deps.beds.hasConnection(bed)) return;
    this.deps.store.forgetBed(bed);
    if (this.deps.beds.remove(bed)) this.deps.removed(bed);
  }
}
