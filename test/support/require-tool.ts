import { execFileSync } from "node:child_process";

/**
 * For tests that need a program from a Debian package (socat, chromium, mosquitto, influxd, avr-gcc…).
 * Outside CI a missing tool skips the test with a loud message; with CI=true it fails, because CI
 * must install it (.ci/run).
 */
export function haveTool(command: string, pkg: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI === "true") {
      throw new Error(`${command} is missing: CI must install the Debian package "${pkg}" (see .ci/run)`);
    }
    console.warn(
      `\n!!! SKIPPING tests that need ${command}: apt-get install ${pkg} (they run, and must pass, in CI)\n`,
    );
    return false;
  }
}
