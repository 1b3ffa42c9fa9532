import { type InfluxDB, escape as influxEscape } from "influx";
import type { ReadingView } from "../../core/api-types.js";
import type { Logger } from "../../core/logger.js";
import { INFLUX_MEASUREMENT, pointToView } from "./influx-points.js";
import { RAW_POLICY } from "./influx-schema.js";
import type { ReadingHistory } from "./reading-history.js";
import type { HistoryQuery } from "./sqlite-store.js";

/**
 * /api/readings answered from InfluxDB. Readings reach InfluxDB through the outbox, so the newest
 * ones (up to one flush interval, or an outage's worth) may be missing here but are in SQLite.
 * When InfluxDB cannot answer, SQLite (which has every reading) does.
 */
export class InfluxHistory implements ReadingHistory {
  constructor(
    private readonly influx: InfluxDB,
    /** Only this gateway's points: the same readings its SQLite store would answer with. */
    private readonly gateway: string,
    private readonly fallback: ReadingHistory,
    private readonly logger: Logger,
  ) {}

  async history(q: HistoryQuery): Promise<ReadingView[]> {
    const where: string[] = [`"gateway" = ${influxEscape.stringLit(this.gateway)}`];
    if (q.bed !== undefined) where.push(`"bed" = ${influxEscape.stringLit(q.bed)}`);
    if (q.from !== undefined) where.push(`time >= ${Math.trunc(q.from)}ms`);
    // The point time carries a sub-millisecond part (see rowToPoint): include the whole `to` millisecond.
    if (q.to !== undefined) where.push(`time < ${Math.trunc(q.to) + 1}ms`);
    const sql = `SELECT * FROM ${influxEscape.quoted(RAW_POLICY)}.${influxEscape.quoted(INFLUX_MEASUREMENT)}
      WHERE ${where.join(" AND ")} ORDER BY time DESC LIMIT ${Math.trunc(q.limit)}`;
    try {
      const rows = await this.influx.query<Record<string, unknown> & { time: Date }>(sql);
      return rows.map((r) => pointToView(r));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, "influxdb query failed; answering from sqlite");
      return this.fallback.history(q);
    }
  }
}
