import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { type I2cIo, I2cRegisterPort, type I2cRegisterPortOptions } from "./i2c-register-port.js";

/** One temperature read: a value, or the bytes thrown away and why (never turned into a value). */
export type TemperatureReading =
  | { kind: "temp"; celsius: number }
  | { kind: "discarded"; bytes: number[]; why: string };

export interface PolledThermometerOptions {
  io: I2cIo;
  address?: number;
  periodMs?: number;
  time?: TimeSource;
}

/** What differs between I2C thermometer chips: their address, bus timing, set-up and one read. */
export interface ThermometerChip {
  name: string;
  defaultAddress: number;
  port?: I2cRegisterPortOptions;
  configure?(port: I2cRegisterPort): Promise<void>;
  read(port: I2cRegisterPort, address: number): Promise<TemperatureReading>;
}

/** An I2C thermometer read every `periodMs` (1 s) over a johnny-five IO, in 0.01 °C steps. */
export class PolledThermometerDriver implements SensorDriver {
  readonly name: string;
  /** Replies thrown away (wrong length, bad PEC, error flag…): never turned into a value. */
  discarded = 0;
  failedReads = 0;
  private poller: Timer | undefined;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly chip: ThermometerChip,
    private readonly options: PolledThermometerOptions,
  ) {
    this.name = chip.name;
  }

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    const time = this.options.time ?? systemTime;
    const address = this.options.address ?? this.chip.defaultAddress;
    const port = new I2cRegisterPort(this.options.io, address, time, this.chip.port);
    await this.chip.configure?.(port);
    const poll = async () => {
      try {
        const reading = await this.chip.read(port, address);
        if (reading.kind === "discarded") this.discarded++;
        else {
          const temp = Math.round(reading.celsius * 100) / 100;
          onSample({ source: this.name, t: time.now(), values: { temp }, flags: [] });
        }
      } catch {
        this.failedReads++;
      }
    };
    // A slow bus must not pile up reads: skip a tick while the previous read is in flight.
    this.poller = time.every(this.options.periodMs ?? 1000, () => {
      this.inflight ??= poll().finally(() => {
        this.inflight = undefined;
      });
    });
  }

  async stop(): Promise<void> {
    this.poller?.cancel();
    this.poller = undefined;
    await this.inflight;
  }
}
