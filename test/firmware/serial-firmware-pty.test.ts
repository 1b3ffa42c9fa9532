import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterAll, describe, expect, it } from "vitest";
import { decodeGatewayLine, encodeFrame } from "../../core/protocol/index.js";
import { createSerialFirmwareDriver } from "../../sensors/firmware-link/serial-firmware-driver.js";
import type { SensorSample } from "../../sensors/sample.js";
import { SocatPtyPair } from "../serial/socat-pty-pair.js";
import { vitals } from "../support/frames.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";

/** The board's end of the line: a real serialport on the other pseudo-terminal. */
async function openBoardEnd(path: string) {
  const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  let received = "";
  port.on("data", (d: Buffer) => {
    received += d.toString();
  });
  return {
    port,
    say: (frame: Parameters<typeof encodeFrame>[0]) => port.write(encodeFrame(frame)),
    heard: () =>
      received
        .split("\n")
        .filter((l) => l)
        .map((l) => decodeGatewayLine(l)),
  };
}

describe.skipIf(!haveTool("socat", "socat"))("serial-firmware driver on a real (pseudo) serial port", () => {
  const dir = mkdtempSync(join(tmpdir(), "vitals-fw-pty-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("opens the port, acks frames, sends alarms; reopens after the cable is pulled and plugged back", async () => {
    const pair = new SocatPtyPair(dir);
    await pair.start();
    let board = await openBoardEnd(pair.devicePath);
    const samples: SensorSample[] = [];
    const driver = createSerialFirmwareDriver({
      path: pair.hostPath,
      reconnect: { initialMs: 50, maxMs: 200 },
    });
    try {
      await driver.start((s) => samples.push(s));
      expect(driver.connected).toBe(true);
      board.say({ type: "hello", proto: 1, node: "avr-328p", bed: "unassigned", fw: "vitals-avr/0.1.0" });
      board.say(vitals(0));
      // Generous time-outs: the machine may be loaded; waits end as soon as the condition holds.
      await waitFor(
        () => board.heard().length >= 1,
        () => "no ack on the board's side",
        10_000,
      );
      driver.setAlarm("low");
      await waitFor(
        () => board.heard().length >= 2,
        () => "no alarm on the board's side",
        10_000,
      );
      expect(board.heard()).toEqual([
        { kind: "frame", frame: { type: "ack", seq: 0 } },
        { kind: "frame", frame: { type: "alarm", priority: "low" } },
      ]);

      // Cable pulled: both pseudo-terminals vanish. The driver notices and keeps trying.
      board.port.destroy();
      await pair.stop();
      await waitFor(
        () => !driver.connected,
        () => "the driver did not notice the pull",
        10_000,
      );
      expect(driver.lastError?.message).toMatch(/closed|cannot open/);
      // Plugged back: the board resets (DTR) and says hello; the driver re-sends its alarm.
      await pair.start();
      await waitFor(
        () => driver.connected,
        () => "the driver did not reopen",
        10_000,
      );
      board = await openBoardEnd(pair.devicePath);
      board.say({ type: "hello", proto: 1, node: "avr-328p", bed: "unassigned", fw: "vitals-avr/0.1.0" });
      board.say(vitals(0));
      await waitFor(
        () => board.heard().length >= 2,
        () => `after replug the board heard ${board.heard().length}`,
        10_000,
      );
      expect(board.heard()).toEqual([
        { kind: "frame", frame: { type: "alarm", priority: "low" } },
        { kind: "frame", frame: { type: "ack", seq: 0 } },
      ]);
      expect(samples).toHaveLength(2); // seq 0 again after a hello is a new frame
      expect(driver.counters.hellos).toBe(2);
    } finally {
      await driver.stop();
      board.port.destroy();
      await pair.stop();
    }
  });
});
