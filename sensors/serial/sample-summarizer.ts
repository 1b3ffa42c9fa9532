import type { KnownFlag } from "../../core/protocol/index.js";
import type { SensorSample } from "../sample.js";
import type { OximeterReading } from "./oximeter-frame.js";

/**
 * Turns a 60 Hz (or 1 Hz) stream of decoded readings into one SensorSample per interval:
 * the values of the LATEST reading (a null stays null: when the finger comes out, the last good
 * SpO2 must not linger) and the UNION of flags seen during the interval (a 200 ms artifact or
 * probe error stays visible). When readings stop altogether — port closed, device silent —
 * it reports null values with "sensor_off" once `staleAfterMs` has passed.
 */
export class SampleSummarizer {
  private latest: OximeterReading | null = null;
  private flags = new Set<KnownFlag>();
  private lastReadingAt: number | null = null;

  constructor(
    private readonly source: string,
    private readonly staleAfterMs: number,
    private readonly startedAt: number,
  ) {}

  add(reading: OximeterReading, t: number): void {
    this.latest = reading;
    for (const f of reading.flags) this.flags.add(f);
    this.lastReadingAt = t;
  }

  /** The sample for the interval ending at `now`, or null when there is nothing to say yet. */
  summarize(now: number): SensorSample | null {
    const latest = this.latest;
    const flags = [...this.flags].sort();
    this.latest = null;
    this.flags.clear();
    if (latest) {
      return {
        source: this.source,
        t: now,
        values: { hr: latest.hr, spo2: latest.spo2, pi: latest.pi },
        flags,
      };
    }
    const since = this.lastReadingAt ?? this.startedAt;
    if (now - since < this.staleAfterMs) return null;
    return { source: this.source, t: now, values: { hr: null, spo2: null, pi: null }, flags: ["sensor_off"] };
  }
}
