import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ReadingView } from "../../core/api-types.js";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { Alert, ClassifiedReading } from "../../core/reading.js";
import type { SeqSpaceRow } from "../ingest/seq-ledger.js";
import { insertReadingSql, type ReadingRow, readingArgs, rowToView, viewColumns } from "./reading-columns.js";
import { MIGRATIONS } from "./schema.js";

export interface HistoryQuery {
  bed?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

const VIEW_COLUMNS = viewColumns().join(", ");

/**
 * Readings, beds, nodes and alerts in one SQLite file (WAL). Writes come in batches, one transaction
 * each: a batch is durable when appendBatch returns, which is when acks may go out.
 */
export class SqliteStore {
  readonly db: Database.Database;
  private readonly insertReading: Database.Statement;
  private readonly upsertSpace: Database.Statement;
  private readonly selectSpace: Database.Statement<[string, string], { ranges: string }>;
  private readonly upsertBed: Database.Statement;
  private readonly insertAlert: Database.Statement;
  private readonly appendTx: (
    batch: readonly ClassifiedReading[],
    spaces: readonly SeqSpaceRow[],
    also: (() => void) | undefined,
  ) => void;

  constructor(
    readonly path: string,
    opts: { synchronous?: "normal" | "full"; checkpointInWorker?: boolean } = {},
  ) {
    try {
      this.db = new Database(path);
    } catch (e) {
      throw new VitalsError(`cannot open database ${path}: ${(e as Error).message}`, ErrorCodes.StoreIo);
    }
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${opts.synchronous === "full" ? "FULL" : "NORMAL"}`);
    // Checkpoints run in a worker (see Checkpointer) unless the caller wants them inline.
    if (opts.checkpointInWorker) this.db.pragma("wal_autocheckpoint = 0");
    this.db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
    this.db.pragma("foreign_keys = ON");
    this.migrate();
    this.insertReading = this.db.prepare(insertReadingSql());
    this.upsertSpace = this.db.prepare(
      `INSERT INTO seq_spaces (node, boot, bed, ranges, last_seen) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(node, boot) DO UPDATE SET bed = excluded.bed, ranges = excluded.ranges,
         last_seen = excluded.last_seen`,
    );
    this.selectSpace = this.db.prepare("SELECT ranges FROM seq_spaces WHERE node = ? AND boot = ?");
    this.upsertBed = this.db.prepare(
      `INSERT INTO beds (bed, ward, patient, node, last_reading_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(bed) DO UPDATE SET ward = excluded.ward, patient = excluded.patient, node = excluded.node,
         last_reading_id = excluded.last_reading_id, updated_at = excluded.updated_at`,
    );
    this.insertAlert = this.db.prepare(
      "INSERT INTO alerts (at, bed, patient, ward, status, reasons) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.appendTx = this.db.transaction(
      (
        batch: readonly ClassifiedReading[],
        spaces: readonly SeqSpaceRow[],
        also: (() => void) | undefined,
      ) => {
        const lastPerBed = new Map<string, { r: ClassifiedReading; id: number | bigint }>();
        for (let i = 0; i < batch.length; i++) {
          const r = batch[i] as ClassifiedReading;
          const res = this.insertReading.run(readingArgs(r));
          lastPerBed.set(r.bed, { r, id: res.lastInsertRowid });
        }
        for (const p of spaces) this.upsertSpace.run(p.node, p.boot, p.bed, p.ranges, p.lastSeen);
        for (const { r, id } of lastPerBed.values()) {
          this.upsertBed.run(r.bed, r.ward, r.patient, r.node, id, r.receivedAt);
        }
        also?.();
      },
    );
  }

  static open(
    dataDir: string,
    opts: { synchronous?: "normal" | "full"; checkpointInWorker?: boolean } = {},
  ): SqliteStore {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (e) {
      throw new VitalsError(
        `cannot use data directory ${dataDir}: ${(e as Error).message} (choose another with --data-dir or "dataDir")`,
        ErrorCodes.StoreIo,
        undefined,
        { cause: e },
      );
    }
    return new SqliteStore(join(dataDir, "vitals.db"), opts);
  }

  private migrate(): void {
    const version = this.db.pragma("user_version", { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v] as string);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /**
   * Stores a batch and the seq spaces it touched in one transaction, with whatever `also` writes (the
   * alarm events and state the batch caused). The caller has already dropped resends (see SeqLedger).
   */
  appendBatch(
    batch: readonly ClassifiedReading[],
    spaces: readonly SeqSpaceRow[] = [],
    also?: () => void,
  ): void {
    if (batch.length === 0) return;
    try {
      this.appendTx(batch, spaces, also);
    } catch (e) {
      throw new VitalsError(
        `storing ${batch.length} readings failed: ${(e as Error).message}`,
        ErrorCodes.StoreIo,
      );
    }
  }

  /** The stored seq ranges of a (node, boot) seq space as JSON, or undefined for a new space. */
  seqRanges(node: string, boot: string): string | undefined {
    return this.selectSpace.get(node, boot)?.ranges;
  }

  history(q: HistoryQuery): ReadingView[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.bed !== undefined) {
      where.push("bed = ?");
      args.push(q.bed);
    }
    if (q.from !== undefined) {
      where.push("received_at >= ?");
      args.push(q.from);
    }
    if (q.to !== undefined) {
      where.push("received_at <= ?");
      args.push(q.to);
    }
    const sql = `SELECT ${VIEW_COLUMNS} FROM readings ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY received_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as ReadingRow[]).map(rowToView);
  }

  /** Every bed with its last reading, to restore the ward after a restart. */
  beds(): {
    bed: string;
    ward: string | null;
    patient: string | null;
    node: string | null;
    last: ReadingView | null;
  }[] {
    const rows = this.db
      .prepare(
        `SELECT b.bed AS bed_label, b.ward AS bed_ward, b.patient AS bed_patient, b.node AS bed_node, r.*
         FROM beds b LEFT JOIN readings r ON r.id = b.last_reading_id ORDER BY b.bed`,
      )
      .all() as (ReadingRow & {
      bed_label: string;
      bed_ward: string | null;
      bed_patient: string | null;
      bed_node: string | null;
    })[];
    return rows.map((r) => ({
      bed: r.bed_label,
      ward: r.bed_ward,
      patient: r.bed_patient,
      node: r.bed_node,
      last: r.seq === null ? null : rowToView(r),
    }));
  }

  recordAlert(a: Alert): void {
    this.insertAlert.run(a.at, a.bed, a.patient, a.ward, a.status, JSON.stringify(a.reasons));
  }

  count(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
