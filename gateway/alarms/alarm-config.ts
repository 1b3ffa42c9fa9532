import { z } from "zod";
import {
  ALARM_PARAMETERS,
  type AlarmParameter,
  PRIORITIES,
  type Priority,
  type TechnicalAlarmKind,
} from "./types.js";

/**
 * The `alarms` section of the gateway configuration. Every number has a default; docs/alarms.md gives
 * the source of each one (IEC 60601-1-8, RCP NEWS2 2017, monitor vendors' factory defaults).
 */

/** Alarm limits of one parameter. `null` switches that limit off. */
export const parameterLimitsSchema = z
  .object({
    /** Medium priority below this (strictly). */
    low: z.number().nullable(),
    /** Medium priority above this (strictly). */
    high: z.number().nullable(),
    /** High priority (life-threatening) below this (strictly); skips the alarm delay. */
    criticalLow: z.number().nullable(),
    /** High priority above this (strictly); skips the alarm delay. */
    criticalHigh: z.number().nullable(),
  })
  .strict()
  .superRefine((l, ctx) => {
    const order = [l.criticalLow, l.low, l.high, l.criticalHigh].filter((v): v is number => v !== null);
    for (let i = 1; i < order.length; i++) {
      if ((order[i] as number) < (order[i - 1] as number)) {
        ctx.addIssue({
          code: "custom",
          message: "limits must satisfy criticalLow ≤ low < high ≤ criticalHigh",
        });
        return;
      }
    }
    if (l.low !== null && l.high !== null && l.low >= l.high) {
      ctx.addIssue({ code: "custom", message: "low must be below high" });
    }
  });
export type ParameterLimits = z.infer<typeof parameterLimitsSchema>;

export type ProfileLimits = Record<AlarmParameter, ParameterLimits>;

/**
 * Everything a profile decides: its limits and how they are applied. A profile that leaves a setting out
 * takes the section-wide one (`alarms.delayMs`, `alarms.hysteresis`, …).
 */
export interface ProfileSettings {
  limits: ProfileLimits;
  delayMs: Record<AlarmParameter, number>;
  /** Delay applied when a value enters the high-priority band. */
  highPriorityDelayMs: number;
  hysteresis: Record<AlarmParameter, number>;
  /** Priorities whose alarms stay listed until acknowledged after the condition ends. */
  latching: Priority[];
  /**
   * true: a parameter missing from a reading keeps its last value until it is stale (sample-and-hold).
   * false: every reading is judged on its own, and a parameter it lacks ends that parameter's condition
   * (the original design's per-reading rule).
   */
  holdValues: boolean;
}

const lim = (
  low: number | null,
  high: number | null,
  criticalLow: number | null,
  criticalHigh: number | null,
) => ({
  low,
  high,
  criticalLow,
  criticalHigh,
});

const off = lim(null, null, null, null);
const allParameters = <T>(v: T) =>
  Object.fromEntries(ALARM_PARAMETERS.map((p) => [p, v])) as Record<AlarmParameter, T>;

/**
 * Factory profiles. `original` is the original design's fixed rule — SpO2 < 95 %, temperature > 38.0 °C,
 * HR < 60 or > 100 bpm, each a medium-priority alarm at once (no delay, no hysteresis, no latching), every
 * reading judged on its own; the threshold values themselves are inside. High-priority bands for adults are the issue's (SpO2 < 85 %, HR < 40 or > 150);
 * medium limits follow monitor factory defaults (Contec CMS8000: adult PR 50–120, SpO2 low 90; paediatric
 * PR 75–160; neonatal PR 100–200, SpO2 85–95) and the NEWS2 bands for temp, RR and systolic BP.
 */
export const DEFAULT_PROFILES: Readonly<Record<string, ProfileLimits>> = {
  adult: {
    hr: lim(50, 120, 40, 150),
    spo2: lim(90, null, 85, null),
    temp: lim(36.0, 39.0, 35.0, 40.0),
    rr: lim(10, 24, 6, 35),
    sbp: lim(90, 180, 70, 220),
    map: lim(60, 110, 50, 130),
  },
  paediatric: {
    hr: lim(75, 160, 60, 190),
    spo2: lim(90, null, 85, null),
    temp: lim(36.0, 39.0, 35.0, 40.0),
    rr: lim(15, 40, 10, 60),
    sbp: lim(80, 140, 65, 170),
    map: lim(50, 95, 40, 110),
  },
  neonatal: {
    hr: lim(100, 200, 80, 220),
    // Upper SpO2 limit matters for premature infants (retinopathy); desat 5 % below the low limit (Philips).
    spo2: lim(85, 95, 80, null),
    temp: lim(36.5, 37.5, 36.0, 38.0),
    rr: lim(30, 60, 20, 80),
    sbp: lim(50, 90, 40, 105),
    map: lim(35, 60, 30, 70),
  },
  original: {
    hr: lim(60, 100, null, null),
    spo2: lim(95, null, null, null),
    temp: lim(null, 38.0, null, null),
    rr: off,
    sbp: off,
    map: off,
  },
};

