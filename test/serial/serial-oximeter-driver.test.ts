import { SerialPortMock } from "serialport";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isVitalsError } from "../../core/errors.js";
import type { SensorSample } from "../../sensors/sample.js";
import { cms50CommandBytes } from "../../sensors/serial/cms50-command-decoder.js";
import {
  createSerialDriver,
  type OpenSerialLink,
  type SerialOximeterDriver,
} from "../../sensors/serial/serial-oximeter-driver.js";
import { Cms50CommandEmulator } from "../support/emulators/serial/cms50-command-emulator.js";
import { EmulatorPump } from "../support/emulators/serial/emulator-pump.js";
import { MasimoAscii1Emulator } from "../support/emulators/serial/masimo-emulator.js";
import type { DeviceEmulator, PatientState } from "../support/emulators/serial/patient-state.js";
import { fingerRemoved } from "../support/emulators/serial/patient-state.js";

const PATH = "/dev/ttyMOCK0";
// The binding serialport's own (CommonJS) SerialPortMock uses; importing @serialport/binding-mock
// from ESM would load a second copy with its own port table (dual-package hazard).
const MockBinding = SerialPortMock.binding;
const normal: PatientState = { hr: 72, spo2: 97, pi: 2.5, flags: [] };

/** The driver opens SerialPortMock; the emulator pump plays the device on the mock binding's far end. */
function rig(device: DeviceEmulator, driverName: string) {
  MockBinding.createPort(PATH, { echo: false, record: true });
  let link: SerialPortMock | null = null;
  const opened: Array<{ baudRate: number; parity: string }> = [];
  const openLink: OpenSerialLink = (o) => {
    opened.push({ baudRate: o.baudRate, parity: o.parity });
    link = new SerialPortMock({ ...o, autoOpen: false });
    return link;
  };
  let seenWrites = 0;
  const pump = new EmulatorPump(
    device,
    (bytes) => {
      if (link?.isOpen) link.port?.emitData(Buffer.from(bytes));
    },
    normal,
  );
  // Host → device: forward what the driver wrote since the last tick.
  const forward = setInterval(() => {
    const rec = link?.port?.recording;
    if (rec && rec.length > seenWrites) {
      pump.fromHost(rec.subarray(seenWrites));
      seenWrites = rec.length;
    }
  }, 10);
  const samples: SensorSample[] = [];
  const driver = createSerialDriver(driverName, { path: PATH }, { openLink });
  return {
    driver,
    pump,
    samples,
    opened,
    link: () => link,
    writes: () => link?.port?.recording ?? Buffer.alloc(0),
    resetWrites: () => {
      seenWrites = 0;
    },
    async start() {
      await driver.start((s) => samples.push(s));
      pump.start();
    },
    async stop() {
      clearInterval(forward);
      pump.stop();
      await driver.stop();
    },
  };
}

const count = (hay: Buffer, needle: Uint8Array) => {
  let n = 0;
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + 1)) n++;
  return n;
};

describe("SerialOximeterDriver over a mock binding", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
  });
  afterEach(() => {
    MockBinding.reset();
    vi.useRealTimers();
  });

  it("opens a CMS50 at 115200 8N1, asks for live data and summarises 60 Hz to one sample a second", async () => {
    const r = rig(new Cms50CommandEmulator(), "cms50-command");
    await r.start();
    expect(r.opened).toEqual([{ baudRate: 115200, parity: "none" }]);
    await vi.advanceTimersByTimeAsync(1);
    expect(count(r.writes(), cms50CommandBytes(0xa1))).toBe(1);
    await vi.advanceTimersByTimeAsync(5_050);
    expect(r.samples.length).toBeGreaterThanOrEqual(4);
    expect(r.samples.length).toBeLessThanOrEqual(5);
    const last = r.samples.at(-1) as SensorSample;
    expect(last).toMatchObject({ source: "cms50-command", values: { hr: 72, spo2: 97, pi: 2.5 }, flags: [] });
    expect(count(r.writes(), cms50CommandBytes(0xaf))).toBe(1); // keep-alive at 5 s

    r.pump.setState(fingerRemoved());
    await vi.advanceTimersByTimeAsync(2_000);
    expect(r.samples.at(-1)).toMatchObject({
      values: { hr: null, spo2: null, pi: null },
      flags: ["finger_out"],
    });
    await r.stop();
  });

  it("keeps live data flowing past the device's 30 s limit even when it ignores keep-alives", async () => {
    const r = rig(new Cms50CommandEmulator(30_000, false), "cms50-command");
    await r.start();
    await vi.advanceTimersByTimeAsync(70_000);
    // The stream stops at 30 s; the silence watchdog re-requests within ~2–3 s, so nearly every
    // second still has a real sample.
    const withValues = r.samples.filter((s) => s.values.hr === 72);
    expect(withValues.length).toBeGreaterThanOrEqual(62);
    expect(count(r.writes(), cms50CommandBytes(0xa1))).toBeGreaterThanOrEqual(3);
    await r.stop();
  });

  it("reopens with backoff after the cable is pulled and reports sensor_off meanwhile", async () => {
    const r = rig(new MasimoAscii1Emulator(), "masimo-ascii1");
    await r.start();
    expect(r.opened).toEqual([{ baudRate: 9600, parity: "none" }]);
    await vi.advanceTimersByTimeAsync(3_500);
    expect(r.samples.at(-1)).toMatchObject({ values: { hr: 72, spo2: 97, pi: 2.5 } });

    // Unplug: the port closes with a disconnect error and the device node disappears.
    MockBinding.reset();
    r.link()?.close(undefined, Object.assign(new Error("unplugged"), { disconnected: true }));
    await vi.advanceTimersByTimeAsync(10);
    expect((r.driver as SerialOximeterDriver).state).toBe("reconnecting");
    await vi.advanceTimersByTimeAsync(7_000);
    expect(r.samples.at(-1)).toMatchObject({
      values: { hr: null, spo2: null, pi: null },
      flags: ["sensor_off"],
    });
    const failedOpens = r.opened.length - 1;
    expect(failedOpens).toBeGreaterThanOrEqual(3); // 0.5 + 1 + 2 s … retries
    expect(failedOpens).toBeLessThanOrEqual(5); // …and not a busy loop

    // Plug back in: the next retry opens it and readings resume.
    MockBinding.createPort(PATH, { echo: false, record: true });
    r.resetWrites();
    await vi.advanceTimersByTimeAsync(10_000);
    expect((r.driver as SerialOximeterDriver).state).toBe("open");
    expect(r.samples.at(-1)).toMatchObject({ values: { hr: 72, spo2: 97 } });
    await r.stop();
    expect((r.driver as SerialOximeterDriver).state).toBe("stopped");
  });

  it("reopens a port that stays open but delivers nothing (hung adapter)", async () => {
    const r = rig(new MasimoAscii1Emulator(), "masimo-ascii1");
    await r.driver.start((s) => r.samples.push(s)); // no pump: the line is dead
    await vi.advanceTimersByTimeAsync(9_900);
    expect(r.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000); // 10 s of silence for a 1 line/s device
    expect(r.opened.length).toBeGreaterThanOrEqual(2);
    expect(r.samples.at(-1)?.flags).toEqual(["sensor_off"]);
    await r.stop();
  });

  it("rejects an unknown device name with a config error", () => {
    let err: unknown;
    try {
      createSerialDriver("cms99", { path: PATH });
    } catch (e) {
      err = e;
    }
    expect(isVitalsError(err, "config.invalid")).toBe(true);
  });
});
