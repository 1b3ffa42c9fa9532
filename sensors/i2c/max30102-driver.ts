import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { type I2cIo, I2cRegisterPort } from "./i2c-register-port.js";
import {
  MAX30102_ADC_RANGES,
  MAX30102_ADDRESS,
  MAX30102_AVERAGES,
  MAX30102_FIFO_DEPTH,
  MAX30102_PART_ID,
  MAX30102_SAMPLE_RATES,
  Max30102Reg,
} from "./max30102-registers.js";
import { type PpgEstimator, ratioOfRatiosEstimator } from "./ppg-estimator.js";

/** Unread samples from FIFO_WR_PTR/OVF_COUNTER/FIFO_RD_PTR: equal pointers mean empty, or full if anything overflowed. */
export function fifoUnread(wrPtr: number, ovfCounter: number, rdPtr: number): number {
  const n = ((wrPtr & 0x1f) - (rdPtr & 0x1f)) & 0x1f;
  return n === 0 && (ovfCounter & 0x1f) > 0 ? MAX30102_FIFO_DEPTH : n;
}

export type FifoBlock =
  | { kind: "samples"; red: number[]; ir: number[] }
  | { kind: "discarded"; bytes: number[]; why: string };

/** FIFO_DATA bytes → samples: 3 bytes (18 bits, MSB first) per LED, red then IR in SpO2 mode. */
export function decodeFifo(bytes: readonly number[], leds: 1 | 2): FifoBlock {
  const size = 3 * leds;
  if (bytes.length % size !== 0 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 0xff)) {
    return { kind: "discarded", bytes: [...bytes], why: `not whole ${size}-byte samples` };
  }
  const red: number[] = [];
  const ir: number[] = [];
  const at = (i: number) =>
    (((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)) & 0x3ffff;
  for (let i = 0; i < bytes.length; i += size) {
    red.push(at(i));
    if (leds === 2) ir.push(at(i + 3));
  }
  return { kind: "samples", red, ir };
}

export interface Max30102DriverOptions {
  io: I2cIo;
  address?: number;
  time?: TimeSource;
  /** ADC sample rate (SPO2_CONFIG SR) and on-chip averaging: output rate = sampleRateHz / averaging. */
  sampleRateHz?: (typeof MAX30102_SAMPLE_RATES)[number];
  averaging?: (typeof MAX30102_AVERAGES)[number];
  adcRangeNa?: (typeof MAX30102_ADC_RANGES)[number];
  /** LED currents, mA (0–51, 0.2 mA steps). */
  redCurrentMa?: number;
  irCurrentMa?: number;
  pollMs?: number;
  estimator?: PpgEstimator;
  windowSeconds?: number;
  /** Mean IR DC below this = no finger on the sensor (ambient light only). */
  fingerOutIrBelow?: number;
  /** Every batch of raw samples read from the FIFO, oldest first. */
  onRaw?: (red: number[], ir: number[]) => void;
}

/**
 * MAX30102/MAX30105 pulse oximeter over a johnny-five IO: configures SpO2 mode, drains the FIFO using
 * its pointers (wrap-around and overflow handled), hands raw red/IR to `onRaw` and emits HR/SpO2 once
 * a second from a sliding window (or `finger_out` when the IR level says nothing is on the sensor).
 */
export class Max30102Driver implements SensorDriver {
  readonly name = "max30102";
  /** Samples the chip reports lost to a full FIFO (OVF_COUNTER, saturating at 31 per read). */
  overflowed = 0;
  failedReads = 0;
  private red: number[] = [];
  private ir: number[] = [];
  private freshIr: number[] = [];
  private timers: Timer[] = [];
  private inflight: Promise<void> | undefined;
  private port: I2cRegisterPort | undefined;

  constructor(private readonly options: Max30102DriverOptions) {}

