import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { systemTime } from "./time.js";

describe("systemTime", () => {
  afterEach(() => vi.useRealTimers());

  it("runs after() once and every() until cancelled, on the host's timers (vitest's fake ones here)", () => {
    vi.useFakeTimers({ now: 1_000 });
    const ran: string[] = [];
    systemTime.after(10, () => ran.push(`after@${systemTime.now()}`));
    const every = systemTime.every(4, () => ran.push(`every@${systemTime.now()}`));
    const never = systemTime.after(5, () => ran.push("cancelled"));
    never.cancel();
    vi.advanceTimersByTime(10);
    every.cancel();
    vi.advanceTimersByTime(100);
    expect(ran).toEqual(["every@1004", "every@1008", "after@1010"]);
  });

  it("never keeps the process alive: a script with only a pending timer exits at once", () => {
    const time = fileURLToPath(new URL("./time.ts", import.meta.url));
    const script = `const { systemTime } = await import(${JSON.stringify(time)});
      systemTime.after(3_600_000, () => process.exit(3));
      systemTime.every(3_600_000, () => process.exit(4));`;
    // Were either timer ref'd, the child would run for an hour and be killed at the time-out instead.
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.stderr).toBe("");
    expect([r.status, r.signal]).toEqual([0, null]);
  });
});
