import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { type I2cIo, I2cRegisterPort } from "./i2c-register-port.js";

export type Max30205Reading =
  | { kind: "temp"; celsius: number }
  | { kind: "discarded"; bytes: number[]; why: string };

/** Temperature register (0x00): 16-bit two's complement, MSB first, 1/256 °C per LSB. */
export function decodeMax30205(bytes: readonly number[]): Max30205Reading {
  if (bytes.length !== 2 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 0xff)) {
    return { kind: "discarded", bytes: [...bytes], why: "expected 2 bytes" };
  }
  const word = ((bytes[0] as number) << 8) | (bytes[1] as number);
  const signed = word & 0x8000 ? word - 0x10000 : word;
  return { kind: "temp", celsius: signed / 256 };
}

export interface Max30205DriverOptions {
  io: I2cIo;
  address?: number;
  periodMs?: number;
  time?: TimeSource;
}

/** MAX30205 clinical thermometer (±0.1 °C, 37–39 °C) polled over a johnny-five IO. */
export class Max30205Driver implements SensorDriver {
  readonly name = "max30205";
  discarded = 0;
  failedReads = 0;
  private poller: Timer | undefined;
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: Max30205DriverOptions) {}

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    const time = this.options.time ?? systemTime;
    const port = new I2cRegisterPort(this.options.io, this.options.address ?? 0x48, time);
    await port.write(0x01, [0x00]); // configuration: continuous conversion, normal format
    const poll = async () => {
      try {
        const reading = decodeMax30205(await port.read(0x00, 2));
        if (reading.kind === "discarded") this.discarded++;
        else
          onSample({
            source: this.name,
            t: time.now(),
            values: { temp: round2(reading.celsius) },
            flags: [],
          });
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

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
