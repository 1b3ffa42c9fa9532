import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SerialPort } from "serialport";
import { afterEach, describe, expect, it } from "vitest";
import type { SensorSample } from "../../sensors/sample.js";
import {
  createSerialDriver,
  type SerialOximeterDriver,
} from "../../sensors/serial/serial-oximeter-driver.js";
import { Cms50CommandEmulator } from "../support/emulators/serial/cms50-command-emulator.js";
import { Cms50LegacyEmulator } from "../support/emulators/serial/cms50-legacy-emulator.js";
import { EmulatorPump } from "../support/emulators/serial/emulator-pump.js";
import { NoninDf2Emulator } from "../support/emulators/serial/nonin-emulator.js";
import {
  type DeviceEmulator,
  fingerRemoved,
  type PatientState,
} from "../support/emulators/serial/patient-state.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";
import { SocatPtyPair } from "./socat-pty-pair.js";

const normal: PatientState = { hr: 64, spo2: 98, pi: 1.8, flags: [] };

/** The emulated device on one pty (through the real serialport package), the driver on the other. */
class PtyRig {
  readonly dir = mkdtempSync(join(tmpdir(), "vitals-serial-"));
  readonly pair = new SocatPtyPair(this.dir);
  readonly samples: SensorSample[] = [];
  driver: SerialOximeterDriver | null = null;
  private devicePort: SerialPort | null = null;
  pump: EmulatorPump | null = null;

  constructor(
    private readonly device: DeviceEmulator,
    private readonly driverName: string,
  ) {}

  async plugIn(): Promise<void> {
    await this.pair.start();
    const { baudRate, dataBits, parity, stopBits } = this.device.serial;
    const port = new SerialPort({
      path: this.pair.devicePath,
      baudRate,
      dataBits,
      parity,
      stopBits,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on("error", () => {});
    this.devicePort = port;
    if (!this.pump) {
      this.pump = new EmulatorPump(
        this.device,
        (b) => this.devicePort?.isOpen && this.devicePort.write(b),
        normal,
      );
      this.pump.start();
    }
    const pump = this.pump;
    port.on("data", (b: Buffer) => pump.fromHost(b));
  }

  async unplug(): Promise<void> {
    const port = this.devicePort;
    this.devicePort = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
    await this.pair.stop();
  }

  async startDriver(): Promise<SerialOximeterDriver> {
    this.driver = createSerialDriver(this.driverName, {
      path: this.pair.hostPath,
      summaryIntervalMs: 200,
      reconnect: { initialMs: 100, maxMs: 400 },
      staleAfterMs: 1000,
      reopenIfSilentMs: 2000,
    });
    await this.driver.start((s) => this.samples.push(s));
    return this.driver;
  }

  /** Waits for a sample after now that satisfies `ok`. */
  async next(ok: (s: SensorSample) => boolean, timeoutMs = 8000): Promise<SensorSample> {
    const from = this.samples.length;
    let found: SensorSample | undefined;
    await waitFor(
      () => {
        found = this.samples.slice(from).find(ok);
        return found !== undefined;
      },
      () => `no matching sample; last: ${JSON.stringify(this.samples.at(-1))}`,
      timeoutMs,
    );
    return found as SensorSample;
  }

  async close(): Promise<void> {
    this.pump?.stop();
    await this.driver?.stop();
    await this.unplug();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const hasValues = (hr: number, spo2: number) => (s: SensorSample) =>
  s.values.hr === hr && s.values.spo2 === spo2;

describe.skipIf(!haveTool("socat", "socat"))(
  "serial oximeters end to end over socat pseudo-terminals",
  () => {
    let rig: PtyRig | null = null;
    afterEach(async () => {
      await rig?.close();
      rig = null;
    });

    it("CMS50 command protocol: start request, values, finger out, garbage, cable pull and replug", async () => {
      rig = new PtyRig(new Cms50CommandEmulator(), "cms50-command");
      await rig.plugIn();
      const driver = await rig.startDriver();

      // The device is silent until the driver asks for live data; then values arrive.
      const first = await rig.next(hasValues(64, 98));
      expect(first).toMatchObject({ source: "cms50-command", values: { pi: 1.8 }, flags: [] });

      rig.pump?.setState(fingerRemoved());
      const out = await rig.next((s) => s.flags.includes("finger_out"));
      expect(out.values).toEqual({ hr: null, spo2: null, pi: null });

      // Line noise: a burst of garbage, then the stream carries on and the driver locks on again.
      rig.pump?.setState({ hr: 88, spo2: 93, pi: null, flags: [] });
      const discardedBefore = driver.counters.discardedBytes;
      rig.pump?.inject(Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff));
      await rig.next(hasValues(88, 93));
      expect(driver.counters.discardedBytes).toBeGreaterThan(discardedBefore);

      // Cable pull: the pty disappears, the driver reports sensor_off and keeps retrying…
      await rig.unplug();
      await rig.next((s) => s.flags.includes("sensor_off"));
      await waitFor(
        () => driver.state === "reconnecting",
        () => `driver is ${driver.state}`,
        3000,
      );
      // …and when it is plugged back in, it reopens, asks for live data again and values return.
      await rig.plugIn();
      await rig.next(hasValues(88, 93));
      expect(driver.state).toBe("open");
    }, 30_000);

    it("CMS50 legacy stream at 19200 8O1", async () => {
      rig = new PtyRig(new Cms50LegacyEmulator(), "cms50-legacy");
      await rig.plugIn();
      await rig.startDriver();
      const s = await rig.next(hasValues(64, 98));
      expect(s.values.pi).toBeNull(); // the legacy protocol carries no PI
      rig.pump?.setState({ ...fingerRemoved(), flags: ["finger_out", "searching"] });
      const out = await rig.next((x) => x.flags.includes("finger_out"));
      expect(out.flags).toEqual(["finger_out", "searching"]);
    }, 20_000);

    it("Nonin Data Format 2 with checksums", async () => {
      rig = new PtyRig(new NoninDf2Emulator(), "nonin-df2");
      await rig.plugIn();
      const driver = await rig.startDriver();
      await rig.next(hasValues(64, 98));
      expect(driver.counters.checksumErrors).toBe(0);
    }, 20_000);
  },
);
