import type { VitalValues } from "../../core/protocol/index.js";
import type { Reading } from "../../core/reading.js";
import type { AlarmConfigInput } from "../../gateway/alarms/alarm-config.js";
import { AlarmEngine } from "../../gateway/alarms/alarm-engine.js";
import type { AlarmEvent } from "../../gateway/alarms/types.js";
import { FakeTime } from "../support/fake-time.js";

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

/** An engine on fake time that records every event. */
export function harness(config: AlarmConfigInput = {}) {
  const time = new FakeTime(1_700_000_000_000);
  const events: AlarmEvent[] = [];
  const engine = new AlarmEngine({ time, config, onEvent: (e) => events.push(e) });
  const of = <T extends AlarmEvent["type"]>(type: T) =>
    events.filter((e): e is Extract<AlarmEvent, { type: T }> => e.type === type);
  /** Feeds a reading at the current time. */
  const feed = (values: VitalValues, flags: string[] = [], bed = "b1") =>
    engine.ingest(reading(bed, time.now(), values, flags));
  /** Advances time by `ms` and ticks. */
  const wait = (ms: number) => engine.tick(time.advance(ms));
  return { time, engine, events, of, feed, wait };
}
