import { describe, expect, it } from "vitest";
import type { LiveMessage } from "../../core/api-types.js";
import { FakeTime } from "../../test/support/fake-time.js";
import { BedRegistry } from "../beds.js";
import { LiveHub, type LiveSocket } from "./live-hub.js";

/** A WebSocket double: records what is sent; the test sets how much is queued. */
class Socket implements LiveSocket {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: LiveMessage[] = [];
  closed: { code?: number | undefined; reason?: string | undefined } | undefined;
  send(data: string): void {
    this.sent.push(JSON.parse(data) as LiveMessage);
  }
  close(code?: number, reason?: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  on(): void {}
}

const MAX = 64 * 1024;
const tick = () => new Promise((r) => setImmediate(r));
const bedsIn = (m: LiveMessage | undefined) =>
  m && (m.type === "beds" || m.type === "snapshot") ? m.beds.map((b) => `${b.bed}:${b.connected}`) : [];

function rig() {
  const time = new FakeTime(1_000_000);
  const beds = new BedRegistry();
  const hub = new LiveHub(beds, time, { throttleMs: 100, maxBufferedBytes: MAX });
  hub.start();
  const change = (bed: string, delta: 1 | -1 = 1) =>
    beds.connected(bed, `n-${bed}`, { ward: null, patient: null }, delta);
  return { time, beds, hub, change };
}

describe("LiveHub", () => {
  it("pushes a change at once when idle, without waiting for any timer (leading edge)", async () => {
    const { hub, change } = rig();
    const ws = new Socket();
    hub.add(ws);
    change("B1");
    expect(ws.sent.map((m) => m.type)).toEqual(["snapshot"]); // not synchronously: the batch coalesces
    await tick();
    expect(ws.sent.map((m) => m.type)).toEqual(["snapshot", "beds"]);
    expect(bedsIn(ws.sent[1])).toEqual(["B1:true"]);
  });

  it("coalesces changes within the throttle interval into one trailing push", async () => {
    const { hub, change, time } = rig();
    const ws = new Socket();
    hub.add(ws);
    change("B1");
    await tick();
    change("B2");
    change("B3");
    await tick();
    expect(ws.sent).toHaveLength(2); // snapshot + the first push; the rest waits for the interval
    time.advance(99);
    expect(ws.sent).toHaveLength(2);
    time.advance(1);
    expect(ws.sent).toHaveLength(3);
    expect(bedsIn(ws.sent[2]).sort()).toEqual(["B2:true", "B3:true"]);
    // Idle again after the interval: the next change is immediate.
    time.advance(500);
    change("B4");
    await tick();
    expect(bedsIn(ws.sent[3])).toEqual(["B4:true"]);
  });

  it("a client that does not read gets no bed updates, then the latest state once it drains", async () => {
    const { hub, change, time } = rig();
    const slow = new Socket();
    const fast = new Socket();
    hub.add(slow);
    hub.add(fast);
    slow.bufferedAmount = MAX + 1;
    for (let i = 0; i < 5; i++) {
      change("B1", i % 2 === 0 ? 1 : -1);
      await tick();
      time.advance(100);
    }
    expect(fast.sent.filter((m) => m.type === "beds")).toHaveLength(5);
    expect(slow.sent.map((m) => m.type)).toEqual(["snapshot"]);
    expect(hub.stats).toMatchObject({ behind: 1, skippedUpdates: 5 });
    // Alarm messages are not held back.
    hub.broadcast({ type: "notifications", pending: 1, dead: 0 });
    expect(slow.sent.at(-1)?.type).toBe("notifications");
    // Still above half the limit: nothing yet. Drained: one snapshot with the bed as it is now.
    slow.bufferedAmount = MAX / 2 + 1;
    time.advance(100);
    expect(slow.sent.at(-1)?.type).toBe("notifications");
    slow.bufferedAmount = 0;
    time.advance(100);
    expect(slow.sent.at(-1)?.type).toBe("snapshot");
    expect(bedsIn(slow.sent.at(-1))).toEqual(["B1:true"]); // 5 changes: +1 −1 +1 −1 +1
    expect(hub.stats.behind).toBe(0);
  });

  it("closes a client holding more than 4× the limit (1013), so memory per client is bounded", () => {
    const { hub } = rig();
    const stuck = new Socket();
    hub.add(stuck);
    stuck.bufferedAmount = 4 * MAX + 1;
    hub.broadcast({ type: "notifications", pending: 0, dead: 0 });
    expect(stuck.closed?.code).toBe(1013);
    expect(hub.stats).toMatchObject({ clients: 0, closedSlow: 1 });
  });
});
