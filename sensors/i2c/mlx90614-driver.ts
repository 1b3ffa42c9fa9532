import type { SensorDriver, SensorSample } from "../sample.js";
import { type I2cIo, I2cRegisterPort } from "./i2c-register-port.js";
import { type Scheduler, systemScheduler } from "./scheduler.js";
import { smbusPec } from "./smbus-pec.js";

export type Mlx90614Reading =
  | { kind: "temp"; celsius: number }
  | { kind: "discarded"; bytes: number[]; why: string };

/** RAM address of the object temperature (datasheet table "RAM"; 0x06 would be the ambient one). */
const MLX90614_OBJECT1 = 0x07;

/**
 * One SMBus "read word" reply [LSB, MSB, PEC] for `command` from `address`. The PEC covers the whole
 * transaction (SA+W, command, SA+R, LSB, MSB); a mismatch or the error flag (bit 15) discards it.
 */
export function decodeMlx90614(address: number, command: number, bytes: readonly number[]): Mlx90614Reading {
  const discard = (why: string): Mlx90614Reading => ({ kind: "discarded", bytes: [...bytes], why });
  if (bytes.length !== 3 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 0xff)) {
    return discard("expected LSB, MSB, PEC");
  }
  const [lsb, msb, pec] = bytes as [number, number, number];
  if (smbusPec([address << 1, command, (address << 1) | 1, lsb, msb]) !== pec) return discard("bad PEC");
  const raw = (msb << 8) | lsb;
  if (raw & 0x8000) return discard("error flag set");
  return { kind: "temp", celsius: raw * 0.02 - 273.15 };
}

export interface Mlx90614DriverOptions {
  io: I2cIo;
  address?: number;
  periodMs?: number;
  scheduler?: Scheduler;
  clock?: () => number;
}

/** MLX90614 IR thermometer (object temperature, RAM 0x07) read with repeated START and PEC check. */
export class Mlx90614Driver implements SensorDriver {
  readonly name = "mlx90614";
  /** Replies thrown away (bad PEC, error flag, wrong length): never turned into a value. */
  discarded = 0;
  failedReads = 0;
  private cancel: (() => void) | undefined;
  private inflight: Promise<void> | undefined;

  constructor(private readonly options: Mlx90614DriverOptions) {}

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    const scheduler = this.options.scheduler ?? systemScheduler;
    const clock = this.options.clock ?? Date.now;
    const address = this.options.address ?? 0x5a;
    // SMBus read word needs a repeated START between the command and the read.
    const port = new I2cRegisterPort(this.options.io, address, scheduler, { stopBetweenWriteAndRead: false });
    const poll = async () => {
      try {
        const reading = decodeMlx90614(address, MLX90614_OBJECT1, await port.read(MLX90614_OBJECT1, 3));
        if (reading.kind === "discarded") this.discarded++;
        else {
          const temp = Math.round(reading.celsius * 100) / 100;
          onSample({ source: this.name, t: clock(), values: { temp }, flags: [] });
        }
      } catch {
        this.failedReads++;
      }
    };
    // A slow bus must not pile up reads: skip a tick while the previous read is in flight.
    this.cancel = scheduler.every(this.options.periodMs ?? 1000, () => {
      this.inflight ??= poll().finally(() => {
        this.inflight = undefined;
      });
    });
  }

  async stop(): Promise<void> {
    this.cancel?.();
    this.cancel = undefined;
    await this.inflight;
  }
}
