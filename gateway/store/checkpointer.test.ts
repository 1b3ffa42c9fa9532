import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import type { ClassifiedReading } from "../../core/reading.js";
import { Checkpointer } from "./checkpointer.js";
import { SqliteStore } from "./sqlite-store.js";

const reading = (seq: number): ClassifiedReading => ({
  node: "n",
  boot: "",
  seq,
  bed: "B",
  patient: null,
  ward: null,
  t: seq,
  receivedAt: seq,
  values: { hr: 70, spo2: 97, temp: 36.6 },
  flags: [],
  status: "NORMAL",
  reasons: [],
});

describe("Checkpointer", () => {
  it("copies the WAL into the database from its worker while the writer never checkpoints", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vitals-ckpt-"));
    const store = SqliteStore.open(dir, { checkpointInWorker: true });
    expect(store.db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const ck = new Checkpointer(store.path, silentLogger, 50);
    let seq = 0;
    for (let b = 0; b < 20; b++) store.appendBatch(Array.from({ length: 500 }, () => reading(++seq)));
    await expect.poll(() => ck.last?.checkpointed ?? 0, { timeout: 5_000 }).toBeGreaterThan(0);
    await ck.stop();
    // The final TRUNCATE checkpoint leaves an empty WAL and everything in the main file.
    expect(statSync(`${store.path}-wal`).size).toBe(0);
    store.close();
    const again = new SqliteStore(join(dir, "vitals.db"));
    expect(again.count()).toBe(10_000);
    again.close();
  });
});
