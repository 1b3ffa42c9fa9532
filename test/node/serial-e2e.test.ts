import { join } from "node:path";
import Database from "better-sqlite3";
import { SerialPortMock } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import { systemTime } from "../../core/time.js";
import { MemoryOutbox } from "../../sensors/link/outbox.js";
import { resolveSensor } from "../../sensors/node/drivers.js";
import { NodeAgent } from "../../sensors/node/node-agent.js";
import type { OpenSerialLink } from "../../sensors/serial/serial-oximeter-driver.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { Cms50CommandEmulator } from "../support/emulators/serial/cms50-command-emulator.js";
import { EmulatorPump } from "../support/emulators/serial/emulator-pump.js";
import { fingerRemoved } from "../support/emulators/serial/patient-state.js";

const PATH = "/dev/ttyMOCK-node";
// serialport's own (CommonJS) mock binding: importing @serialport/binding-mock from ESM would load a
// second copy with its own port table (see test/serial/serial-oximeter-driver.test.ts).
const MockBinding = SerialPortMock.binding;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  MockBinding.reset();
});

function stored(gw: TestGateway) {
  const db = new Database(join(gw.dataDir, "vitals.db"), { readonly: true });
  try {
    return db
      .prepare("SELECT hr, spo2, pi, flags FROM readings WHERE node = 'serial-node' ORDER BY seq")
      .all() as {
      hr: number | null;
      spo2: number | null;
      pi: number | null;
      flags: string;
    }[];
  } finally {
    db.close();
  }
}

// A CMS50 (command protocol, live data on request) played by the emulator on serialport's mock
// binding → `--sensor cms50-command:port=…` from the registry → NodeAgent → real gateway.
describe("serial oximeter end to end: emulated CMS50 → vitals node agent → gateway", () => {
  it("stores the oximeter's HR, SpO2 and PI, then finger_out when the finger comes out", async () => {
    MockBinding.createPort(PATH, { echo: false, record: true });
    let link: SerialPortMock | null = null;
    const openLink: OpenSerialLink = (o) => {
      link = new SerialPortMock({ ...o, autoOpen: false });
      return link;
    };
    const pump = new EmulatorPump(
      new Cms50CommandEmulator(),
      (bytes) => {
        if (link?.isOpen) link.port?.emitData(Buffer.from(bytes));
      },
      { hr: 88, spo2: 93, pi: 3.1, flags: [] },
    );
    let seen = 0;
    const forward = setInterval(() => {
      const rec = link?.port?.recording;
      if (rec && rec.length > seen) {
        pump.fromHost(rec.subarray(seen));
        seen = rec.length;
      }
    }, 10);
    cleanups.push(() => {
      clearInterval(forward);
      pump.stop();
    });
    const gw = await startTestGateway();
    cleanups.push(() => gw.stop());
    const spec = resolveSensor(`cms50-command:port=${PATH}`);
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: gw.tcpPort },
      hello: { node: "serial-node", bed: "Bed-S" },
      sensors: [
        {
          label: "cms50-command",
          parameters: spec.definition.parameters,
          create: spec.definition.prepare(spec.options, {
            rateHz: 4,
            time: systemTime,
            logger: silentLogger,
            openBoard: () => Promise.reject(new Error("no board")),
            openSerialLink: openLink,
          }),
        },
      ],
      outbox: new MemoryOutbox(),
      rateHz: 4,
    });
    cleanups.push(() => agent.stop());
    agent.start();
    pump.start();
    await expect
      .poll(() => stored(gw).filter((r) => r.hr !== null).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(3);
    expect(stored(gw).find((r) => r.hr !== null)).toEqual({ hr: 88, spo2: 93, pi: 3.1, flags: "" });
    pump.setState(fingerRemoved());
    await expect
      .poll(() => stored(gw).at(-1), { timeout: 10_000 })
      .toMatchObject({ hr: null, spo2: null, flags: "finger_out" });
  }, 30_000);
});