  get outputRateHz(): number {
    return (this.options.sampleRateHz ?? 100) / (this.options.averaging ?? 4);
  }

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    const o = this.options;
    const time = o.time ?? systemTime;
    const port = new I2cRegisterPort(o.io, o.address ?? MAX30102_ADDRESS, time);
    this.port = port;
    const [partId] = await port.read(Max30102Reg.PartId, 1);
    if (partId !== MAX30102_PART_ID) {
      throw new VitalsError(
        `MAX30102: part id 0x${partId?.toString(16)}, expected 0x15`,
        ErrorCodes.DeviceIo,
      );
    }
    await port.write(Max30102Reg.ModeConfig, [0x40]); // reset: registers to power-on state
    const avg = MAX30102_AVERAGES.indexOf(o.averaging ?? 4);
    await port.write(Max30102Reg.FifoConfig, [(avg << 5) | 0x0f]); // no rollover: overflow is counted, not hidden
    const sr = MAX30102_SAMPLE_RATES.indexOf(o.sampleRateHz ?? 100);
    const range = MAX30102_ADC_RANGES.indexOf(o.adcRangeNa ?? 4096);
    await port.write(Max30102Reg.SpO2Config, [(range << 5) | (sr << 2) | 0x03]); // 411 µs, 18 bit
    const amp = (mA: number) => Math.max(0, Math.min(255, Math.round(mA / 0.2)));
    await port.write(Max30102Reg.Led1Amplitude, [amp(o.redCurrentMa ?? 7)]);
    await port.write(Max30102Reg.Led2Amplitude, [amp(o.irCurrentMa ?? 7)]);
    await port.write(Max30102Reg.FifoWrPtr, [0, 0, 0]); // WR_PTR, OVF_COUNTER, RD_PTR
    await port.write(Max30102Reg.ModeConfig, [0x03]); // SpO2 mode: red + IR
    // Skip a tick while the previous drain is still on the bus instead of piling up reads.
    this.timers.push(
      time.every(o.pollMs ?? 200, () => {
        this.inflight ??= this.poll().finally(() => {
          this.inflight = undefined;
        });
      }),
    );
    this.timers.push(time.every(1000, () => onSample(this.summarise(time.now()))));
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) timer.cancel();
    this.timers = [];
    await this.inflight;
    await this.port?.write(Max30102Reg.ModeConfig, [0x80]); // shutdown: LEDs off
  }

  private async poll(): Promise<void> {
    const port = this.port;
    if (!port) return;
    try {
      const [wr = 0, ovf = 0, rd = 0] = await port.read(Max30102Reg.FifoWrPtr, 3);
      this.overflowed += ovf;
      let unread = fifoUnread(wr, ovf, rd);
      // Firmata replies go through Wire's 32-byte buffer: at most 5 six-byte samples per read.
      while (unread > 0) {
        const count = Math.min(5, unread);
        const block = decodeFifo(await port.read(Max30102Reg.FifoData, count * 6), 2);
        if (block.kind === "discarded") break;
        this.take(block.red, block.ir);
        unread -= count;
      }
    } catch {
      this.failedReads++;
    }
  }

  private take(red: number[], ir: number[]): void {
    this.options.onRaw?.(red, ir);
    const keep = Math.round(this.outputRateHz * (this.options.windowSeconds ?? 4));
    this.red = this.red.concat(red).slice(-keep);
    this.ir = this.ir.concat(ir).slice(-keep);
    this.freshIr.push(...ir);
  }

  private summarise(now: number): SensorSample {
    const fresh = this.freshIr;
    this.freshIr = [];
    const base = { source: this.name, t: now };
    if (fresh.length === 0) return { ...base, values: { hr: null, spo2: null }, flags: ["no_signal"] };
    const meanIr = fresh.reduce((a, b) => a + b, 0) / fresh.length;
    if (meanIr < (this.options.fingerOutIrBelow ?? 50_000)) {
      this.red = [];
      this.ir = [];
      return { ...base, values: { hr: null, spo2: null }, flags: ["finger_out"] };
    }
    const estimate = (this.options.estimator ?? ratioOfRatiosEstimator)(this.red, this.ir, this.outputRateHz);
    const flags = estimate.hr === null ? ["searching"] : [];
    return { ...base, values: { hr: estimate.hr, spo2: estimate.spo2 }, flags };
  }
}
