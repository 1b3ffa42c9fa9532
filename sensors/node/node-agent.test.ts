import { createServer } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MemoryOutbox } from "../link/outbox.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { NodeAgent } from "./node-agent.js";

/** A port nothing listens on: the agent works offline, queueing everything. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A driver the test feeds by hand. */
class ManualDriver implements SensorDriver {
  readonly name = "manual";
  emit: (s: SensorSample) => void = () => {};
  stopped = false;
  async start(onSample: (s: SensorSample) => void) {
    this.emit = onSample;
  }
  async stop() {
    this.stopped = true;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe("NodeAgent (offline, fake clock)", () => {
  it("reports a sensor whose device never opened as starting, then failed with the reason, never running", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    let open: () => Promise<SensorDriver> = () => new Promise(() => {});
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: await closedPort() },
      hello: { node: "n1", bed: "B1" },
      sensors: [{ label: "ox", parameters: ["hr"], create: () => open() }],
      outbox: new MemoryOutbox(),
    });
    agent.start();
    expect(agent.status().sensors[0]).toMatchObject({ state: "starting", running: false });
    await agent.stop();
    open = async () => {
      throw new Error("ENOENT /dev/ttyUSB0");
    };
    const failing = new NodeAgent({
      gateway: { host: "127.0.0.1", port: await closedPort() },
      hello: { node: "n1", bed: "B1" },
      sensors: [{ label: "ox", parameters: ["hr"], create: () => open() }],
      outbox: new MemoryOutbox(),
    });
    failing.start();
    await vi.waitFor(() => expect(failing.status().sensors[0]?.state).toBe("failed"));
    expect(failing.status().sensors[0]).toMatchObject({ running: false, lastError: "ENOENT /dev/ttyUSB0" });
    await failing.stop();
    // A serial driver starts at once and keeps reopening its port: it is running only once the port is open.
    const device = { open: false, error: "cannot open /dev/ttyUSB0" as string | undefined };
    const serial = Object.assign(new ManualDriver(), { device: () => device });
    const reopening = new NodeAgent({
      gateway: { host: "127.0.0.1", port: await closedPort() },
      hello: { node: "n1", bed: "B1" },
      sensors: [{ label: "ox", parameters: ["hr"], create: async () => serial }],
      outbox: new MemoryOutbox(),
    });
    reopening.start();
    await vi.waitFor(() => expect(reopening.status().sensors[0]?.lastError).toBe("cannot open /dev/ttyUSB0"));
    expect(reopening.status().sensors[0]).toMatchObject({ state: "failed", running: false });
    device.open = true;
    device.error = undefined;
    expect(reopening.status().sensors[0]).toMatchObject({ state: "running", running: true });
    await reopening.stop();
  });

  it("takes one reading per 1/rate s from what the sensors said, numbered from 1, and stops cleanly", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: 1_790_000_000_000 });
    const outbox = new MemoryOutbox();
    const driver = new ManualDriver();
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: await closedPort() },
      hello: { node: "n1", bed: "B1" },
      sensors: [{ label: "manual", parameters: ["hr", "temp"], create: async () => driver }],
      outbox,
      rateHz: 2,
      merger: { staleAfterMs: 3000, silentAfterMs: 5000 },
    });
    agent.start();
    await vi.waitFor(() => expect(agent.status().sensors[0]?.running).toBe(true));
    driver.emit({ source: "manual", t: Date.now(), values: { hr: 64, temp: 36.7 }, flags: ["artifact"] });
    await vi.advanceTimersByTimeAsync(2_000);
    let frames = outbox.pending(0, 100);
    expect(frames.map((f) => f.seq)).toEqual([1, 2, 3, 4]);
    expect(frames.map((f) => f.t - (frames[0]?.t ?? 0))).toEqual([0, 500, 1000, 1500]);
    expect(frames[0]).toMatchObject({ hr: 64, temp: 36.7, spo2: null, flags: ["artifact"] });
    // The sample ages: after 3 s it is no longer sent as current, after 5 s the sensor is off.
    await vi.advanceTimersByTimeAsync(4_000);
    frames = outbox.pending(0, 100);
    expect(frames.at(-1)).toMatchObject({ hr: null, temp: null, flags: ["sensor_off"] });
    expect(frames.find((f) => f.hr === null)?.flags).toBeUndefined(); // stale before silent
    expect(agent.status()).toMatchObject({
      connected: false,
      pending: 12,
      lastSeq: 12,
      ackedSeq: 0,
      dropped: 0,
    });
    await agent.stop();
    expect(driver.stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(outbox.lastSeq()).toBe(12);
  });

  it("survives a reading that cannot be queued and counts it", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: 1_790_000_000_000 });
    const outbox = new MemoryOutbox();
    let failing = true;
    const push = outbox.push.bind(outbox);
    outbox.push = (f) => {
      if (failing) throw new Error("SQLITE_FULL: database or disk is full");
      push(f);
    };
    const agent = new NodeAgent({
      gateway: { host: "127.0.0.1", port: await closedPort() },
      hello: { node: "n2", bed: "B2" },
      sensors: [],
      outbox,
      rateHz: 1,
    });
    agent.start();
    await vi.advanceTimersByTimeAsync(3_000);
    failing = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(agent.status()).toMatchObject({ failedRecords: 3, pending: 2 });
    await agent.stop();
  });
});
