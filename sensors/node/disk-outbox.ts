import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { type Logger, silentLogger } from "../../core/logger.js";
import type { VitalsFrame } from "../../core/protocol/frames.js";
import { newBootId, type Outbox } from "../link/outbox.js";

/** 7 days at 1 Hz. */
export const DEFAULT_OUTBOX_CAPACITY = 7 * 24 * 3600;

export interface DiskOutboxOptions {
  /** SQLite file, e.g. `<data-dir>/outbox.db`; its folder is created if missing. */
  file: string;
  /** Most readings kept; when full the OLDEST pending reading is dropped and counted. */
  capacity?: number;
  /**
   * "full" (default) fsyncs every reading: nothing queued is lost even on power loss, so seqs never
   * go backwards after an unplugged Pi reboots. "normal" survives a process crash (kill -9) only and
   * is for high-rate test rigs.
   */
  synchronous?: "full" | "normal";
  /** While dropping, warn once per this many dropped readings (the first drop always warns). */
  warnEvery?: number;
  logger?: Logger;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS pending (seq INTEGER PRIMARY KEY, frame TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS boot (one INTEGER PRIMARY KEY CHECK (one = 1), id TEXT NOT NULL);
`;

/**
 * The node agent's store-and-forward queue: every reading the gateway has not acknowledged, in one
 * small SQLite file (WAL), so a gateway outage, an agent crash or a reboot loses nothing queued.
 * Each push is one transaction holding the frame and the new highest seq, which is what lets a
 * restarted agent continue numbering where it stopped even when everything had been acknowledged.
 */
export class DiskOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly capacity: number;
  private readonly warnEvery: number;
  private readonly logger: Logger;
  private highest: number;
  private count: number;
  private bootId: string;
  private droppedTotal: number;
  private readonly stmt: {
    insert: Database.Statement;
    setMeta: Database.Statement;
    dropOldest: Database.Statement;
    pending: Database.Statement<[number, number], { frame: string }>;
    ack: Database.Statement;
  };
  private readonly pushTx: (frame: VitalsFrame, drop: number) => void;
  private readonly lockFile: string;

  constructor(opts: DiskOutboxOptions) {
    this.capacity = opts.capacity ?? DEFAULT_OUTBOX_CAPACITY;
    if (!Number.isInteger(this.capacity) || this.capacity < 1)
      throw new RangeError(`outbox capacity must be a positive integer, got ${opts.capacity}`);
    this.warnEvery = opts.warnEvery ?? 1000;
    this.logger = opts.logger ?? silentLogger;
    mkdirSync(dirname(opts.file), { recursive: true });
    this.lockFile = `${opts.file}.lock`;
    takeLock(this.lockFile);
    this.db = new Database(opts.file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma(`synchronous = ${opts.synchronous === "normal" ? "NORMAL" : "FULL"}`);
    this.db.exec(SCHEMA);
    const meta = (key: string) =>
      (this.db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: number } | undefined)
        ?.value ?? 0;
    const top = this.db.prepare("SELECT max(seq) AS s, count(*) AS n FROM pending").get() as {
      s: number | null;
      n: number;
    };
    this.highest = Math.max(meta("last_seq"), top.s ?? 0);
    this.count = top.n;
    const stored = this.db.prepare("SELECT id FROM boot").get() as { id: string } | undefined;
    // A queue from before boot ids keeps the unnamed space its seqs were sent in; a new one gets an id.
    this.bootId = stored?.id ?? (this.highest === 0 ? newBootId() : "");
    if (!stored) this.db.prepare("INSERT INTO boot (one, id) VALUES (1, ?)").run(this.bootId);
    this.droppedTotal = meta("dropped");
    this.stmt = {
      insert: this.db.prepare("INSERT INTO pending (seq, frame) VALUES (?, ?)"),
      setMeta: this.db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ),
      dropOldest: this.db.prepare(
        "DELETE FROM pending WHERE seq IN (SELECT seq FROM pending ORDER BY seq LIMIT ?)",
      ),
      pending: this.db.prepare("SELECT frame FROM pending WHERE seq > ? ORDER BY seq LIMIT ?"),
      ack: this.db.prepare("DELETE FROM pending WHERE seq <= ?"),
    };
    this.pushTx = this.db.transaction((frame: VitalsFrame, drop: number) => {
      this.stmt.insert.run(frame.seq, JSON.stringify(frame));
      this.stmt.setMeta.run("last_seq", frame.seq);
      if (drop > 0) {
        this.stmt.dropOldest.run(drop);
        this.stmt.setMeta.run("dropped", this.droppedTotal + drop);
      }
    });
    // A smaller capacity than last time: trim now rather than on the next push.
    if (this.count > this.capacity) this.drop(this.count - this.capacity);
  }

  push(frame: VitalsFrame): void {
    if (!Number.isSafeInteger(frame.seq) || frame.seq <= this.highest)
      throw new RangeError(`seq ${frame.seq} is not above ${this.highest}`);
    const drop = Math.max(0, this.count + 1 - this.capacity);
    this.pushTx(frame, drop);
    this.highest = frame.seq;
    this.count += 1 - drop;
    if (drop > 0) this.counted(drop);
  }

  pending(afterSeq: number, limit: number): VitalsFrame[] {
    if (limit <= 0 || this.count === 0) return [];
    return this.stmt.pending.all(afterSeq, limit).map((r) => JSON.parse(r.frame) as VitalsFrame);
  }

  ack(seq: number): void {
    if (this.count === 0) return;
    this.count -= this.stmt.ack.run(seq).changes;
  }

  get size(): number {
    return this.count;
  }

  /** Readings dropped because the outbox was full, over the file's whole life. */
  get dropped(): number {
    return this.droppedTotal;
  }

  lastSeq(): number {
    return this.highest;
  }

  get boot(): string {
    return this.bootId;
  }

  newBoot(): void {
    const boot = newBootId();
    this.db.transaction(() => {
      const frames = (
        this.db.prepare("SELECT frame FROM pending ORDER BY seq").all() as { frame: string }[]
      ).map((r) => JSON.parse(r.frame) as VitalsFrame);
      this.db.prepare("DELETE FROM pending").run();
      for (const [i, f] of frames.entries()) {
        const renumbered = { ...f, seq: i + 1 };
        this.stmt.insert.run(renumbered.seq, JSON.stringify(renumbered));
      }
      this.stmt.setMeta.run("last_seq", frames.length);
      this.db.prepare("UPDATE boot SET id = ?").run(boot);
    })();
    this.bootId = boot;
    this.highest = this.count;
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    rmSync(this.lockFile, { force: true });
  }

  private drop(n: number): void {
    this.db.transaction(() => {
      this.stmt.dropOldest.run(n);
      this.stmt.setMeta.run("dropped", this.droppedTotal + n);
    })();
    this.count -= n;
    this.counted(n);
  }

  private counted(n: number): void {
    const before = this.droppedTotal;
    this.droppedTotal += n;
    // Warn on the first drop and then once per warnEvery, so a long outage does not flood the log.
    if (
      before === 0 ||
      Math.floor(before / this.warnEvery) !== Math.floor(this.droppedTotal / this.warnEvery)
    ) {
      this.logger.warn(
        { dropped: this.droppedTotal, capacity: this.capacity },
        "outbox full: dropping the oldest unacknowledged readings (the gateway will see a gap in seq)",
      );
    }
  }
}

/**
 * One writer per outbox: two agents on one file would hand out the same seqs. The lock file holds the
 * owner's pid; a lock left by a process that no longer runs (kill -9, power cut) is taken over.
 */
function takeLock(file: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new VitalsError(
        `outbox ${file.replace(/\.lock$/, "")} is in use by process ${pid} (another vitals node for this node id?)`,
        ErrorCodes.StoreIo,
        { pid },
      );
    }
    rmSync(file, { force: true });
  }
  throw new VitalsError(`cannot lock ${file}`, ErrorCodes.StoreIo);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
