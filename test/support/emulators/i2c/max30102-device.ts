import {
  MAX30102_FIFO_DEPTH,
  MAX30102_SAMPLE_RATES,
  Max30102Reg,
} from "../../../../sensors/i2c/max30102-registers.js";
import { RegisterDevice } from "./register-device.js";

/** One output sample of the photodiode ADC, 18-bit counts. */
export interface PpgSample {
  red: number;
  ir: number;
}

/** The n-th sample the optical front end would produce (n counts from power-up at the output rate). */
export type PpgSource = (n: number) => PpgSample;

const SAMPLE_RATES = MAX30102_SAMPLE_RATES;
const FIFO_DEPTH = MAX30102_FIFO_DEPTH;

/**
 * MAX30102 pulse-oximeter register model (datasheet 19-7065 rev 1): 32-sample FIFO with 5-bit write
 * and read pointers that wrap, an overflow counter that counts lost samples and saturates at 31,
 * FIFO_DATA popping 3 bytes per active LED per sample, interrupt status cleared on read, part ID 0x15.
 * Samples are produced lazily from emulated time (`now`), at SR / SMP_AVE, while in HR or SpO2 mode.
 * With `fingerPresent = false` the photodiode only sees ambient light: a low, slightly noisy DC.
 */
export class Max30102Device extends RegisterDevice {
  fingerPresent = true;
  /** Samples dropped because the FIFO was full since the last reset (the emulator's own count). */
  lost = 0;
  /** Every sample pushed into the FIFO since the last reset, in order (to compare with what a driver read). */
  readonly pushed: PpgSample[] = [];
  private readonly regs = new Uint8Array(256);
  private readonly fifo: PpgSample[] = new Array(FIFO_DEPTH);
  private count = 0; // samples in the FIFO: WR_PTR == RD_PTR means either empty or full
  private produced = 0; // samples produced since sampling started
  private sinceMs = 0;
  private byteInSample = 0;
  private noise = 12345;

  constructor(
    private readonly now: () => number,
    private readonly source: PpgSource,
    address = 0x57,
  ) {
    super(address);
    this.reset();
  }

  get mode(): number {
    return this.reg(Max30102Reg.ModeConfig) & 0x07;
  }

  /** Output sample rate in Hz (sample rate divided by on-chip averaging). */
  get outputRateHz(): number {
    const sr = SAMPLE_RATES[(this.reg(Max30102Reg.SpO2Config) >> 2) & 0x07] ?? 50;
    const average = 1 << Math.min(5, this.reg(Max30102Reg.FifoConfig) >> 5);
    return sr / average;
  }

  private get sampling(): boolean {
    const m = this.mode;
    return (this.reg(Max30102Reg.ModeConfig) & 0x80) === 0 && (m === 2 || m === 3 || m === 7);
  }

  private get bytesPerSample(): number {
    return this.mode === 2 ? 3 : 6;
  }

  protected readRegister(register: number): number {
    this.advance();
    switch (register) {
      case Max30102Reg.IntStatus1:
      case Max30102Reg.IntStatus2: {
        const value = this.reg(register);
        this.regs[register] = 0; // cleared by reading
        return value;
      }
      case Max30102Reg.FifoData:
        return this.popByte();
      default:
        return this.reg(register);
    }
  }

  protected writeRegister(register: number, value: number): void {
    this.advance();
    switch (register) {
      case Max30102Reg.ModeConfig:
        if (value & 0x40) {
          this.reset();
          return;
        }
        this.regs[register] = value & 0x87;
        this.restartClock();
        return;
      case Max30102Reg.SpO2Config:
      case Max30102Reg.FifoConfig:
        this.regs[register] = value;
        this.restartClock();
        return;
      case Max30102Reg.FifoWrPtr:
      case Max30102Reg.OvfCounter:
      case Max30102Reg.FifoRdPtr:
        // Writing the pointers is how a host clears the FIFO (datasheet: write 0 to all three).
        this.regs[register] = value & 0x1f;
        this.count = (this.reg(Max30102Reg.FifoWrPtr) - this.reg(Max30102Reg.FifoRdPtr)) & 0x1f;
        this.byteInSample = 0;
        return;
      case Max30102Reg.PartId:
      case Max30102Reg.RevId:
      case Max30102Reg.IntStatus1:
      case Max30102Reg.IntStatus2:
        return; // read-only
      default:
        this.regs[register] = value;
    }
  }

