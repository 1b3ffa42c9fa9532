import type Database from "better-sqlite3";
import type { InfluxDB } from "influx";
import type { Logger } from "../../core/logger.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { InfluxConfig } from "./influx-config.js";
import { type OutboxRow, rowToPoint } from "./influx-points.js";
import { ensureInfluxSchema } from "./influx-schema.js";
import { viewColumns } from "./reading-columns.js";

const SINK = "influx";

/**
 * Forwards readings from SQLite to InfluxDB: an outbox read by rowid, with the high-water mark
 * persisted in the same database. Readings are acknowledged when SQLite has them; InfluxDB being
 * down only delays forwarding, it never loses an acknowledged reading (the "buffer" that spills
 * when InfluxDB is away is the SQLite table itself, bounded by disk, not memory).
 */
export class InfluxForwarder {
  private readonly selectRows: Database.Statement;
  private readonly selectMark: Database.Statement;
  private readonly saveMark: Database.Statement;
  private readonly countAfter: Database.Statement;
  private readonly firstAfter: Database.Statement;
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private schemaReady = false;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly deps: {
      db: Database.Database;
      influx: InfluxDB;
      config: InfluxConfig;
      /** Value of the `gateway` tag on every point this gateway writes. */
      gateway: string;
      logger: Logger;
      time: TimeSource;
    },
  ) {
    const { db } = deps;
    db.exec("CREATE TABLE IF NOT EXISTS outbox_marks (sink TEXT PRIMARY KEY, last_id INTEGER NOT NULL)");
    this.selectRows = db.prepare(
      `SELECT id, ${viewColumns().join(", ")} FROM readings WHERE id > ? ORDER BY id LIMIT ?`,
    );
    this.selectMark = db.prepare("SELECT last_id FROM outbox_marks WHERE sink = ?");
    this.saveMark = db.prepare(
      "INSERT INTO outbox_marks (sink, last_id) VALUES (?, ?) ON CONFLICT(sink) DO UPDATE SET last_id = excluded.last_id",
    );
    this.countAfter = db.prepare("SELECT count(*) AS n FROM readings WHERE id > ?");
    this.firstAfter = db.prepare("SELECT received_at AS at FROM readings WHERE id > ? ORDER BY id LIMIT 1");
  }

  /** rowid of the last reading InfluxDB has acknowledged. */
  get mark(): number {
    return (this.selectMark.get(SINK) as { last_id: number } | undefined)?.last_id ?? 0;
  }

  /** Readings stored in SQLite and not yet in InfluxDB. */
  get backlog(): number {
    return (this.countAfter.get(this.mark) as { n: number }).n;
  }

  /** Receive time of the oldest reading not yet in InfluxDB (undefined when none is waiting). */
  get oldestPendingAt(): number | undefined {
    return (this.firstAfter.get(this.mark) as { at: number } | undefined)?.at;
  }

  start(): void {
    this.schedule(0);
  }

  /** New readings were committed: forward them soon (coalesced with any run in progress). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else if (this.failures === 0) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer?.cancel();
    this.timer = this.deps.time.after(ms, () => {
      this.timer = undefined;
      this.running = this.drain().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Writes batches until the outbox is empty; on failure backs off (doubling, capped). */
  private async drain(): Promise<void> {
    const { influx, config, logger } = this.deps;
    try {
      if (!this.schemaReady) {
        await ensureInfluxSchema(influx, config);
        this.schemaReady = true;
      }
      for (;;) {
        this.again = false;
        const rows = this.selectRows.all(this.mark, config.batchSize) as OutboxRow[];
        if (rows.length === 0) break;
        await influx.writePoints(
          rows.map((r) => rowToPoint(r, this.deps.gateway)),
          { precision: "u" },
        );
        this.saveMark.run(SINK, (rows[rows.length - 1] as OutboxRow).id);
        if (this.stopped) return;
      }
      if (this.failures > 0)
        logger.info({ after: this.failures }, "influxdb reachable again; outbox drained");
      this.failures = 0;
      this.schedule(this.again ? 0 : config.flushIntervalMs);
    } catch (e) {
      this.failures++;
      const delay = Math.min(
        config.maxRetryMs,
        config.flushIntervalMs * 2 ** Math.min(this.failures - 1, 16),
      );
      // One warning per outage, then debug: a dead InfluxDB must not flood the log.
      const level = this.failures === 1 ? "warn" : "debug";
      logger[level](
        { err: (e as Error).message, retryMs: delay, backlog: this.backlog },
        "influxdb write failed; readings stay in the outbox",
      );
      this.schedule(delay);
    }
  }

  /** Stops forwarding, after the write in progress (if any) settles. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }
}
