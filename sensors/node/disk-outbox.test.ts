import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { VitalsFrame } from "../../core/protocol/frames.js";
import { vitals } from "../../test/support/frames.js";
import { DiskOutbox, type DiskOutboxOptions } from "./disk-outbox.js";

const frame = (seq: number): VitalsFrame =>
  vitals(seq, { hr: 60 + (seq % 40), spo2: null, ...(seq % 3 === 0 ? { flags: ["finger_out"] } : {}) });

const dirs: string[] = [];
function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), "vitals-outbox-"));
  dirs.push(d);
  return join(d, "sub", "outbox.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("DiskOutbox", () => {
  it("starts a new boot durably: a new id, pending frames renumbered from 1 in order, content kept", () => {
    const file = tempFile();
    const a = new DiskOutbox({ file });
    const first = a.boot;
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    for (let s = 1; s <= 5; s++) a.push(frame(s));
    a.ack(2);
    a.newBoot();
    expect(a.boot).not.toBe(first);
    expect(a.lastSeq()).toBe(3);
    const boot = a.boot;
    a.close();
    const b = new DiskOutbox({ file });
    expect(b.boot).toBe(boot);
    expect(b.pending(0, 10)).toEqual([3, 4, 5].map((s, i) => ({ ...frame(s), seq: i + 1 })));
    expect(b.lastSeq()).toBe(3);
    expect(() => b.push(frame(3))).toThrow(RangeError);
    b.push({ ...frame(9), seq: 4 });
    b.close();
  });

  it("a queue file from before boot ids keeps the unnamed seq space its seqs were sent in", () => {
    const file = tempFile();
    const a = new DiskOutbox({ file });
    a.push(frame(1));
    a.close();
    // Simulate the old file layout: no boot row.
    const db = new Database(file);
    db.exec("DROP TABLE boot");
    db.close();
    const b = new DiskOutbox({ file });
    expect(b.boot).toBe("");
    expect(b.lastSeq()).toBe(1);
    b.close();
  });

  it("keeps pending frames, their content and lastSeq across a reopen", () => {
    const file = tempFile();
    const a = new DiskOutbox({ file });
    for (let s = 1; s <= 10; s++) a.push(frame(s));
    a.ack(4);
    a.close();
    const b = new DiskOutbox({ file });
    expect(b.size).toBe(6);
    expect(b.lastSeq()).toBe(10);
    expect(b.pending(0, 100)).toEqual([5, 6, 7, 8, 9, 10].map(frame));
    expect(b.pending(7, 2).map((f) => f.seq)).toEqual([8, 9]);
    expect(() => b.push(frame(10))).toThrow(RangeError);
    b.push(frame(11));
    b.close();
  });

  it("remembers lastSeq after everything was acknowledged", () => {
    const file = tempFile();
    const a = new DiskOutbox({ file });
    for (let s = 1; s <= 3; s++) a.push(frame(s));
    a.ack(3);
    expect(a.size).toBe(0);
    a.close();
    const b = new DiskOutbox({ file });
    expect(b.lastSeq()).toBe(3);
    expect(() => b.push(frame(3))).toThrow(RangeError);
    b.close();
  });

  it("when full drops the OLDEST, counts it durably, and warns once per warnEvery", () => {
    const file = tempFile();
    const warnings: unknown[] = [];
    const logger = pino({ level: "warn" }, { write: (s: string) => warnings.push(JSON.parse(s)) });
    const a = new DiskOutbox({ file, capacity: 5, warnEvery: 10, logger });
    for (let s = 1; s <= 30; s++) a.push(frame(s));
    expect(a.size).toBe(5);
    expect(a.pending(0, 100).map((f) => f.seq)).toEqual([26, 27, 28, 29, 30]);
    expect(a.dropped).toBe(25);
    // First drop, then crossing 10 and 20.
    expect(warnings).toHaveLength(3);
    a.close();
    const b = new DiskOutbox({ file, capacity: 3 });
    expect(b.dropped).toBe(27);
    expect(b.pending(0, 100).map((f) => f.seq)).toEqual([28, 29, 30]);
    b.close();
  });

  it("refuses a file another live process holds, takes over a dead one's lock, and unlocks on close", () => {
    const file = tempFile();
    const a = new DiskOutbox({ file });
    expect(existsSync(`${file}.lock`)).toBe(true);
    a.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    const sleeper = spawn("sleep", ["30"]);
    try {
      writeFileSync(`${file}.lock`, String(sleeper.pid));
      expect(() => new DiskOutbox({ file })).toThrow(`in use by process ${sleeper.pid}`);
    } finally {
      sleeper.kill("SIGKILL");
    }
    const dead = spawnSync("true").pid;
    writeFileSync(`${file}.lock`, String(dead));
    const b = new DiskOutbox({ file });
    b.close();
  });

  it("rejects a nonsensical capacity", () => {
    expect(() => new DiskOutbox({ file: tempFile(), capacity: 0 })).toThrow(RangeError);
  });

  it("keeps its invariants under any sequence of push, ack, new boot and reopen (property)", () => {
    type Op = { op: "push"; n: number } | { op: "ack"; back: number } | { op: "newBoot" } | { op: "reopen" };
    const ops = fc.array(
      fc.oneof(
        fc.record({ op: fc.constant("push" as const), n: fc.integer({ min: 1, max: 6 }) }),
        fc.record({ op: fc.constant("ack" as const), back: fc.integer({ min: -2, max: 8 }) }),
        fc.constant({ op: "newBoot" as const }),
        fc.constant({ op: "reopen" as const }),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 12 }), (list: Op[], capacity) => {
        const opts: DiskOutboxOptions = { file: tempFile(), capacity, synchronous: "normal" };
        let box = new DiskOutbox(opts);
        // Reference model: the pending frames (seq and the reading they carry), the highest seq, the
        // count of dropped frames, the boot.
        let model: { seq: number; of: number }[] = [];
        let highest = 0;
        let taken = 0;
        let dropped = 0;
        let boot = box.boot;
        for (const o of list) {
          if (o.op === "push") {
            for (let k = 0; k < o.n; k++) {
              highest++;
              taken++;
              box.push({ ...frame(taken), seq: highest });
              model.push({ seq: highest, of: taken });
              if (model.length > capacity) {
                model.shift();
                dropped++;
              }
            }
          } else if (o.op === "ack") {
            const upTo = highest - o.back;
            box.ack(upTo);
            model = model.filter((m) => m.seq > upTo);
          } else if (o.op === "newBoot") {
            box.newBoot();
            expect(box.boot).not.toBe(boot);
            boot = box.boot;
            model = model.map((m, i) => ({ seq: i + 1, of: m.of }));
            highest = model.length;
          } else {
            box.close();
            box = new DiskOutbox(opts);
          }
          expect(box.boot).toBe(boot);
          expect(box.lastSeq()).toBe(highest);
          expect(box.size).toBe(model.length);
          expect(box.dropped).toBe(dropped);
          expect(box.pending(0, 1000)).toEqual(model.map((m) => ({ ...frame(m.of), seq: m.seq })));
        }
        box.close();
      }),
      { numRuns: 60 },
    );
  });
});
