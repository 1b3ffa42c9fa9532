import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AvrBoard } from "../support/emulators/avr/avr-board.js";
import { I2cBus } from "../support/emulators/i2c/i2c-bus.js";
import { Max30102Device, type PpgSource } from "../support/emulators/i2c/max30102-device.js";
import { Max30205Device } from "../support/emulators/i2c/max30205-device.js";
import { Mlx90614Device } from "../support/emulators/i2c/mlx90614-device.js";

export const FIRMWARE_DIR = fileURLToPath(new URL("../../firmware/", import.meta.url));
/** Arduino pin numbers the firmware uses (firmware/src/board.h). */
export const BUZZER_PIN = 3;
export const BUSY_PIN = 7;

const RAM_END = 0x8ff;
const STACK_PAINT = 0xc5;

/** Address where static data ends (the `_end` symbol), from the ELF's symbol table. */
export function staticDataEnd(elf: string): number {
  const nm = execFileSync("avr-nm", [elf], { encoding: "utf8" });
  const match = /^([0-9a-f]+) \w _end$/m.exec(nm);
  if (!match?.[1]) throw new Error("no _end symbol in the firmware ELF");
  return Number.parseInt(match[1], 16) & 0xffff;
}

/**
 * Deepest the stack has reached since reset, in bytes: the firmware paints free RAM with 0xC5 at boot
 * (firmware/src/stack_paint.cpp); the lowest byte that is no longer paint is the high-water mark.
 */
export function stackHighWater(board: AvrBoard, end: number): { stackBytes: number; freeBytes: number } {
  let lowest = RAM_END + 1;
  for (let a = end; a <= RAM_END; a++) {
    if (board.cpu.data[a] !== STACK_PAINT) {
      lowest = a;
      break;
    }
  }
  return { stackBytes: RAM_END + 1 - lowest, freeBytes: lowest - end };
}

export interface FirmwareBuild {
  hex: string;
  elf: string;
  /** End of static data in SRAM (`_end`): where the stack must never reach. */
  staticEnd: number;
}

/**
 * Builds the firmware with its Makefile (the one `npm run firmware:build` runs) into a fresh temporary
 * folder, so test files running in parallel never race on firmware/build/ and never test a stale hex.
 */
export function buildFirmware(): FirmwareBuild {
  const dir = mkdtempSync(join(tmpdir(), "vitals-fw-build-"));
  try {
    execFileSync("make", ["-s", "-C", FIRMWARE_DIR, `BUILD=${dir}`, "all"], { stdio: "pipe" });
    const elf = join(dir, "vitals-node.elf");
    const hex = readFileSync(join(dir, "vitals-node.hex"), "utf8");
    // Keep the ELF readable for avr-size/avr-nm: copy it out before the folder goes.
    const keep = join(tmpdir(), `vitals-node-${process.pid}-${Date.now()}.elf`);
    copyFileSync(elf, keep);
    return { hex, elf: keep, staticEnd: staticDataEnd(keep) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FirmwareRig {
  board: AvrBoard;
  bus: I2cBus;
  oximeter: Max30102Device;
  max30205: Max30205Device | undefined;
  mlx90614: Mlx90614Device | undefined;
}

/** The compiled firmware on an emulated Uno with a MAX30102 and one thermometer on its TWI bus. */
export function bootFirmware(
  hex: string,
  options: { source: PpgSource; thermometer?: "max30205" | "mlx90614" | "none"; oximeter?: boolean },
): FirmwareRig {
  const board = new AvrBoard({ hex });
  const oximeter = new Max30102Device(() => board.timeMs, options.source);
  const kind = options.thermometer ?? "max30205";
  const max30205 = kind === "max30205" ? new Max30205Device() : undefined;
  const mlx90614 = kind === "mlx90614" ? new Mlx90614Device() : undefined;
  let bus: I2cBus | undefined;
  board.attachTwi((twi) => {
    bus = new I2cBus(twi);
    if (options.oximeter !== false) bus.add(oximeter);
    if (max30205) bus.add(max30205);
    if (mlx90614) bus.add(mlx90614);
    return bus;
  });
  if (!bus) throw new Error("TWI bus was not attached");
  return { board, bus, oximeter, max30205, mlx90614 };
}
