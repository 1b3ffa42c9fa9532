import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, type Logger } from "../../core/logger.js";
import type { TestConfig } from "../harness/gateway.js";

/**
 * Test support for access control: a logger that keeps every line, a register of the secrets a test
 * used (passwords, tokens), and the check that no line holds one of them.
 */
export class SecretWatch {
  readonly lines: string[] = [];
  private readonly secrets = new Set<string>();
  readonly logger: Logger = createLogger("trace", { write: (s: string) => this.lines.push(s) });

  /** Registers a secret and returns it. */
  use(secret: string): string {
    this.secrets.add(secret);
    return secret;
  }

  /** Also checks text from elsewhere (CLI output, browser console). */
  capture(text: string): void {
    this.lines.push(text);
  }

  /** The lines that contain a registered secret (should be none). */
  leaks(): string[] {
    return this.lines.filter((l) => [...this.secrets].some((s) => l.includes(s)));
  }

  get secretCount(): number {
    return this.secrets.size;
  }
}

/** Production-like access: no demo user, nodes need credentials. */
export const SECURE: TestConfig["auth"] = { demo: false, openNodes: false };

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A dashboard directory with an index page, so the static route exists without a Vite build. */
export function fakeDashboard(): string {
  const dir = mkdtempSync(join(tmpdir(), "vitals-dash-"));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>test</title>");
  return dir;
}

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node bin/vitals.js …` as a child process, without blocking this process's event loop (a test
 * gateway may be serving in it), feeding `input` on stdin.
 */
export function vitalsCli(args: string[], input = "", env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: "utf8", timeout: 30_000, env: { ...process.env, VITALS_LOG_LEVEL: "warn", ...env } },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== "number") return reject(err);
        resolve({ status: err ? (err.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}
