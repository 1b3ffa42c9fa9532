import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROFILES } from "../../gateway/alarms/alarm-config.js";
import { AlarmEngine } from "../../gateway/alarms/alarm-engine.js";
import { type AlarmEvent, PRIORITY_RANK, type Priority } from "../../gateway/alarms/types.js";
import { FakeTime } from "../support/fake-time.js";
import { reading } from "./harness.js";

/*
 * Property tests over random reading streams for one bed. The reference model below is written from the
 * rules in docs/alarms.md, not from the engine: a violation is a run of consecutive readings strictly outside
 * the adult medium limits (values held between readings); it must be raised exactly when it has lasted the
 * parameter's delay, never for a shorter run (high-priority band excepted), and so on.
 */

type P = "hr" | "spo2";
const PARAMS: P[] = ["hr", "spo2"];
const adult = DEFAULT_PROFILES.adult as (typeof DEFAULT_PROFILES)["adult"];
const outside = (p: P, v: number) => {
  const l = adult[p];
  return (l.low !== null && v < l.low) || (l.high !== null && v > l.high);
};
const critical = (p: P, v: number) => {
  const l = adult[p];
  return (l.criticalLow !== null && v < l.criticalLow) || (l.criticalHigh !== null && v > l.criticalHigh);
};

interface Step {
  gap: number;
  hr: number | undefined;
  spo2: number | undefined;
  ack: boolean;
}

const step = fc.record({
  gap: fc.integer({ min: 1, max: 6_000 }),
  hr: fc.option(
    fc.oneof(fc.integer({ min: 25, max: 170 }), fc.constantFrom(39, 40, 49, 50, 120, 121, 150, 151)),
    { nil: undefined, freq: 6 },
  ),
  spo2: fc.option(fc.oneof(fc.integer({ min: 70, max: 100 }), fc.constantFrom(84, 85, 89, 90, 91)), {
    nil: undefined,
    freq: 6,
  }),
  ack: fc.constant(false),
});

const config = fc.record({
  hr: fc.integer({ min: 0, max: 30_000 }),
  spo2: fc.integer({ min: 0, max: 30_000 }),
  hyst: fc.integer({ min: 0, max: 3 }),
});

interface Run {
  events: AlarmEvent[];
  /** Held values per parameter, as [time, value] changes. */
  held: Record<P, [number, number][]>;
  end: number;
  invariantErrors: string[];
}

/** Plays the stream, ticking exactly at every due time the engine announces (as the gateway's timer would). */
function play(steps: Step[], delays: { hr: number; spo2: number; hyst: number }, withAcks: boolean): Run {
  const time = new FakeTime(0);
  const events: AlarmEvent[] = [];
  const engine = new AlarmEngine({
    time,
    config: { delayMs: delays, hysteresis: { hr: delays.hyst, spo2: delays.hyst }, heartbeatMs: 3_600_000 },
    onEvent: (e) => events.push(e),
  });
  const held: Record<P, [number, number][]> = { hr: [], spo2: [] };
  const invariantErrors: string[] = [];
  const check = (now: number) => {
    const s = engine.state("b1", now);
    if (s === undefined) return;
    const keys = s.alarms.map((a) => `${a.kind}:${a.parameter}`);
    if (new Set(keys).size !== keys.length) invariantErrors.push(`duplicate alarms at ${now}: ${keys}`);
    let top: Priority | null = null;
    for (const a of s.alarms)
      if (a.state === "active" && (top === null || PRIORITY_RANK[a.priority] > PRIORITY_RANK[top]))
        top = a.priority;
    if (s.audible !== top) invariantErrors.push(`audible ${s.audible} but top active ${top} at ${now}`);
  };
  const advanceTo = (t: number) => {
    for (let due = engine.nextDueAt(); due <= t; ) {
      time.advanceTo(due);
      engine.tick(due);
      check(due);
      const next = engine.nextDueAt();
      if (next === due) {
        invariantErrors.push(`tick at the announced due time ${due} did nothing`);
        break;
      }
      due = next;
    }
    time.advanceTo(t);
  };
  let t = 0;
  for (const s of steps) {
    t += s.gap;
    advanceTo(t);
    const values: Record<string, number> = {};
    for (const p of PARAMS) {
      const v = s[p];
      if (v === undefined) continue;
      values[p] = v;
      held[p].push([t, v]);
    }
    engine.ingest(reading("b1", t, values));
    check(t);
    if (withAcks && s.ack) {
      const first = engine.state("b1", t)?.alarms[0];
      if (first !== undefined) {
        engine.acknowledge(first.id, "nurse", t);
        const after = engine.state("b1", t)?.alarms.find((a) => a.id === first.id);
        if (first.latched && after !== undefined)
          invariantErrors.push(`latched ${first.id} survived its acknowledgement`);
        if (!first.latched && after?.state !== "acknowledged")
          invariantErrors.push(`${first.id} not acknowledged`);
      }
      check(t);
    }
  }
  const end = t + 60_000;
  advanceTo(end);
  return { events, held, end, invariantErrors };
}