  /** FIFO_DATA does not advance the register pointer, so a burst read drains the FIFO. */
  protected override nextPointer(register: number): number {
    return register === Max30102Reg.FifoData ? register : (register + 1) & 0xff;
  }

  private reg(register: number): number {
    return this.regs[register] ?? 0;
  }

  private reset(): void {
    this.regs.fill(0);
    this.regs[Max30102Reg.PartId] = 0x15;
    this.regs[Max30102Reg.RevId] = 0x03;
    this.regs[Max30102Reg.IntStatus1] = 0x01; // PWR_RDY
    this.count = 0;
    this.byteInSample = 0;
    this.lost = 0;
    this.pushed.length = 0;
    this.restartClock();
  }

  private restartClock(): void {
    this.sinceMs = this.now();
    this.produced = 0;
  }

  /** Produce every sample due by now. */
  private advance(): void {
    if (!this.sampling) return;
    const due = Math.floor(((this.now() - this.sinceMs) * this.outputRateHz) / 1000);
    while (this.produced < due) this.pushSample(this.sample(this.produced++));
  }

  /** A register's current value without the side effects of a bus read (for tests). */
  peek(register: number): number {
    return this.reg(register);
  }

  private sample(n: number): PpgSample {
    this.noise = (Math.imul(this.noise, 1103515245) + 12345) & 0x7fffffff; // deterministic ambient flicker
    const ambient = 300 + (this.noise % 200);
    if (!this.fingerPresent) return { red: ambient, ir: ambient + 100 };
    // An LED left at 0 mA lights nothing: that channel sees ambient light only.
    const s = this.source(n);
    return {
      red: this.reg(Max30102Reg.Led1Amplitude) > 0 ? s.red : ambient,
      ir: this.reg(Max30102Reg.Led2Amplitude) > 0 ? s.ir : ambient + 100,
    };
  }

  private pushSample(s: PpgSample): void {
    const ovf = Max30102Reg.OvfCounter;
    if (this.count === FIFO_DEPTH) {
      const rollover = (this.reg(Max30102Reg.FifoConfig) & 0x10) !== 0;
      this.regs[ovf] = Math.min(0x1f, this.reg(ovf) + 1);
      this.lost++;
      if (!rollover) return;
      // Rollover: the oldest sample is overwritten; the read pointer moves past it.
      this.regs[Max30102Reg.FifoRdPtr] = (this.reg(Max30102Reg.FifoRdPtr) + 1) & 0x1f;
      this.count--;
    }
    const wr = this.reg(Max30102Reg.FifoWrPtr);
    this.fifo[wr] = s;
    this.pushed.push(s);
    this.regs[Max30102Reg.FifoWrPtr] = (wr + 1) & 0x1f;
    this.count++;
    this.regs[Max30102Reg.IntStatus1] = this.reg(Max30102Reg.IntStatus1) | 0x40; // PPG_RDY
    const almostFull = FIFO_DEPTH - (this.reg(Max30102Reg.FifoConfig) & 0x0f);
    if (this.count >= almostFull) this.regs[Max30102Reg.IntStatus1] = this.reg(Max30102Reg.IntStatus1) | 0x80; // A_FULL
  }

  private popByte(): number {
    if (this.count === 0) return 0; // reading an empty FIFO returns stale zeros, pointers unchanged
    const rd = this.reg(Max30102Reg.FifoRdPtr);
    const s = this.fifo[rd] ?? { red: 0, ir: 0 };
    const channel = this.byteInSample < 3 ? s.red : s.ir;
    const shift = 16 - 8 * (this.byteInSample % 3);
    const byte = ((channel & 0x3ffff) >> shift) & 0xff;
    this.byteInSample++;
    if (this.byteInSample === this.bytesPerSample) {
      this.byteInSample = 0;
      this.regs[Max30102Reg.FifoRdPtr] = (rd + 1) & 0x1f;
      this.regs[Max30102Reg.OvfCounter] = 0; // datasheet: cleared when a complete sample is popped
      this.count--;
    }
    return byte;
  }
}