/** How factory profiles differ from the section-wide settings (only `original` does). */
const FACTORY_SETTINGS: Readonly<Record<string, Partial<Omit<ProfileSettings, "limits">>>> = {
  original: {
    delayMs: allParameters(0),
    highPriorityDelayMs: 0,
    hysteresis: allParameters(0),
    latching: [],
    holdValues: false,
  },
};

const perParameter = <T extends z.ZodType>(value: T) =>
  z.object(Object.fromEntries(ALARM_PARAMETERS.map((p) => [p, value])) as Record<AlarmParameter, T>);

const delay = z.number().int().min(0).max(30_000);
const priority = z.enum(PRIORITIES);

/** A configured profile: limits per parameter, and optionally its own delays, hysteresis and latching. */
const profileSchema = perParameter(parameterLimitsSchema)
  .partial()
  .extend({
    delayMs: perParameter(delay).partial().optional(),
    highPriorityDelayMs: delay.optional(),
    hysteresis: perParameter(z.number().nonnegative()).partial().optional(),
    latching: z.array(priority).optional(),
    holdValues: z.boolean().optional(),
  })
  .strict();

export const alarmConfigSchema = z
  .object({
    /** Profile a bed starts with (adult, paediatric, neonatal, original, or a configured one). */
    defaultProfile: z.string().min(1).default("adult"),
    /** Profile a bed starts with per ward (the ward its node names), overriding defaultProfile. */
    wardProfiles: z.record(z.string().min(1), z.string().min(1)).default({}),
    /**
     * Extra or replacement profiles; a profile may list only some parameters (the rest come from the
     * factory profile of that name, else adult) and may set its own delayMs, highPriorityDelayMs,
     * hysteresis, latching and holdValues (else the section-wide ones below).
     */
    profiles: z.record(z.string().min(1), profileSchema).default({}),
    /** Alarm condition delay per parameter (0–30 s, as IntelliVue allows): transient dips stay silent. */
    delayMs: perParameter(delay)
      .partial()
      .prefault({})
      .transform((d) => ({ hr: 5_000, spo2: 10_000, temp: 10_000, rr: 10_000, sbp: 0, map: 0, ...d })),
    /** Delay applied when a value enters the high-priority band. 0: life-threatening values alarm at once. */
    highPriorityDelayMs: delay.default(0),
    /** A condition ends only once the value is back inside the limit by this much (no flapping). */
    hysteresis: perParameter(z.number().nonnegative())
      .partial()
      .prefault({})
      .transform((h) => ({ hr: 2, spo2: 1, temp: 0.2, rr: 1, sbp: 3, map: 3, ...h })),
    /** Unacknowledged this long → an "escalated" event for remote notification. null: never. */
    escalationMs: z
      .object({
        high: z.number().int().positive().nullable().default(30_000),
        medium: z.number().int().positive().nullable().default(120_000),
        low: z.number().int().positive().nullable().default(null),
      })
      .prefault({}),
    /** Priorities whose alarms stay until acknowledged even after the value recovers. */
    latching: z.array(priority).default(["high"]),
    /** Audio pause length (IEC 60601-1-8 "audio paused"); a new high-priority alarm ends it early. */
    pauseMs: z
      .number()
      .int()
      .positive()
      .max(15 * 60_000)
      .default(120_000),
    /** Heartbeat assumed until the gateway tells the engine a bed's real one. */
    heartbeatMs: z.number().int().positive().default(5_000),
    /** A node silent for this many heartbeats raises "no_data" and makes its values stale. */
    silentHeartbeats: z.number().positive().default(2),
    /**
     * Per-parameter override of how old a value may be before it is stale. sbp and map follow `nibp`
     * unless set here.
     */
    staleAfterMs: perParameter(z.number().int().positive())
      .partial()
      .default({ rr: 5 * 60_000 }),
    /**
     * Intermittent blood pressure (docs/alarms.md, "Blood pressure"): a measurement is current for the
     * bed's cycle plus `graceMs` (a measurement takes up to a minute or two), counted from its own time `t`.
     */
    nibp: z
      .object({
        cycleMs: z
          .number()
          .int()
          .positive()
          .default(15 * 60_000),
        graceMs: z
          .number()
          .int()
          .nonnegative()
          .default(2 * 60_000),
        /** Cycle per profile, e.g. { neonatal: 300000 }; a bed may override it (BedMonitor.setNibpCycle). */
        profiles: z.record(z.string().min(1), z.number().int().positive()).default({}),
      })
      .strict()
      .prefault({}),
    /**
     * Many nodes lost at once (a switch, a Wi-Fi access point): when this many beds raise "disconnected"
     * within windowMs, one ward-level notice groups them (each bed keeps its own alarm).
     */
    massDisconnect: z
      .object({
        minBeds: z.number().int().min(2).default(3),
        windowMs: z.number().int().positive().default(5_000),
      })
      .prefault({}),
    /** Battery percentage below which "low_battery" is raised (also raised by the low_battery flag). */
    lowBatteryPercent: z.number().min(0).max(100).default(20),
    /** Priority of each technical alarm. */
    technical: z
      .object({
        no_data: priority.default("medium"),
        disconnected: priority.default("medium"),
        sensor_off: priority.default("medium"),
        finger_out: priority.default("low"),
        implausible: priority.default("low"),
        low_battery: priority.default("low"),
        nibp_failed: priority.default("medium"),
        patient_mismatch: priority.default("medium"),
        storage_failing: priority.default("high"),
      } satisfies Record<TechnicalAlarmKind, z.ZodType>)
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const known = (name: string) => name in c.profiles || name in DEFAULT_PROFILES;
    if (!known(c.defaultProfile))
      ctx.addIssue({
        code: "custom",
        path: ["defaultProfile"],
        message: `unknown profile "${c.defaultProfile}"`,
      });
    for (const [ward, name] of Object.entries(c.wardProfiles))
      if (!known(name))
        ctx.addIssue({ code: "custom", path: ["wardProfiles", ward], message: `unknown profile "${name}"` });
  });

