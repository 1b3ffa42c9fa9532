import type { VitalValues } from "../../core/protocol/index.js";
import type { Reading } from "../../core/reading.js";
import type { AlarmConfigInput } from "../../gateway/alarms/alarm-config.js";
import { AlarmEngine } from "../../gateway/alarms/alarm-engine.js";
import type { AlarmEvent } from "../../gateway/alarms/types.js";

/** A fake clock the test moves by hand. */
export class FakeClock {
  constructor(public t = 1_700_000_000_000) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

let seq = 0;
export function reading(
  bed: string,
  at: number,
  values: VitalValues,
  flags: string[] = [],
  patient: string | null = "p-1",
): Reading {
  return {
    node: `node-${bed}`,
    boot: "",
    seq: ++seq,
    bed,
    patient,
    ward: "w",
    t: at,
    receivedAt: at,
    values,
    flags,
  };
}

/** An engine on a fake clock that records every event. */
export function harness(config: AlarmConfigInput = {}) {
  const clock = new FakeClock();
  const events: AlarmEvent[] = [];
  const engine = new AlarmEngine({ clock, config, onEvent: (e) => events.push(e) });
  const of = <T extends AlarmEvent["type"]>(type: T) =>
    events.filter((e): e is Extract<AlarmEvent, { type: T }> => e.type === type);
  /** Feeds a reading at the clock's current time. */
  const feed = (values: VitalValues, flags: string[] = [], bed = "b1") =>
    engine.ingest(reading(bed, clock.now(), values, flags));
  /** Advances the clock by `ms` and ticks. */
  const wait = (ms: number) => engine.tick(clock.advance(ms));
  return { clock, engine, events, of, feed, wait };
}
