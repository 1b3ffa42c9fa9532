import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { ErrorCodes, VitalsError } from "../../core/errors.js";

export const DATABASE_FILE = "vitals.db";

export interface BackupResult {
  file: string;
  readings: number;
  bytes: number;
}

function checked(path: string): Database.Database {
  if (!existsSync(path)) throw new VitalsError(`no database at ${path}`, ErrorCodes.StoreIo);
  let db: Database.Database;
  let ok: unknown;
  try {
    db = new Database(path, { fileMustExist: true });
    ok = db.pragma("integrity_check", { simple: true });
  } catch (e) {
    throw new VitalsError(
      `${path} is not a readable SQLite database: ${(e as Error).message}`,
      ErrorCodes.StoreIo,
    );
  }
  if (ok !== "ok") {
    db.close();
    throw new VitalsError(`${path} fails SQLite's integrity check: ${String(ok)}`, ErrorCodes.StoreIo);
  }
  return db;
}

function readings(db: Database.Database): number {
  return (db.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
}

/**
 * A consistent copy of the gateway's database while it runs: SQLite's online backup API (through
 * better-sqlite3's db.backup()) copies a snapshot page by page, restarting if the gateway writes
 * meanwhile, so the copy is never half a transaction. The copy is checked before it is reported.
 */
export async function backupDatabase(dataDir: string, destDir: string, stamp: Date): Promise<BackupResult> {
  const source = join(dataDir, DATABASE_FILE);
  if (!existsSync(source)) throw new VitalsError(`no database at ${source}`, ErrorCodes.StoreIo);
  mkdirSync(destDir, { recursive: true });
  const file = join(destDir, `vitals-${stamp.toISOString().replace(/[:.]/g, "-")}.db`);
  const db = new Database(source, { fileMustExist: true });
  db.pragma("busy_timeout = 5000");
  try {
    await db.backup(file);
  } finally {
    db.close();
  }
  const copy = checked(file);
  try {
    const n = readings(copy);
    const bytes =
      (copy.pragma("page_count", { simple: true }) as number) *
      (copy.pragma("page_size", { simple: true }) as number);
    return { file, readings: n, bytes };
  } finally {
    copy.close();
  }
}

/**
 * Replaces the data directory's database by a backup (the gateway must be stopped). The backup is
 * checked first and copied next to the database, then renamed over it, so a failure leaves the old
 * one; the old database's WAL and shared-memory files go first, as they would otherwise be replayed
 * into the restored file.
 */
export async function restoreDatabase(backup: string, dataDir: string): Promise<BackupResult> {
  const src = checked(backup);
  mkdirSync(dataDir, { recursive: true });
  const target = join(dataDir, DATABASE_FILE);
  const tmp = `${target}.restoring`;
  rmSync(tmp, { force: true });
  try {
    await src.backup(tmp);
  } finally {
    src.close();
  }
  for (const f of [`${target}-wal`, `${target}-shm`]) rmSync(f, { force: true });
  renameSync(tmp, target);
  const db = checked(target);
  try {
    return { file: target, readings: readings(db), bytes: 0 };
  } finally {
    db.close();
  }
}
