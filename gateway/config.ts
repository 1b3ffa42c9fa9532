import { readFileSync } from "node:fs";
import { z } from "zod";
import { PRIORITIES } from "../core/alarm-priority.js";
import { ErrorCodes, VitalsError } from "../core/errors.js";
import { DEFAULT_HTTP_PORT, DEFAULT_TCP_PORT } from "../core/protocol/frames.js";
import { alarmConfigSchema } from "./alarms/alarm-config.js";
import { authConfigSchema } from "./auth/auth-config.js";
import { tlsConfigSchema } from "./auth/tls-config.js";
import { fhirConfigSchema } from "./fhir/fhir-config.js";
import { hl7ConfigSchema } from "./hl7/hl7-config.js";
import { mqttConfigSchema } from "./mqtt/mqtt-config.js";
import { notificationsConfigSchema } from "./notify/config.js";
import { soundConfigSchema } from "./outputs/sound/sound-config.js";
import { influxConfigSchema } from "./store/influx-config.js";

const port = z.number().int().min(0).max(65535);
const count = z.number().int().positive();
const ms = z.number().int().positive();

/**
 * Limits on what one source — a connection, a remote address, a node id, an MQTT account — may take
 * from the gateway. Each description is also the row of the table in docs/security.md
 * ("Per-source limits"); a test keeps the two equal.
 */
export const limitsSchema = z
  .object({
    linesPerSecond: z
      .number()
      .positive()
      .default(5_000)
      .describe(
        "Sustained lines per second per connection and per node id across its connections (a token bucket that survives reconnects); beyond it the connection is closed as a flood",
      ),
    burstLines: count.default(10_000).describe("Burst allowance on top of `linesPerSecond`"),
    maxReadingsPerNodePerMinute: count
      .default(300_000)
      .describe(
        "Readings one node id may send in any minute (sliding window, across connections and transports). The welcome announces at most a sixtieth of it as `max_lines_per_s`, and nodes pace a backlog at 90 % of that, so a store-and-forward drain stays below it",
      ),
    maxErrors: count
      .default(20)
      .describe("Errors tolerated per connection within `errorWindowMs` before it is closed"),
    errorWindowMs: ms.default(10_000).describe("Window of `maxErrors`"),
    lineDeadlineMs: ms
      .default(5_000)
      .describe(
        "A line that has started must be complete within this time (a connection trickling bytes is closed with `line_timeout`)",
      ),
    idleTimeoutMs: ms
      .default(30_000)
      .describe(
        "A connection without a complete line for this long is closed (a ping is sent at half of it); partial lines do not count",
      ),
    helloTimeoutMs: ms.default(10_000).describe("A connection must say a valid hello within this time"),
    maxConnections: count
      .default(1_000)
      .describe(
        "Connections of nodes that completed a valid hello (or an accepted flat-JSON client); unauthenticated connections never take these slots",
      ),
    maxPendingConnections: count
      .default(256)
      .describe("Connections that have not yet completed a valid hello, in total"),
    maxPendingPerAddress: count
      .default(64)
      .describe(
        "Connections from one remote address that have not yet completed a valid hello; once authenticated, any number of nodes may share an address (a ward behind NAT)",
      ),
    maxBedsWithoutAuth: count
      .default(256)
      .describe(
        "Beds a gateway without node authentication (`auth.nodeToken` unset) creates from hellos and flat JSON; a hello naming a new bed beyond it is refused with `bed_limit`",
      ),
    maxSeqJump: count
      .default(100_000)
      .describe(
        "How far a seq may jump ahead of the highest seq held for its (node, boot) seq space; beyond it the reading is refused with `bad_seq`",
      ),
    maxClockAheadMs: ms
      .default(5 * 60_000)
      .describe(
        "A reading whose device time `t` is this far ahead of gateway time is stored with the flag `clock_skew`",
      ),
    maxReadingAgeMs: ms
      .default(7 * 24 * 3_600_000)
      .describe(
        "A reading whose `t` is older than this (more than any store-and-forward backlog) is stored with the flag `clock_skew`",
      ),
    failedLoginsPerAddress: count
      .default(20)
      .describe(
        "Failed MQTT logins from one address within `loginWindowMs`; beyond it that address's logins are refused without checking a password",
      ),
    failedLoginsPerAccount: count
      .default(10)
      .describe(
        "Failed MQTT logins for one username within `loginWindowMs`; beyond it that account's logins are refused without checking, except from an address with no recent failure",
      ),
    loginWindowMs: ms.default(60_000).describe("Window of the failed-login limits"),
    maxConcurrentLoginChecks: count
      .default(1)
      .describe(
        "MQTT password checks (scrypt, on the thread pool) running at once; more wait their turn (up to 1000, then refused), so a login flood keeps at most this many cores busy",
      ),
  })
  .strict();

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
    limits: limitsSchema.prefault({}),
    /** Who may connect and what they may do: staff, tokens, nodes (docs/security.md). */
    auth: authConfigSchema.prefault({}),
    /** HTTPS for the dashboard/API and, with tls.ingest, TLS for TCP node ingest. */
    tls: tlsConfigSchema.optional(),
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
        /** Console alert lines name the bed only; true adds the patient id (data minimisation). */
        showPatient: z.boolean().default(false),
      })
      .prefault({}),
    storage: z
      .object({
        /**
         * "full" (default) survives power loss; "normal" survives a process crash (kill -9) only, but
         * an acknowledged reading may be lost when the power goes (docs/deployment.md has the cost).
         */
        synchronous: z.enum(["normal", "full"]).default("full"),
        maxBatch: z.number().int().positive().default(10_000),
        /** Free space on the data directory's file system below which the storage alarm is raised. */
        minFreeBytes: z
          .number()
          .int()
          .nonnegative()
          .default(64 * 1024 * 1024),
        /** How often free space is checked and unwritten alarm events are retried. */
        checkIntervalMs: z.number().int().min(20).max(600_000).default(10_000),
      })
      .prefault({}),
    live: z
      .object({
        /** Least time between two bed updates to one dashboard; changes in between are coalesced. */
        throttleMs: z.number().int().min(10).max(5_000).default(100),
        /**
         * A dashboard with more than this queued (it does not read) gets no bed updates until it drains,
         * then the latest state; past 4× it is disconnected (1013).
         */
        maxBufferedBytes: z
          .number()
          .int()
          .min(16 * 1024)
          .default(1024 * 1024),
      })
      .prefault({}),
    mqtt: mqttConfigSchema.prefault({}),
    influx: influxConfigSchema.prefault({}),
    /** The clinical alarm engine: profiles, delays, escalation, technical alarms (docs/alarms.md). */
    alarms: alarmConfigSchema.prefault({}),
    /** The central station's alarm sound: console bell, audio device, piezo (docs/alarms.md, "Sound outputs"). */
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
    /** HL7 v2: PCD-01/PCD-04 out over MLLP, ADT in (docs/integration.md). */
    hl7: hl7ConfigSchema.prefault({}),
    /** FHIR R4: the /fhir read API and push to a FHIR server (docs/integration.md). */
    fhir: fhirConfigSchema.prefault({}),
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