/** Maximal violation runs of a parameter: [start, end) with end = first reading back inside (or stream end). */
function violationRuns(changes: [number, number][], p: P, end: number): [number, number][] {
  const runs: [number, number][] = [];
  let start: number | null = null;
  for (const [t, v] of changes) {
    if (outside(p, v) || critical(p, v)) start ??= t;
    else if (start !== null) {
      runs.push([start, t]);
      start = null;
    }
  }
  if (start !== null) runs.push([start, end]);
  return runs;
}

const physiological = (events: AlarmEvent[], p: P) =>
  events.filter((e) => e.type === "raised" && e.kind === "physiological" && e.parameter === p) as Extract<
    AlarmEvent,
    { type: "raised" }
  >[];

describe("alarm engine properties over random reading streams", () => {
  const steps = fc.array(step, { minLength: 1, maxLength: 120 });

  it("every violation that lasts the delay is alarmed no later than onset + delay", () => {
    fc.assert(
      fc.property(steps, config, (s, d) => {
        const run = play(s, d, false);
        expect(run.invariantErrors).toEqual([]);
        for (const p of PARAMS) {
          const raised = physiological(run.events, p);
          for (const [start, stop] of violationRuns(run.held[p], p, run.end)) {
            if (stop - start < d[p]) continue;
            // Either raised within [start, start + delay], or an alarm of this parameter was still listed then.
            const inTime = raised.some((e) => e.at >= start && e.at <= start + d[p]);
            const listedBefore =
              raised.some((e) => e.at < start) && !clearedBetween(run.events, raised, start);
            expect(inTime || listedBefore, `${p} run ${start}–${stop} not alarmed`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("no alarm for a violation shorter than the delay, except on entering the high-priority band", () => {
    fc.assert(
      fc.property(steps, config, (s, d) => {
        const run = play(s, d, false);
        for (const p of PARAMS) {
          for (const e of physiological(run.events, p)) {
            if (e.from !== undefined) {
              // An upgrade of a listed alarm (its condition may have been held by hysteresis): the new band must be real.
              expect(critical(p, e.value as number)).toBe(true);
              continue;
            }
            const values = run.held[p].filter(([t]) => t >= e.since && t < e.at).map(([, v]) => v);
            const atSince = run.held[p].find(([t]) => t === e.since)?.[1];
            expect(atSince, `${p} raised with no reading at since`).toBeDefined();
            // The whole span [since, at) was a violation of the limits…
            expect(values.every((v) => outside(p, v) || critical(p, v))).toBe(true);
            if (e.priority === "medium") {
              // …and lasted exactly the delay (the scheduler ticks at the due time).
              expect(e.at - e.since).toBe(d[p]);
            } else {
              expect(critical(p, e.value as number)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("without acknowledgement high-priority alarms never clear; medium ones clear only past the hysteresis margin", () => {
    fc.assert(
      fc.property(steps, config, (s, d) => {
        const run = play(s, d, false);
        for (const e of run.events) {
          if (e.type !== "cleared" || e.kind !== "physiological") continue;
          expect(e.priority).not.toBe("high");
          const l = adult[e.parameter as P];
          const v = e.value as number;
          const lo = l.low ?? Number.NEGATIVE_INFINITY;
          const hi = l.high ?? Number.POSITIVE_INFINITY;
          expect(v >= lo + d.hyst && v <= hi - d.hyst).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with random acknowledgements: one alarm per (parameter, kind), audible = highest un-acknowledged, latched ones clear on ack", () => {
    const withAcks = fc.array(
      step.chain((s) => fc.boolean().map((ack) => ({ ...s, ack }))),
      { minLength: 1, maxLength: 120 },
    );
    fc.assert(
      fc.property(withAcks, config, (s, d) => {
        const run = play(s, d, true);
        expect(run.invariantErrors).toEqual([]);
        const listed = new Map<string, string>();
        for (const e of run.events) {
          if (e.type === "raised" && e.from === undefined) {
            const key = `${e.kind}:${e.parameter}`;
            expect(listed.has(key), `second ${key} while ${listed.get(key)} listed`).toBe(false);
            listed.set(key, e.alarmId);
          } else if (e.type === "cleared") {
            listed.delete(`${e.kind}:${e.parameter}`);
            if (e.reason === "acknowledged") expect(e.user).toBe("nurse");
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

/** Whether the parameter's alarm raised before `start` was cleared before `start`. */
function clearedBetween(
  events: AlarmEvent[],
  raised: { at: number; alarmId: string }[],
  start: number,
): boolean {
  const last = raised.filter((e) => e.at < start).at(-1);
  if (last === undefined) return true;
  return events.some((e) => e.type === "cleared" && e.alarmId === last.alarmId && e.at <= start);
}
