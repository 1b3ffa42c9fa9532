import { InfluxDB } from "influx";
import { PARAMETERS, type ParameterList } from "../../core/parameters.js";
import type { InfluxConfig } from "./influx-config.js";
import { INFLUX_MEASUREMENT, INFLUX_TREND_MEASUREMENT } from "./influx-points.js";

export const RAW_POLICY = "raw";
export const TREND_POLICY = "trends";
export const TREND_QUERY = "vitals_1m";

export function createInfluxClient(cfg: InfluxConfig, env: NodeJS.ProcessEnv): InfluxDB {
  const url = new URL(cfg.url);
  const password = cfg.passwordEnv ? env[cfg.passwordEnv] : undefined;
  return new InfluxDB({
    host: url.hostname,
    port: Number(url.port || (url.protocol === "https:" ? 443 : 8086)),
    protocol: url.protocol === "https:" ? "https" : "http",
    database: cfg.database,
    ...(cfg.username ? { username: cfg.username } : {}),
    ...(password ? { password } : {}),
  });
}

/**
 * Creates the database, the retention policies (raw readings, the default; trends) and the
 * continuous query that keeps 1-minute medians per bed. Idempotent: run at every start.
 */
export async function ensureInfluxSchema(influx: InfluxDB, cfg: InfluxConfig): Promise<void> {
  const db = cfg.database;
  await influx.createDatabase(db);
  const policies = await influx.showRetentionPolicies(db);
  const want = [
    { name: RAW_POLICY, duration: cfg.rawRetention, isDefault: true },
    { name: TREND_POLICY, duration: cfg.trendRetention, isDefault: false },
  ];
  for (const p of want) {
    const opts = { database: db, duration: p.duration, replication: 1, isDefault: p.isDefault };
    if (policies.some((x) => x.name === p.name)) await influx.alterRetentionPolicy(p.name, opts);
    else await influx.createRetentionPolicy(p.name, opts);
  }
  const cqs = await influx.showContinousQueries(db);
  if (!cqs.some((q) => q.name === TREND_QUERY))
    await influx.createContinuousQuery(TREND_QUERY, trendQuery(db), db);
}

/** 1-minute medians of the `kind: "vital"` parameters per bed and patient, into the trends policy. */
export function trendQuery(db: string, where = "", params: ParameterList = PARAMETERS): string {
  const medians = params
    .filter((p) => p.kind === "vital")
    .map((p) => `median("${p.key}") AS "${p.key}"`)
    .join(", ");
  return `SELECT ${medians} INTO "${db}"."${TREND_POLICY}"."${INFLUX_TREND_MEASUREMENT}"
    FROM "${db}"."${RAW_POLICY}"."${INFLUX_MEASUREMENT}" ${where} GROUP BY time(1m), "ward", "bed", "patient"`;
}
