import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { SocatPtyPair } from "../serial/socat-pty-pair.js";
import { AccutorrEmulator } from "../support/emulators/serial/accutorr-emulator.js";
import { haveTool } from "../support/require-tool.js";
import { type AgentProcess, spawnAgent, stopAgent } from "./agent-process.js";

let gw: TestGateway | undefined;
let agent: AgentProcess | undefined;
let pair: SocatPtyPair | undefined;
let device: SerialPort | undefined;
afterEach(async () => {
  if (agent) await stopAgent(agent).catch(() => {});
  if (device?.isOpen) await new Promise<void>((r) => device?.close(() => r()));
  await pair?.stop();
  await gw?.stop();
});

/**
 * An emulated ACCUTORR 3 answers "P" on one end of a socat pty pair; `vitals node --sensor accutorr` polls
 * the other end with the real serialport package; the real gateway stores the measurement and alarms on it.
 */
describe.skipIf(!haveTool("socat", "socat"))("serial NIBP cuff → pty → vitals node → gateway", () => {
  it("stores sbp/dbp/map once per measurement and raises the low-SBP alarm at once", async () => {
    gw = await startTestGateway();
    const dir = mkdtempSync(join(tmpdir(), "vitals-pty-cuff-"));
    pair = new SocatPtyPair(dir);
    await pair.start();
    const cuff = new AccutorrEmulator();
    const { baudRate, dataBits, parity, stopBits } = cuff.serial;
    device = new SerialPort({ path: pair.devicePath, baudRate, dataBits, parity, stopBits, autoOpen: false });
    await new Promise<void>((resolve, reject) => device?.open((e) => (e ? reject(e) : resolve())));
    device.on("error", () => {});
    device.on("data", (b: Buffer) => {
      for (const out of cuff.answer(b)) device?.write(out);
    });
    cuff.measure(118, 76, 90);

    agent = await spawnAgent([
      "--gateway",
      `127.0.0.1:${gw.tcpPort}`,
      "--bed",
      "Bed-CUFF",
      "--node-id",
      "cuff-node",
      "--sensor",
      `accutorr:port=${pair.hostPath},poll=300`,
      "--rate",
      "5",
      "--data-dir",
      join(dir, "agent"),
    ]);
    const db = gw.gateway.store.db;
    const bp = () =>
      db
        .prepare(
          "SELECT sbp, dbp, map FROM readings WHERE node = 'cuff-node' AND sbp IS NOT NULL ORDER BY seq",
        )
        .all() as { sbp: number; dbp: number; map: number }[];
    await expect.poll(bp, { timeout: 15_000, interval: 100 }).toEqual([{ sbp: 118, dbp: 76, map: 90 }]);

    cuff.measure(68, 40, 50);
    await expect.poll(() => bp().length, { timeout: 10_000, interval: 100 }).toBe(2);
    expect(bp()[1]).toEqual({ sbp: 68, dbp: 40, map: 50 });
    const raised = () =>
      db
        .prepare(
          "SELECT parameter, priority FROM alarm_events WHERE bed = 'Bed-CUFF' AND type = 'raised' AND kind = 'physiological'",
        )
        .all();
    await expect.poll(raised, { timeout: 5_000, interval: 100 }).toEqual(
      expect.arrayContaining([
        { parameter: "sbp", priority: "high" },
        { parameter: "map", priority: "medium" },
      ]),
    );
  }, 40_000);
});
