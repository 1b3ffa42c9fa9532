import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { waitFor } from "../support/wait-for.js";

/**
 * A pair of connected pseudo-terminals made by socat, reachable through stable symlinks
 * (`<dir>/device` and `<dir>/host`), so a test can kill socat (= pull the cable) and start it
 * again on the same paths (= plug it back in).
 */
export class SocatPtyPair {
  readonly devicePath: string;
  readonly hostPath: string;
  private proc: ChildProcess | null = null;

  constructor(dir: string) {
    this.devicePath = join(dir, "device");
    this.hostPath = join(dir, "host");
  }

  async start(): Promise<void> {
    const proc = spawn(
      "socat",
      ["-d", "-d", `pty,raw,echo=0,link=${this.devicePath}`, `pty,raw,echo=0,link=${this.hostPath}`],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    this.proc = proc;
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    await waitFor(
      () =>
        /starting data transfer loop/.test(stderr) &&
        existsSync(this.devicePath) &&
        existsSync(this.hostPath),
      () => `socat did not start: ${stderr}`,
      5000,
    );
  }

  /** Kill socat: both pseudo-terminals disappear, like a USB adapter being unplugged. */
  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await exited;
  }
}
