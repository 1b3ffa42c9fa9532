import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import type { NotificationEvent } from "../../gateway/notify/index.js";

export function tempDir(prefix = "vitals-notify-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real pino logger whose output the test can read back. */
export function capturedLogger(): { logger: pino.Logger; text(): string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString("utf8"));
      cb();
    },
  });
  return { logger: pino({ level: "debug" }, stream), text: () => lines.join("") };
}

export function alarmEvent(over: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    kind: "alarm",
    priority: "high",
    ward: "ICU",
    bed: "12",
    patient: "P-0042",
    parameters: [
      { name: "spo2", value: 86, unit: "%" },
      { name: "hr", value: 131, unit: "/min" },
    ],
    reasons: ["SpO2 86 % < 95 %", "HR 131 /min > 100 /min"],
    at: Date.UTC(2026, 10, 21, 19, 40, 5),
    ...over,
  };
}
