/**
 * Micro-benchmark of the alarm path (not a test): `npx tsx test/alarms/alarm-engine-bench.ts`.
 * 1 000 beds, readings at the gateway's target of ~50 000 / s of simulated time, a mix of normal values,
 * violations (pending and raised alarms) and flags; ticks once per simulated second as the gateway would.
 * Prints mean ns per ingest and the p99 of single ingest calls.
 */

import type { Reading } from "../../core/reading.js";
import { AlarmEngine } from "../../gateway/alarms/alarm-engine.js";
import { FakeTime } from "../support/fake-time.js";

const BEDS = 1_000;
const READINGS = 2_000_000;
const PER_SECOND = 50_000;

const time = new FakeTime(1_700_000_000_000);
let events = 0;
const engine = new AlarmEngine({ time, onEvent: () => events++ });

// Pre-built readings: the benchmark measures the engine, not object construction.
const pool: Reading[] = [];
for (let i = 0; i < 10_000; i++) {
  const bed = `bed-${i % BEDS}`;
  const r = i % 97;
  const values =
    r === 0
      ? { hr: 160, spo2: 82, temp: 37.1 }
      : r < 5
        ? { hr: 125, spo2: 89, temp: 38.2, battery: 50 }
        : { hr: 60 + (i % 40), spo2: 94 + (i % 6), temp: 36.5 + (i % 10) / 10, rr: 16 };
  pool.push({
    node: `n-${bed}`,
    boot: "",
    seq: i,
    bed,
    patient: `p-${bed}`,
    ward: "w",
    t: 0,
    receivedAt: 0,
    values,
    flags: r === 50 ? ["finger_out"] : [],
  });
}

function run(count: number, sample: Float64Array | null): number {
  const start = process.hrtime.bigint();
  let nextTick = time.now() + 1_000;
  for (let i = 0; i < count; i++) {
    const now = time.advance(1_000 / PER_SECOND);
    if (now >= nextTick) {
      engine.tick(now);
      nextTick += 1_000;
    }
    const reading = pool[i % pool.length] as Reading;
    reading.receivedAt = now;
    if (sample !== null) {
      const t0 = process.hrtime.bigint();
      engine.ingest(reading);
      sample[i] = Number(process.hrtime.bigint() - t0);
    } else engine.ingest(reading);
  }
  return Number(process.hrtime.bigint() - start);
}

run(200_000, null); // warm-up (JIT)
const total = run(READINGS, null);
const sample = new Float64Array(200_000);
run(sample.length, sample);
sample.sort();
const p = (q: number) => sample[Math.floor(q * (sample.length - 1))] as number;
console.log(
  JSON.stringify({
    beds: BEDS,
    readings: READINGS,
    nsPerReading: +(total / READINGS).toFixed(1),
    readingsPerSecond: Math.round(READINGS / (total / 1e9)),
    singleCallNs: { p50: p(0.5), p99: p(0.99), p999: p(0.999), max: p(1) },
    events,
  }),
);
