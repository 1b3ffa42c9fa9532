import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import type { LiveMessage } from "../../core/api-types.js";

/** Repository root. */
export const repo = fileURLToPath(new URL("../../", import.meta.url));

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The gateway serves dashboard/dist: rebuild it when missing or older than any dashboard source.
 * Browser test files run in parallel, so the build is serialised by a lock directory: two builds at
 * once would empty dist/ under each other's feet.
 */
export function buildDashboardIfOutdated(): void {
  const lock = join(repo, "dashboard/.build-lock");
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 2 minutes is left over from a crash.
      if (Date.now() - started > 120_000) rmSync(lock, { recursive: true, force: true });
      sleep(200);
    }
  }
  try {
    buildLocked();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildLocked(): void {
  const built = join(repo, "dashboard/dist/index.html");
  const outdated = (() => {
    if (!existsSync(built)) return true;
    const builtAt = statSync(built).mtimeMs;
    const sources = [join(repo, "dashboard/index.html"), join(repo, "dashboard/vite.config.ts")];
    for (const f of readdirSync(join(repo, "dashboard/src"), { recursive: true, encoding: "utf8" })) {
      sources.push(join(repo, "dashboard/src", f));
    }
    return sources.some((f) => statSync(f).mtimeMs > builtAt);
  })();
  if (outdated) {
    execFileSync("npx", ["vite", "build", "--config", "dashboard/vite.config.ts", "--logLevel", "warn"], {
      cwd: repo,
      stdio: "inherit",
    });
  }
}

/** Debian's Chromium, headless, with a fresh temporary profile that launch() deletes on close. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // The sound toggle is a user gesture in real use; headless has no speaker to gesture at.
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/**
 * Every live message the page's WebSocket receives, in order; attach before the page connects. Lets a
 * test show that a change on screen was pushed by the gateway (the mechanism) instead of asserting how
 * many milliseconds it took on a machine that may be busy.
 */
export function recordLiveMessages(page: Page): LiveMessage[] {
  const messages: LiveMessage[] = [];
  page.on("websocket", (ws) =>
    ws.on("framereceived", (f) => {
      if (typeof f.payload === "string") messages.push(JSON.parse(f.payload) as LiveMessage);
    }),
  );
  return messages;
}
