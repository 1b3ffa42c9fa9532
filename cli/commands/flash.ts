import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { ErrorCodes, VitalsError } from "../../core/errors.js";

/** The hex `npm run firmware:build` produces (firmware/Makefile). */
export const DEFAULT_HEX = fileURLToPath(new URL("../../firmware/build/vitals-node.hex", import.meta.url));

/**
 * Upload speeds of the boards' serial bootloaders: the Uno's Optiboot talks at 115200; Nanos sold with
 * the old ATmegaBOOT talk at 57600 (a Nano with the new bootloader flashes as `--board uno`).
 */
const BOARDS = {
  uno: { mcu: "atmega328p", programmer: "arduino", baud: 115_200 },
  nano: { mcu: "atmega328p", programmer: "arduino", baud: 57_600 },
} as const;
type BoardName = keyof typeof BOARDS;

export interface FlashOptions {
  port: string;
  board: string;
  hex?: string;
  baud?: string;
  avrdude?: string;
}

export interface FlashPlan {
  command: string;
  args: string[];
}

export interface FlashHost {
  exists(path: string): boolean;
  /** Full path of a program found on PATH, or undefined. */
  which(command: string): string | undefined;
}

const systemFlashHost: FlashHost = {
  exists: existsSync,
  which(command) {
    if (command.includes("/")) return existsSync(command) ? command : undefined;
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      const candidate = join(dir, command);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not in this directory
      }
    }
    return undefined;
  },
};

/** The avrdude command line that writes the firmware through the board's serial bootloader. Pure but for the checks. */
export function planFlash(options: FlashOptions, host: FlashHost = systemFlashHost): FlashPlan {
  const board = BOARDS[options.board as BoardName];
  if (!board) {
    throw new VitalsError(
      `unknown board "${options.board}" (supported: ${Object.keys(BOARDS).join(", ")})`,
      ErrorCodes.CliUsage,
    );
  }
  if (!options.port) throw new VitalsError("--port is required, e.g. /dev/ttyACM0", ErrorCodes.CliUsage);
  const baud = options.baud === undefined ? board.baud : Number(options.baud);
  if (!Number.isInteger(baud) || baud <= 0) {
    throw new VitalsError(`--baud must be a positive integer, got "${options.baud}"`, ErrorCodes.CliUsage);
  }
  const hex = options.hex ?? DEFAULT_HEX;
  if (!host.exists(hex)) {
    throw new VitalsError(
      `firmware not built: ${hex} is missing. Run "npm run firmware:build" (needs the Debian packages gcc-avr and avr-libc)`,
      ErrorCodes.CliUsage,
      { hex },
    );
  }
  const avrdude = host.which(options.avrdude ?? "avrdude");
  if (!avrdude) {
    throw new VitalsError(
      `avrdude not found${options.avrdude ? ` at ${options.avrdude}` : " on PATH"}: install it with "apt-get install avrdude"`,
      ErrorCodes.CliUsage,
    );
  }
  // -D: no chip erase (the serial bootloader cannot, and erases page by page as it writes).
  const args = ["-p", board.mcu, "-c", board.programmer, "-P", options.port, "-b", String(baud), "-D"];
  // avrdude splits -U at ':'; a Windows drive letter or a colon in the path needs the quoted form.
  return { command: avrdude, args: [...args, "-U", `flash:w:${hex}:i`] };
}

/** Shell-like rendering, for --dry-run and logs. */
export function formatCommand(plan: FlashPlan): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);
  return [plan.command, ...plan.args].map(quote).join(" ");
}

/** `vitals flash`: writes the node firmware to an Uno or Nano over USB with avrdude. */
export function register(program: Command): void {
  program
    .command("flash")
    .description("write the AVR sensor-node firmware (firmware/) to an Arduino Uno or Nano with avrdude")
    .requiredOption(
      "--port <dev>",
      "serial port of the board, e.g. /dev/ttyACM0 (Uno) or /dev/ttyUSB0 (Nano)",
    )
    .option(
      "--board <name>",
      `board: ${Object.keys(BOARDS).join(" | ")} (nano = old 57600-baud bootloader)`,
      "uno",
    )
    .option("--hex <file>", "Intel HEX to write (default: firmware/build/vitals-node.hex)")
    .option("--baud <rate>", "override the bootloader's baud rate")
    .option("--avrdude <path>", "avrdude executable (default: avrdude on PATH)")
    .option("--dry-run", "print the avrdude command instead of running it")
    .action(async function (this: Command, options: FlashOptions & { dryRun?: boolean }) {
      let plan: FlashPlan;
      try {
        plan = planFlash(options);
      } catch (err) {
        return this.error(`error: ${(err as Error).message}`, { exitCode: 2, code: "vitals.flash" });
      }
      if (options.dryRun) {
        process.stdout.write(`${formatCommand(plan)}\n`);
        return;
      }
      process.stderr.write(`vitals flash: ${formatCommand(plan)}\n`);
      const status = await new Promise<number>((resolve) => {
        const child = spawn(plan.command, plan.args, { stdio: "inherit" });
        child.on("error", (err) => {
          process.stderr.write(`error: cannot run ${plan.command}: ${err.message}\n`);
          resolve(127);
        });
        child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
      });
      if (status !== 0) {
        process.stderr.write(
          `error: avrdude failed (exit ${status}). Check --port, that no other program holds it open, and --board (nano with the old bootloader needs 57600)\n`,
        );
        process.exitCode = status;
      }
    });
}
