import { systemTime, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";

/** What the driver needs from a johnny-five Thermometer: "data" events and a `celsius` getter. */
interface ThermometerLike {
  readonly celsius: number;
  on(event: "data", listener: () => void): unknown;
  removeListener(event: "data", listener: () => void): unknown;
}

export interface ThermometerDriverOptions {
  /** A constructed johnny-five Thermometer (any controller: DS18B20, MCP9808, TMP102, LM35…). */
  thermometer: ThermometerLike;
  /** Driver name in samples, e.g. "ds18b20". */
  name?: string;
  /** johnny-five emits "data" every `freq` ms (25 by default); emit at most one sample per this period. */
  periodMs?: number;
  time?: TimeSource;
}

/**
 * Pass-through for johnny-five's own `Thermometer`, so any temperature sensor johnny-five supports
 * feeds the node agent like the project's drivers do. johnny-five does the bus work and conversion;
 * this only rate-limits and drops readings that are not finite numbers.
 */
export class ThermometerDriver implements SensorDriver {
  readonly name: string;
  discarded = 0;
  private listener: (() => void) | undefined;

  constructor(private readonly options: ThermometerDriverOptions) {
    this.name = options.name ?? "thermometer";
  }

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    const time = this.options.time ?? systemTime;
    const period = this.options.periodMs ?? 1000;
    let last = Number.NEGATIVE_INFINITY;
    this.listener = () => {
      const now = time.now();
      if (now - last < period) return;
      const celsius = this.options.thermometer.celsius;
      if (!Number.isFinite(celsius)) {
        this.discarded++;
        return;
      }
      last = now;
      onSample({ source: this.name, t: now, values: { temp: celsius }, flags: [] });
    };
    this.options.thermometer.on("data", this.listener);
  }

  async stop(): Promise<void> {
    if (this.listener) this.options.thermometer.removeListener("data", this.listener);
    this.listener = undefined;
  }
}
