import type { AlarmRecordSnapshot } from "./alarm-record.js";
import type { BedLimits } from "./limit-overrides.js";

/** What of a bed survives a gateway restart (alarm_state in SQLite, JSON). */
export interface BedSnapshot {
  bed: string;
  patient: string | null;
  limits: BedLimits;
  heartbeatMs: number;
  node: string | null;
  /** A node was connected (and the bed not on standby): it must reconnect after a restart. */
  monitored: boolean;
  standbySince: number | null;
  pausedUntil: number | null;
  records: AlarmRecordSnapshot[];
}
