import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../core/logger.js";
import type { Alert } from "../../core/reading.js";
import { systemTime } from "../../core/time.js";
import type { AlarmEvent, Priority } from "../alarms/types.js";
import { AlertDispatcher } from "./alert-dispatcher.js";
import type { AlertOutput } from "./alert-output.js";

let n = 0;
const raised = (
  patient: string | null,
  bed = "B1",
  priority: Priority = "medium",
  parameter: "hr" | "spo2" = "hr",
): AlarmEvent => ({
  type: "raised",
  at: Date.now(),
  bed,
  patient,
  alarmId: `${bed}#${++n}`,
  kind: "physiological",
  parameter,
  priority,
  value: parameter === "hr" ? 120 : 88,
  since: Date.now(),
  limit: parameter === "hr" ? 100 : 95,
});
const cleared = (e: AlarmEvent): AlarmEvent => ({
  ...(e as Extract<AlarmEvent, { type: "raised" }>),
  type: "cleared",
  reason: "resolved",
  user: null,
});

describe("AlertDispatcher", () => {
  let sent: Alert[];
  let d: AlertDispatcher;
  const make = (
    outputs: AlertOutput[] = [{ name: "test", send: (a: Alert) => void sent.push(a) }],
    logger = silentLogger,
  ) =>
    new AlertDispatcher({
      // The host's clock and timers, driven by vitest's fake timers.
      time: systemTime,
      intervalMs: 60_000,
      minPriority: "medium",
      logger,
      outputs,
      describe: () => ({ ward: "ICU", status: "CRITICAL" }),
    });
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2026-01-01T00:00:00Z") });
    sent = [];
    d = make();
  });
  afterEach(() => vi.useRealTimers());

  it("sends the events of one input for one patient as one message", () => {
    d.consider([raised("P1"), raised("P1", "B1", "medium", "spo2")]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.reasons).toEqual(["MEDIUM HR 120 bpm > 100 bpm", "MEDIUM SpO2 88 % < 95 %"]);
  });

  it("sends an alarm event at once, in the original design's words", () => {
    d.consider([raised("P1")]);
    expect(sent).toEqual([
      {
        bed: "B1",
        patient: "P1",
        ward: "ICU",
        status: "CRITICAL",
        reasons: ["MEDIUM HR 120 bpm > 100 bpm"],
        priority: "medium",
        at: Date.now(),
      },
    ]);
  });

  it("sends at most one message per patient per minute, holding later events for the next one", () => {
    const first = raised("P1");
    d.consider([first]);
    vi.advanceTimersByTime(10_000);
    d.consider([raised("P1", "B1", "high", "spo2")]);
    d.consider([cleared(first)]);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(49_999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({
      priority: "high",
      reasons: ["HIGH SpO2 88 % < 95 %", "cleared HR 120 bpm (resolved)"],
      at: (sent[0]?.at as number) + 60_000,
    });
    // Nothing held: the window passes quietly.
    vi.advanceTimersByTime(120_000);
    expect(sent).toHaveLength(2);
  });

  it("limits each patient separately, and keys patient-less beds by bed", () => {
    d.consider([raised("P1")]);
    d.consider([raised("P2")]);
    d.consider([raised(null, "B7")]);
    d.consider([raised(null, "B7")]);
    expect(sent.map((a) => a.patient ?? a.bed)).toEqual(["P1", "P2", "B7"]);
    vi.advanceTimersByTime(60_000);
    expect(sent.map((a) => a.patient ?? a.bed)).toEqual(["P1", "P2", "B7", "B7"]);
  });

  it("ignores acknowledgements, pauses and alarms below the minimum priority", () => {
    const e = raised("P1", "B1", "low");
    d.consider([e]);
    d.consider([{ ...(e as Extract<AlarmEvent, { type: "raised" }>), type: "acknowledged", user: "kim" }]);
    expect(sent).toHaveLength(0);
  });

  it("a message with only clears carries no priority (the console does not ring for it)", () => {
    const e = raised("P1");
    d.consider([e]);
    vi.advanceTimersByTime(60_000);
    d.consider([cleared(e)]);
    expect(sent[1]).toMatchObject({ priority: null, reasons: ["cleared HR 120 bpm (resolved)"] });
  });

  it("keeps going when an output throws or rejects", async () => {
    const ok: Alert[] = [];
    const errors: unknown[] = [];
    const logger = {
      ...silentLogger,
      error: (o: unknown) => void errors.push(o),
    } as unknown as typeof silentLogger;
    const dd = make(
      [
        {
          name: "throws",
          send: () => {
            throw new Error("boom");
          },
        },
        { name: "rejects", send: () => Promise.reject(new Error("later")) },
        { name: "ok", send: (a) => void ok.push(a) },
      ],
      logger,
    );
    dd.consider([raised("P1")]);
    await vi.runAllTimersAsync();
    expect(ok).toHaveLength(1);
    expect(errors).toHaveLength(2);
  });
});
