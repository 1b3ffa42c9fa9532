import { beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import type { Alert, ClassifiedReading } from "../../core/reading.js";
import { FakeTime } from "../../test/support/fake-time.js";
import { AlertDispatcher } from "./alert-dispatcher.js";

const critical = (patient: string | null, bed = "B1"): ClassifiedReading => ({
  node: "n",
  boot: "",
  seq: 1,
  bed,
  patient,
  ward: null,
  t: 0,
  receivedAt: 0,
  values: { hr: 120, spo2: 97, temp: 37 },
  flags: [],
  status: "CRITICAL",
  reasons: ["HR 120 bpm > 100 bpm"],
});

describe("AlertDispatcher", () => {
  let sent: Alert[];
  let d: AlertDispatcher;
  let time: FakeTime;
  beforeEach(() => {
    time = new FakeTime(Date.parse("2026-01-01T00:00:00Z"));
    sent = [];
    d = new AlertDispatcher({
      time,
      intervalMs: 60_000,
      logger: silentLogger,
      outputs: [{ name: "test", send: (a) => void sent.push(a) }],
    });
  });

  it("alerts at most once per patient per minute", () => {
    d.consider(critical("P1"));
    time.advance(10_000);
    d.consider(critical("P1"));
    time.advance(49_999);
    d.consider(critical("P1"));
    expect(sent).toHaveLength(1);
    time.advance(1);
    d.consider(critical("P1"));
    expect(sent).toHaveLength(2);
    expect(sent[1]?.at).toBe((sent[0]?.at as number) + 60_000);
  });

  it("limits each patient separately, and keys patient-less beds by bed", () => {
    d.consider(critical("P1"));
    d.consider(critical("P2"));
    d.consider(critical(null, "B7"));
    d.consider(critical(null, "B7"));
    expect(sent.map((a) => a.patient ?? a.bed)).toEqual(["P1", "P2", "B7"]);
  });

  it("ignores NORMAL and UNKNOWN readings", () => {
    d.consider({ ...critical("P1"), status: "NORMAL", reasons: [] });
    d.consider({ ...critical("P1"), status: "UNKNOWN", reasons: [] });
    expect(sent).toHaveLength(0);
  });

  it("keeps going when an output throws or rejects", async () => {
    const ok: Alert[] = [];
    const errors: unknown[] = [];
    const logger = {
      ...silentLogger,
      error: (o: unknown) => void errors.push(o),
    } as unknown as typeof silentLogger;
    const dd = new AlertDispatcher({
      time,
      intervalMs: 60_000,
      logger,
      outputs: [
        {
          name: "throws",
          send: () => {
            throw new Error("boom");
          },
        },
        { name: "rejects", send: () => Promise.reject(new Error("later")) },
        { name: "ok", send: (a) => void ok.push(a) },
      ],
    });
    dd.consider(critical("P1"));
    await new Promise((r) => setImmediate(r)); // the rejection is logged on a microtask
    expect(ok).toHaveLength(1);
    expect(errors).toHaveLength(2);
  });
});
