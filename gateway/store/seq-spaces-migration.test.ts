import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "./schema.js";
import { SqliteStore } from "./sqlite-store.js";

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("migration to seq spaces", () => {
  it("rebuilds each node's stored seqs as exact ranges; a poisoned last_seq does not survive it", () => {
    dir = mkdtempSync(join(tmpdir(), "vitals-mig-"));
    const file = join(dir, "vitals.db");
    // A database as the previous release left it (two migrations), attacked by a forged seq.
    const old = new Database(file);
    for (const m of MIGRATIONS.slice(0, 2)) old.exec(m);
    old.pragma("user_version = 2");
    const put = old.prepare(
      "INSERT INTO readings (node, seq, bed, t, received_at, status) VALUES (?, ?, 'B', 1, 1, 'NORMAL')",
    );
    for (const s of [1, 2, 3, 5, 6, 9]) put.run("pi-1", s);
    put.run("pi-2", 7);
    old
      .prepare("INSERT INTO nodes VALUES ('pi-1', 'B', ?, 1), ('pi-2', 'B', 7, 1), ('pi-3', 'B', 4, 1)")
      .run(Number.MAX_SAFE_INTEGER);
    old.close();

    const store = new SqliteStore(file);
    expect(JSON.parse(store.seqRanges("pi-1", "") as string)).toEqual([
      [1, 3],
      [5, 6],
      [9, 9],
    ]);
    expect(store.seqRanges("pi-2", "")).toBe("[[7,7]]");
    expect(store.seqRanges("pi-3", "")).toBe("[]");
    expect(store.seqRanges("pi-1", "some-boot")).toBeUndefined();
    expect(store.db.prepare("SELECT DISTINCT boot FROM readings").pluck().all()).toEqual([""]);
    store.close();
  });
});