export type AlarmConfig = z.infer<typeof alarmConfigSchema>;
export type AlarmConfigInput = z.input<typeof alarmConfigSchema>;

/** Parses (and fills defaults of) an alarm config; throws ZodError listing every problem. */
export function parseAlarmConfig(input: AlarmConfigInput = {}): AlarmConfig {
  return alarmConfigSchema.parse(input);
}

/** The full limits of a profile: factory or configured, missing parameters taken from adult. */
export function resolveProfile(config: AlarmConfig, name: string): ProfileLimits | undefined {
  return resolveProfileSettings(config, name)?.limits;
}

/** A profile's limits and settings: configured, else factory, else the section-wide settings. */
export function resolveProfileSettings(config: AlarmConfig, name: string): ProfileSettings | undefined {
  const custom = config.profiles[name];
  const factory = DEFAULT_PROFILES[name];
  if (custom === undefined && factory === undefined) return undefined;
  const base = factory ?? (DEFAULT_PROFILES.adult as ProfileLimits);
  const preset = FACTORY_SETTINGS[name] ?? {};
  const {
    delayMs,
    highPriorityDelayMs,
    hysteresis,
    latching,
    holdValues,
    ...limits
  }: z.infer<typeof profileSchema> = custom ?? {};
  return {
    limits: { ...base, ...limits } as ProfileLimits,
    delayMs: { ...config.delayMs, ...preset.delayMs, ...delayMs },
    highPriorityDelayMs: highPriorityDelayMs ?? preset.highPriorityDelayMs ?? config.highPriorityDelayMs,
    hysteresis: { ...config.hysteresis, ...preset.hysteresis, ...hysteresis },
    latching: latching ?? preset.latching ?? config.latching,
    holdValues: holdValues ?? preset.holdValues ?? true,
  };
}

/** The profile a new bed of `ward` starts with. */
export function profileForWard(config: AlarmConfig, ward: string | null): string {
  return (ward !== null ? config.wardProfiles[ward] : undefined) ?? config.defaultProfile;
}
