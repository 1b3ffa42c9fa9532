import { ErrorCodes, VitalsError } from "../../core/errors.js";
import {
  type AlarmConfig,
  type ParameterLimits,
  type ProfileLimits,
  type ProfileSettings,
  parameterLimitsSchema,
  resolveProfileSettings,
} from "./alarm-config.js";
import { ALARM_PARAMETERS, type AlarmParameter } from "./types.js";

/** What a user may change for one patient: the profile, single limits, alarm delays. */
export interface LimitOverrides {
  /** Switch to another profile first; overrides made under the old profile are dropped. */
  profile?: string;
  limits?: Partial<Record<AlarmParameter, Partial<ParameterLimits>>>;
  delayMs?: Partial<Record<AlarmParameter, number>>;
}

/** The limits, delays and profile settings in force for one bed. */
export interface BedLimits extends ProfileSettings {
  profile: string;
}

/** One changed field, before it becomes an audit event. */
export interface LimitChange {
  parameter: AlarmParameter | null;
  field: string;
  from: number | string | null;
  to: number | string | null;
}

const LIMIT_FIELDS = ["low", "high", "criticalLow", "criticalHigh"] as const;
const MAX_DELAY_MS = 30_000;

export function initialLimits(config: AlarmConfig, profile = config.defaultProfile): BedLimits {
  const settings = resolveProfileSettings(config, profile);
  if (settings === undefined) {
    throw new VitalsError(`unknown alarm profile "${profile}"`, ErrorCodes.ConfigInvalid, { profile });
  }
  return { ...settings, profile };
}

/**
 * Applies overrides to the current limits. Validates everything before changing anything, so a bad
 * request leaves the bed as it was; throws VitalsError(config.invalid) listing the problem.
 */
export function applyOverrides(
  config: AlarmConfig,
  current: BedLimits,
  overrides: LimitOverrides,
): { next: BedLimits; changes: LimitChange[] } {
  const base =
    overrides.profile !== undefined && overrides.profile !== current.profile
      ? initialLimits(config, overrides.profile)
      : current;
  const limits = {} as ProfileLimits;
  const delayMs = { ...base.delayMs };
  for (const p of ALARM_PARAMETERS) {
    const merged = { ...base.limits[p], ...overrides.limits?.[p] };
    const parsed = parameterLimitsSchema.safeParse(merged);
    if (!parsed.success) {
      throw new VitalsError(
        `invalid ${p} limits: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
        ErrorCodes.ConfigInvalid,
        {
          parameter: p,
          limits: merged,
        },
      );
    }
    limits[p] = parsed.data;
    const delay = overrides.delayMs?.[p];
    if (delay !== undefined) {
      if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_MS) {
        throw new VitalsError(
          `invalid ${p} alarm delay ${delay} ms (0–${MAX_DELAY_MS})`,
          ErrorCodes.ConfigInvalid,
          { parameter: p, delay },
        );
      }
      delayMs[p] = delay;
    }
  }
  const next: BedLimits = { ...base, limits, delayMs };
  return { next, changes: diff(current, next) };
}

function diff(a: BedLimits, b: BedLimits): LimitChange[] {
  const changes: LimitChange[] = [];
  if (a.profile !== b.profile)
    changes.push({ parameter: null, field: "profile", from: a.profile, to: b.profile });
  for (const p of ALARM_PARAMETERS) {
    for (const f of LIMIT_FIELDS) {
      if (a.limits[p][f] !== b.limits[p][f])
        changes.push({ parameter: p, field: f, from: a.limits[p][f], to: b.limits[p][f] });
    }
    if (a.delayMs[p] !== b.delayMs[p])
      changes.push({ parameter: p, field: "delayMs", from: a.delayMs[p], to: b.delayMs[p] });
  }
  return changes;
}
