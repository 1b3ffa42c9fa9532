import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_HEX, type FlashHost, formatCommand, planFlash } from "../../cli/commands/flash.js";
import { isVitalsError } from "../../core/errors.js";

const VITALS = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vitals-flash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hex = join(dir, "node.hex");
writeFileSync(hex, ":00000001FF\n");

const host = (files: string[], programs: Record<string, string>): FlashHost => ({
  exists: (p) => files.includes(p),
  which: (c) => programs[c],
});
const withAvrdude = host([hex, DEFAULT_HEX], { avrdude: "/usr/bin/avrdude" });

describe("vitals flash: the avrdude command line", () => {
  it("uses the arduino programmer at 115200 for an Uno and 57600 for an old-bootloader Nano", () => {
    expect(planFlash({ port: "/dev/ttyACM0", board: "uno", hex }, withAvrdude)).toEqual({
      command: "/usr/bin/avrdude",
      args: [
        "-p",
        "atmega328p",
        "-c",
        "arduino",
        "-P",
        "/dev/ttyACM0",
        "-b",
        "115200",
        "-D",
        "-U",
        `flash:w:${hex}:i`,
      ],
    });
    const nano = planFlash({ port: "/dev/ttyUSB0", board: "nano", hex }, withAvrdude);
    expect(nano.args.slice(4, 8)).toEqual(["-P", "/dev/ttyUSB0", "-b", "57600"]);
    expect(planFlash({ port: "/dev/ttyUSB0", board: "nano", hex, baud: "115200" }, withAvrdude).args[7]).toBe(
      "115200",
    );
    // Default hex: the one `npm run firmware:build` writes.
    expect(planFlash({ port: "/dev/ttyACM0", board: "uno" }, withAvrdude).args.at(-1)).toBe(
      `flash:w:${DEFAULT_HEX}:i`,
    );
  });

  it("fails clearly: unknown board, bad baud, firmware not built, avrdude missing", () => {
    const reason = (f: () => unknown): string => {
      try {
        f();
      } catch (err) {
        if (isVitalsError(err)) return err.message;
        throw err;
      }
      throw new Error("did not fail");
    };
    expect(reason(() => planFlash({ port: "/dev/x", board: "mega", hex }, withAvrdude))).toMatch(
      /unknown board "mega".*uno, nano/,
    );
    expect(reason(() => planFlash({ port: "/dev/x", board: "uno", hex, baud: "fast" }, withAvrdude))).toMatch(
      /--baud/,
    );
    expect(
      reason(() => planFlash({ port: "/dev/x", board: "uno", hex: "/no/such.hex" }, withAvrdude)),
    ).toMatch(/firmware not built.*npm run firmware:build/);
    expect(reason(() => planFlash({ port: "/dev/x", board: "uno", hex }, host([hex], {})))).toMatch(
      /avrdude not found.*apt-get install avrdude/,
    );
  });

  it("quotes what a shell would split", () => {
    expect(formatCommand({ command: "/usr/bin/avrdude", args: ["-U", "flash:w:/tmp/my fw/x.hex:i"] })).toBe(
      "/usr/bin/avrdude -U 'flash:w:/tmp/my fw/x.hex:i'",
    );
  });

  it("from the command line: --dry-run prints the command; errors exit 2; a failing avrdude's status is passed on", () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [VITALS, "flash", ...args], { encoding: "utf8" });
    const dry = cli(
      "--port",
      "/dev/ttyUSB0",
      "--board",
      "nano",
      "--hex",
      hex,
      "--avrdude",
      "/bin/true",
      "--dry-run",
    );
    expect(dry.status).toBe(0);
    expect(dry.stdout.trim()).toBe(
      `/bin/true -p atmega328p -c arduino -P /dev/ttyUSB0 -b 57600 -D -U flash:w:${hex}:i`,
    );

    const missing = cli("--port", "/dev/ttyUSB0", "--hex", join(dir, "absent.hex"), "--dry-run");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("firmware not built");

    // A real program in avrdude's place that fails: its exit status comes back, with advice.
    const failing = cli("--port", "/dev/ttyUSB0", "--hex", hex, "--avrdude", "/bin/false");
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain("avrdude failed (exit 1)");
  });
});
