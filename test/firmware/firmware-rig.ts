import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { AvrBoard } from "../../sensors/emulators/avr/avr-board.js";
import { I2cBus } from "../../sensors/emulators/i2c/i2c-bus.js";
import { Max30102Device, type PpgSource } from "../../sensors/emulators/i2c/max30102-device.js";
import { Max30205Device } from "../../sensors/emulators/i2c/max30205-device.js";
import { Mlx90614Device } from "../../sensors/emulators/i2c/mlx90614-device.js";

export const FIRMWARE_DIR = fileURLToPath(new URL("../../firmware/", import.meta.url));
export const FIRMWARE_HEX = fileURLToPath(new URL("../../firmware/build/vitals-node.hex", import.meta.url));
/** Arduino pin numbers the firmware uses (firmware/src/board.h). */
export const BUZZER_PIN = 3;
export const BUSY_PIN = 7;

export const FIRMWARE_ELF = fileURLToPath(new URL("../../firmware/build/vitals-node.elf", import.meta.url));
const RAM_END = 0x8ff;
const STACK_PAINT = 0xc5;

/** Address where static data ends (the `_end` symbol), from the ELF's symbol table. */
export function staticDataEnd(): number {
  const nm = execFileSync("avr-nm", [FIRMWARE_ELF], { encoding: "utf8" });
  const match = /^([0-9a-f]+) \w _end$/m.exec(nm);
  if (!match?.[1]) throw new Error("no _end symbol in the firmware ELF");
  return Number.parseInt(match[1], 16) & 0xffff;
}

/**
 * Deepest the stack has reached since reset, in bytes: the firmware paints free RAM with 0xC5 at boot
 * (firmware/src/stack_paint.cpp); the lowest byte that is no longer paint is the high-water mark.
 */
export function stackHighWater(
  board: AvrBoard,
  end = staticDataEnd(),
): { stackBytes: number; freeBytes: number } {
  let lowest = RAM_END + 1;
  for (let a = end; a <= RAM_END; a++) {
    if (board.cpu.data[a] !== STACK_PAINT) {
      lowest = a;
      break;
    }
  }
  return { stackBytes: RAM_END + 1 - lowest, freeBytes: lowest - end };
}

/** Builds the firmware with make (incremental: a no-op when up to date) and returns the hex text. */
export function buildFirmware(): string {
  execFileSync("make", ["-s", "-C", FIRMWARE_DIR, "all"], { stdio: "pipe" });
  if (!existsSync(FIRMWARE_HEX)) throw new Error(`make did not produce ${FIRMWARE_HEX}`);
  return readFileSync(FIRMWARE_HEX, "utf8");
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
  options: { source: PpgSource; thermometer?: "max30205" | "mlx90614" | "none" },
): FirmwareRig {
  const board = new AvrBoard({ hex });
  const oximeter = new Max30102Device(() => board.timeMs, options.source);
  const kind = options.thermometer ?? "max30205";
  const max30205 = kind === "max30205" ? new Max30205Device() : undefined;
  const mlx90614 = kind === "mlx90614" ? new Mlx90614Device() : undefined;
  let bus: I2cBus | undefined;
  board.attachTwi((twi) => {
    bus = new I2cBus(twi);
    bus.add(oximeter);
    if (max30205) bus.add(max30205);
    if (mlx90614) bus.add(mlx90614);
    return bus;
  });
  if (!bus) throw new Error("TWI bus was not attached");
  return { board, bus, oximeter, max30205, mlx90614 };
}
