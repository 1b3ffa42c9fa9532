import { readFileSync } from "node:fs";
import { z } from "zod";
import { PRIORITIES } from "../core/alarm-priority.js";
import { ErrorCodes, VitalsError } from "../core/errors.js";
import { DEFAULT_HTTP_PORT, DEFAULT_TCP_PORT } from "../core/protocol/frames.js";
import { alarmConfigSchema } from "./alarms/alarm-config.js";
import { mqttConfigSchema } from "./mqtt/mqtt-config.js";
import { notificationsConfigSchema } from "./notify/config.js";
import { soundConfigSchema } from "./outputs/sound/sound-config.js";
import { influxConfigSchema } from "./store/influx-config.js";

const port = z.number().int().min(0).max(65535);

/** The gateway's whole configuration. Every key has an embedded default; see docs/deployment.md. */
export const gatewayConfigSchema = z
  .object({
    /** Address to listen on. Loopback by default: exposing patient data to a network is a decision. */
    host: z.string().min(1).default("127.0.0.1"),
    tcpPort: port.default(DEFAULT_TCP_PORT),
    httpPort: port.default(DEFAULT_HTTP_PORT),
    dataDir: z.string().min(1).default("data"),
    /** How often nodes must send something; told to them in the welcome frame. */
    heartbeatMs: z.number().int().min(200).max(600_000).default(5_000),
    /** Base URL of the dashboard as staff reach it (used in links sent out). */
    publicUrl: z.string().url().optional(),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    limits: z
      .object({
        /** Sustained lines per second per connection before it is closed as a flood. */
        linesPerSecond: z.number().positive().default(5_000),
        /** Burst allowance on top of the sustained rate. */
        burstLines: z.number().int().positive().default(10_000),
        /** Errors tolerated within errorWindowMs before the connection is closed. */
        maxErrors: z.number().int().positive().default(20),
        errorWindowMs: z.number().int().positive().default(10_000),
        /** A connection silent this long is closed (a ping is sent at half of it). */
        idleTimeoutMs: z.number().int().positive().default(30_000),
        helloTimeoutMs: z.number().int().positive().default(10_000),
        maxConnections: z.number().int().positive().default(1_000),
        /**
         * How far a seq may jump ahead of the highest seq stored for its (node, boot) seq space;
         * beyond it the reading is refused with bad_seq and the node starts a new boot.
         */
        maxSeqJump: z.number().int().positive().default(100_000),
      })
      .prefault({}),
    auth: z
      .object({
        /** Shared secret nodes must present in hello. Set it through VITALS_NODE_TOKEN, not the file. */
        nodeToken: z.string().min(8).optional(),
      })
      .prefault({}),
    /**
     * Messages to staff about alarm events (console line and bell, the dashboard's strip). The severity
     * comes from the alarm engine (`alarms`; the original design's thresholds are its profile "original").
     */
    alerts: z
      .object({
        /**
         * Floor: at most one message per patient per this interval (the original design: one per minute).
         * Events inside it are held and sent together when it ends.
         */
        perPatientIntervalMs: z.number().int().nonnegative().default(60_000),
        /** Alarms below this priority are not messaged (they are still listed and logged). */
        minPriority: z.enum(PRIORITIES).default("medium"),
        console: z.boolean().default(true),
        bell: z.boolean().default(true),
      })
      .prefault({}),
    storage: z
      .object({
        /** "normal" survives a process crash (kill -9); "full" also survives power loss, at a cost. */
        synchronous: z.enum(["normal", "full"]).default("normal"),
        maxBatch: z.number().int().positive().default(10_000),
      })
      .prefault({}),
    live: z.object({ throttleMs: z.number().int().min(10).max(5_000).default(100) }).prefault({}),
    mqtt: mqttConfigSchema.prefault({}),
    influx: influxConfigSchema.prefault({}),
    /** The clinical alarm engine: profiles, delays, escalation, technical alarms (docs/alarms.md). */
    alarms: alarmConfigSchema.prefault({}),
    /** The central station's alarm sound: console bell, audio device, piezo (docs/alarm-sound.md). */
    sound: soundConfigSchema.prefault({}),
    /** Off only to measure what the alarm engine costs (the bench's --no-alarms). */
    alarmEngine: z.boolean().default(true),
    /** Remote notifications: WhatsApp, SMS, e-mail, push, webhooks (docs/notifications.md). */
    notifications: notificationsConfigSchema.prefault({}),
    /**
     * What the alarm engine sends to the notification channels: "critical" — every raised alarm that
     * makes a bed CRITICAL (a medium or high physiological alarm, as the original design notified a
     * CRITICAL patient) plus escalations; "alarms" — high-priority alarms at once and any alarm left
     * unacknowledged past its escalation time. The channels' per-patient window (60 s) applies to both.
     */
    notifyOn: z.enum(["critical", "alarms"]).default("critical"),
  })
  .strict();

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

/** Settings that may come from the environment. Secrets come only from here or the file. */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));
  if (env.VITALS_HOST) out.host = env.VITALS_HOST;
  if (num(env.VITALS_TCP_PORT) !== undefined) out.tcpPort = num(env.VITALS_TCP_PORT);
  if (num(env.VITALS_HTTP_PORT) !== undefined) out.httpPort = num(env.VITALS_HTTP_PORT);
  if (env.VITALS_DATA_DIR) out.dataDir = env.VITALS_DATA_DIR;
  if (env.VITALS_LOG_LEVEL) out.logLevel = env.VITALS_LOG_LEVEL;
  if (env.VITALS_PUBLIC_URL) out.publicUrl = env.VITALS_PUBLIC_URL;
  if (env.VITALS_NODE_TOKEN) out.auth = { nodeToken: env.VITALS_NODE_TOKEN };
  return out;
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] =
      v && typeof v === "object" && !Array.isArray(v) && b && typeof b === "object" && !Array.isArray(b)
        ? merge(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Validates a configuration object, reporting every problem at once. */
export function parseConfig(input: unknown): GatewayConfig {
  const r = gatewayConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `  - ${i.path.join(".") || "(root)"}: ${i.message}`);
  throw new VitalsError(`invalid configuration:\n${problems.join("\n")}`, ErrorCodes.ConfigInvalid, {
    issues: r.error.issues,
  });
}

/** Defaults < config file < environment < command-line overrides. */
export function loadConfig(opts: {
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  overrides?: Record<string, unknown>;
}): GatewayConfig {
  let fileConfig: Record<string, unknown> = {};
  if (opts.file) {
    let text: string;
    try {
      text = readFileSync(opts.file, "utf8");
    } catch (e) {
      throw new VitalsError(
        `cannot read config file ${opts.file}: ${(e as Error).message}`,
        ErrorCodes.ConfigInvalid,
      );
    }
    try {
      fileConfig = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new VitalsError(
        `config file ${opts.file} is not valid JSON: ${(e as Error).message}`,
        ErrorCodes.ConfigInvalid,
      );
    }
  }
  return parseConfig(merge(merge(fileConfig, fromEnv(opts.env ?? {})), opts.overrides ?? {}));
}
