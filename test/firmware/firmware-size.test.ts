import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { haveTool } from "../support/require-tool.js";
import { buildFirmware } from "./firmware-rig.js";

/** ATmega328P: 32 KiB flash of which the Arduino bootloader keeps 0.5 KiB, 2 KiB SRAM. */
const FLASH_BYTES = 32 * 1024 - 512;
const SRAM_BYTES = 2 * 1024;
const BUDGET = 0.75;

describe.skipIf(!haveTool("avr-gcc", "gcc-avr"))("firmware resource budget", () => {
  it("builds with Debian's avr-gcc and fits 75 % of flash and 75 % of SRAM", () => {
    const { elf } = buildFirmware();
    // avr-size -A: per-section sizes. Flash holds .text and the initial values of .data; SRAM holds
    // .data, .bss and .noinit (the stack gets the rest; its high-water mark is checked in emulation).
    const sections = new Map(
      execFileSync("avr-size", ["-A", elf], { encoding: "utf8" })
        .split("\n")
        .map((l) => /^(\.\w+)\s+(\d+)\s+\d+$/.exec(l.trim()))
        .flatMap((m) => (m?.[1] && m[2] ? [[m[1], Number(m[2])] as const] : [])),
    );
    const size = (s: string) => sections.get(s) ?? 0;
    expect(size(".text")).toBeGreaterThan(1000);
    const flash = size(".text") + size(".data");
    const sram = size(".data") + size(".bss") + size(".noinit");
    console.info(
      `firmware: flash ${flash} B = ${((100 * flash) / FLASH_BYTES).toFixed(1)} % of ${FLASH_BYTES}, ` +
        `static SRAM ${sram} B = ${((100 * sram) / SRAM_BYTES).toFixed(1)} % of ${SRAM_BYTES}`,
    );
    expect(flash).toBeLessThanOrEqual(BUDGET * FLASH_BYTES);
    expect(sram).toBeLessThanOrEqual(BUDGET * SRAM_BYTES);
    rmSync(elf, { force: true });
  });
});
