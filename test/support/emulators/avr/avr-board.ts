import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import {
  AVRADC,
  AVRIOPort,
  AVRTimer,
  AVRTWI,
  AVRUSART,
  adcConfig,
  avrInstruction,
  CPU,
  portBConfig,
  portCConfig,
  portDConfig,
  type TWIEventHandler,
  timer0Config,
  timer1Config,
  timer2Config,
  twiConfig,
  usart0Config,
} from "avr8js";
import { EmulatedTime } from "./emulated-time.js";
import { parseIntelHex, toProgramWords } from "./intel-hex.js";
import { PinTransitionRecorder } from "./pin-transition-recorder.js";
import { UartStream } from "./uart-stream.js";

export interface AvrBoardOptions {
  /** Intel HEX text of the firmware (ATmega328P, no bootloader needed: execution starts at 0). */
  hex: string;
  frequencyHz?: number;
  /** Emulated cycles per run-loop slice; the host gets the event loop between slices. Default 1 ms. */
  sliceCycles?: number;
}

export interface RunStats {
  cycles: number;
  wallMs: number;
  /** Emulated megahertz per real second: 16 means real time for a 16 MHz Uno. */
  emulatedMHz: number;
}

type PortName = "B" | "C" | "D";

/**
 * An Arduino Uno (ATmega328P at 16 MHz) in avr8js: CPU, timers 0–2, USART0 as a stream, TWI with a
 * pluggable bus, GPIO ports B/C/D, ADC. Time only advances inside runFor/runUntil/start, in slices that
 * yield to the Node event loop, so host libraries talking to the UART run between slices, and
 * everything timed by `time` (the emulated clock) is deterministic.
 */
export class AvrBoard {
  readonly cpu: CPU;
  readonly frequencyHz: number;
  readonly usart: AVRUSART;
  readonly twi: AVRTWI;
  readonly adc: AVRADC;
  readonly ports: Record<PortName, AVRIOPort>;
  readonly timers: readonly AVRTimer[];
  readonly serial: UartStream;
  readonly time: EmulatedTime;
  readonly pins: PinTransitionRecorder;
  private readonly sliceCycles: number;
  private running = false;
  private stopRequested = false;
  private wallMsRunning = 0;
  private cyclesRun = 0;

  constructor(options: AvrBoardOptions) {
    this.frequencyHz = options.frequencyHz ?? 16_000_000;
    this.sliceCycles = options.sliceCycles ?? Math.round(this.frequencyHz / 1000);
    this.cpu = new CPU(toProgramWords(parseIntelHex(options.hex)));
    this.timers = [timer0Config, timer1Config, timer2Config].map((c) => new AVRTimer(this.cpu, c));
    this.usart = new AVRUSART(this.cpu, usart0Config, this.frequencyHz);
    this.twi = new AVRTWI(this.cpu, twiConfig, this.frequencyHz);
    this.adc = new AVRADC(this.cpu, adcConfig);
    const configs = { B: portBConfig, C: portCConfig, D: portDConfig };
    this.ports = {
      B: new AVRIOPort(this.cpu, configs.B),
      C: new AVRIOPort(this.cpu, configs.C),
      D: new AVRIOPort(this.cpu, configs.D),
    };
    this.serial = new UartStream(this.usart);
    const cycles = () => this.cpu.cycles;
    this.time = new EmulatedTime(cycles, this.frequencyHz);
    this.pins = new PinTransitionRecorder(
      this.ports,
      (p) => this.cpu.data[configs[p].DDR] ?? 0,
      cycles,
      this.frequencyHz,
    );
  }

  /** Attach I2C slaves: the handler sees every START/address/byte/STOP the firmware's TWI master makes. */
  attachTwi(handler: (twi: AVRTWI) => TWIEventHandler): void {
    this.twi.eventHandler = handler(this.twi);
  }

  get cycles(): number {
    return this.cpu.cycles;
  }

  /** Emulated milliseconds since reset. */
  get timeMs(): number {
    return (this.cpu.cycles * 1000) / this.frequencyHz;
  }

  /** Execute synchronously up to `cycles` more cycles, stopping early at a host timer deadline. */
  step(cycles: number): void {
    const cpu = this.cpu;
    const target = Math.min(cpu.cycles + cycles, this.time.nextDueCycle());
    while (cpu.cycles < target) {
      avrInstruction(cpu);
      cpu.tick();
    }
    this.serial.service();
    this.time.fireDue();
  }

  /** Run `ms` of emulated time as fast as the host allows, yielding between slices. */
  async runFor(ms: number): Promise<RunStats> {
    const end = this.cpu.cycles + Math.round((ms * this.frequencyHz) / 1000);
    return this.loop(() => this.cpu.cycles >= end, false);
  }

  /**
   * Run until `done()` holds (checked between slices) or `maxMs` of emulated time passed; resolves
   * true if the condition was met.
   */
  async runUntil(done: () => boolean, maxMs: number): Promise<boolean> {
    const end = this.cpu.cycles + Math.round((maxMs * this.frequencyHz) / 1000);
    let met = false;
    await this.loop(() => {
      met = done();
      return met || this.cpu.cycles >= end;
    }, false);
    return met;
  }

  /**
   * Free-running, until stop(). With `realtime`, emulated time never runs ahead of the wall clock
   * (for host libraries that time things with real timers, e.g. johnny-five's Piezo).
   */
  start(options: { realtime?: boolean } = {}): Promise<RunStats> {
    return this.loop(() => this.stopRequested, options.realtime ?? false);
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    while (this.running) await yieldToEventLoop();
    this.stopRequested = false;
  }

  /** Emulation speed over everything run so far. */
  get stats(): RunStats {
    const wallMs = this.wallMsRunning;
    return {
      cycles: this.cyclesRun,
      wallMs,
      emulatedMHz: wallMs > 0 ? this.cyclesRun / wallMs / 1000 : 0,
    };
  }

  private async loop(done: () => boolean, realtime: boolean): Promise<RunStats> {
    if (this.running) throw new Error("AvrBoard is already running");
    this.running = true;
    const startCycles = this.cpu.cycles;
    const startWall = performance.now();
    try {
      while (!done()) {
        if (realtime) {
          const aheadMs =
            ((this.cpu.cycles - startCycles) * 1000) / this.frequencyHz - (performance.now() - startWall);
          if (aheadMs > 1) await new Promise((r) => setTimeout(r, aheadMs));
        }
        const before = performance.now();
        const c0 = this.cpu.cycles;
        this.step(this.sliceCycles);
        this.wallMsRunning += performance.now() - before;
        this.cyclesRun += this.cpu.cycles - c0;
        await yieldToEventLoop();
      }
    } finally {
      this.running = false;
    }
    const cycles = this.cpu.cycles - startCycles;
    const wallMs = performance.now() - startWall;
    return { cycles, wallMs, emulatedMHz: wallMs > 0 ? cycles / wallMs / 1000 : 0 };
  }
}
