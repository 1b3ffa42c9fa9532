import type { AVRIOPort } from "avr8js";

export interface PinTransition {
  cycle: number;
  /** Emulated time in milliseconds since reset. */
  timeMs: number;
  level: 0 | 1;
}

/** Arduino Uno pin numbering → (port, bit): D0–D7 = PORTD, D8–D13 = PORTB, A0–A5 (14–19) = PORTC. */
export function unoPinToPort(pin: number): { port: "B" | "C" | "D"; bit: number } {
  if (!Number.isInteger(pin) || pin < 0 || pin > 19) throw new RangeError(`no Uno pin ${pin}`);
  if (pin < 8) return { port: "D", bit: pin };
  if (pin < 14) return { port: "B", bit: pin - 8 };
  return { port: "C", bit: pin - 14 };
}

/**
 * Records every level change the firmware drives on chosen output pins, stamped with the CPU cycle, so
 * tests can check timing (tone frequency, alarm burst patterns) in emulated time, exactly, whatever the
 * host's speed. Only pins configured as outputs are recorded: a PORT write on an input only sets the pull-up.
 */
export class PinTransitionRecorder {
  private readonly log = new Map<number, PinTransition[]>();

  constructor(
    private readonly ports: Record<"B" | "C" | "D", AVRIOPort>,
    private readonly ddr: (port: "B" | "C" | "D") => number,
    private readonly cycles: () => number,
    private readonly frequencyHz: number,
  ) {}

  /** Start recording a pin; returns the (live) list its transitions are appended to. */
  watch(pin: number): PinTransition[] {
    const existing = this.log.get(pin);
    if (existing) return existing;
    const { port, bit } = unoPinToPort(pin);
    const list: PinTransition[] = [];
    this.log.set(pin, list);
    const mask = 1 << bit;
    this.ports[port].addListener((value, oldValue) => {
      if (((value ^ oldValue) & mask) === 0 || (this.ddr(port) & mask) === 0) return;
      const cycle = this.cycles();
      list.push({ cycle, timeMs: (cycle * 1000) / this.frequencyHz, level: value & mask ? 1 : 0 });
    });
    return list;
  }

  transitions(pin: number): readonly PinTransition[] {
    return this.log.get(pin) ?? [];
  }

  clear(): void {
    for (const list of this.log.values()) list.length = 0;
  }
}
