import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { SocatPtyPair } from "../serial/socat-pty-pair.js";
import { Cms50LegacyEmulator } from "../support/emulators/serial/cms50-legacy-emulator.js";
import { EmulatorPump } from "../support/emulators/serial/emulator-pump.js";
import { fingerRemoved } from "../support/emulators/serial/patient-state.js";
import { haveTool } from "../support/require-tool.js";
import { type AgentProcess, spawnAgent, stopAgent } from "./agent-process.js";

let gw: TestGateway | undefined;
let agent: AgentProcess | undefined;
let pair: SocatPtyPair | undefined;
let device: SerialPort | undefined;
let pump: EmulatorPump | undefined;
afterEach(async () => {
  pump?.stop();
  if (agent) await stopAgent(agent).catch(() => {});
  if (device?.isOpen) await new Promise<void>((r) => device?.close(() => r()));
  await pair?.stop();
  await gw?.stop();
});

/**
 * The whole bedside chain with nothing mocked: an emulated Contec CMS50 (legacy protocol) writes its
 * byte stream into one end of a socat pseudo-terminal pair; `vitals node`, a separate process, reads
 * the other end with the real serialport package and delivers to a real gateway.
 */
describe.skipIf(!haveTool("socat", "socat"))("serial oximeter → pty → vitals node → gateway", () => {
  it("stores the oximeter's values, then the finger_out flag when the finger is removed", async () => {
    gw = await startTestGateway();
    const dir = mkdtempSync(join(tmpdir(), "vitals-pty-node-"));
    pair = new SocatPtyPair(dir);
    await pair.start();
    const emulator = new Cms50LegacyEmulator();
    const { baudRate, dataBits, parity, stopBits } = emulator.serial;
    device = new SerialPort({ path: pair.devicePath, baudRate, dataBits, parity, stopBits, autoOpen: false });
    await new Promise<void>((resolve, reject) => device?.open((e) => (e ? reject(e) : resolve())));
    device.on("error", () => {});
    pump = new EmulatorPump(emulator, (b) => device?.isOpen && device.write(b), {
      hr: 71,
      spo2: 96,
      pi: 2,
      flags: [],
    });
    pump.start();

    agent = await spawnAgent([
      "--gateway",
      `127.0.0.1:${gw.tcpPort}`,
      "--bed",
      "Bed-PTY",
      "--node-id",
      "pty-node",
      "--sensor",
      `cms50-legacy:port=${pair.hostPath}`,
      "--rate",
      "5",
      "--data-dir",
      join(dir, "agent"),
    ]);
    const db = gw.gateway.store.db;
    const latest = () =>
      db
        .prepare("SELECT hr, spo2, flags FROM readings WHERE node = 'pty-node' ORDER BY seq DESC LIMIT 1")
        .get() as { hr: number | null; spo2: number | null; flags: string } | undefined;
    await expect.poll(latest, { timeout: 15_000, interval: 100 }).toMatchObject({ hr: 71, spo2: 96 });

    pump.setState(fingerRemoved());
    await expect
      .poll(() => latest()?.flags ?? "", { timeout: 10_000, interval: 100 })
      .toContain("finger_out");
    expect(latest()).toMatchObject({ hr: null, spo2: null });
  }, 40_000);
});
