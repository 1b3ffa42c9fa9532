import { z } from "zod";

/** The `influx` section of the gateway config: readings forwarded to InfluxDB 1.x (docs/deployment.md). */
export const influxConfigSchema = z
  .object({
    /** Forward readings to InfluxDB and answer /api/readings from it. SQLite stays the system of record. */
    enabled: z.boolean().default(false),
    url: z.string().url().default("http://127.0.0.1:8086"),
    database: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/)
      .default("vitals"),
    /**
     * Tag on this gateway's points, so gateways sharing one database answer /api/readings with their
     * own readings only (default: the gateway's mqtt.ward).
     */
    gateway: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/)
      .max(64)
      .optional(),
    username: z.string().min(1).optional(),
    /** Environment variable holding the InfluxDB password (never the file). */
    passwordEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    /** Readings per write request. */
    batchSize: z.number().int().min(1).max(50_000).default(5_000),
    /** How often the outbox is drained when nothing new arrives, and the first retry delay when InfluxDB is down. */
    flushIntervalMs: z.number().int().min(10).max(60_000).default(1_000),
    /** Longest pause between retries while InfluxDB stays down. */
    maxRetryMs: z.number().int().min(100).max(600_000).default(30_000),
    /** Retention of raw readings (InfluxQL duration) and of the 1-minute median trends. */
    rawRetention: z
      .string()
      .regex(/^(\d+[mhdw]|INF)$/)
      .default("30d"),
    trendRetention: z
      .string()
      .regex(/^(\d+[mhdw]|INF)$/)
      .default("400d"),
  })
  .strict();

export type InfluxConfig = z.infer<typeof influxConfigSchema>;
