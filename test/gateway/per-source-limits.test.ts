import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { NodesResponse } from "../../core/api-types.js";
import { type HelloFrame, PROTO_VERSION } from "../../core/protocol/frames.js";
import { systemTime } from "../../core/time.js";
import { connectNode, startTestGateway, type TestGateway, TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

// Issue 10, item 2: limits per source, not just in total. Each finding is reproduced black-box
// against the real gateway on loopback; time is a fake clock the test moves, never a wall-clock
// measurement.

let gw: TestGateway;
afterEach(async () => {
  await gw?.stop();
});

const T0 = Date.UTC(2026, 0, 1);
/** Fake now() the test moves, with the host's timers (the sweeps still run). */
function fakeClock(start = T0) {
  let t = start;
  return {
    ...systemTime,
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

/** A raw connection from a chosen loopback address (Linux routes all of 127/8 to lo). */
async function connectFrom(port: number, localAddress: string): Promise<TestNode> {
  const socket = connect({ port, host: "127.0.0.1", localAddress });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return new TestNode(socket);
}

const hello = (node: string, bed: string, extra: Partial<HelloFrame> = {}): HelloFrame => ({
  type: "hello",
  proto: PROTO_VERSION,
  node,
  bed,
  ...extra,
});

const storedCount = (node: string) =>
  (
    gw.gateway.store.db.prepare("SELECT count(*) AS n FROM readings WHERE node = ?").get(node) as {
      n: number;
    }
  ).n;

describe("slowloris after hello", () => {
  it("closes a connection that trickles a line slower than limits.lineDeadlineMs, bytes or not", async () => {
    const clock = fakeClock();
    gw = await startTestGateway({ time: clock, config: { limits: { lineDeadlineMs: 200 } } });
    const n = await connectNode(gw.tcpPort, { node: "slow", bed: "Bed-1" });
    expect(n.frames[0]?.type).toBe("welcome");
    // A complete ping (answered, so we know the chunk was read) and the start of a line that never ends.
    n.send('{"type":"ping"}\n{"type":"vit');
    await n.next((f) => f.type === "pong");
    for (const byte of 'als","seq":1') {
      clock.advance(20);
      n.send(byte); // each byte arrives well inside any idle timeout
    }
    clock.advance(100);
    const e = await n.waitError("line_timeout");
    expect(e.message).toMatch(/not completed within 0.2 s/);
    await n.closed;
  });

  it("gives unauthenticated connections their own budget, per address and in total; nodes keep theirs", async () => {
    gw = await startTestGateway({
      config: { limits: { maxConnections: 3, maxPendingConnections: 4, maxPendingPerAddress: 2 } },
    });
    const port = gw.tcpPort;
    // An attacker holds connections open without a hello, from two addresses.
    const idle = [await connectFrom(port, "127.0.0.2"), await connectFrom(port, "127.0.0.2")];
    const third = await connectFrom(port, "127.0.0.2");
    expect((await third.waitError("flood")).message).toMatch(
      /from 127\.0\.0\.2 \(limits\.maxPendingPerAddress 2\)/,
    );
    const other = [await connectFrom(port, "127.0.0.3"), await connectFrom(port, "127.0.0.3")];
    const overTotal = await connectFrom(port, "127.0.0.4");
    expect((await overTotal.waitError("flood")).message).toMatch(/limits\.maxPendingConnections 4/);
    for (const o of other) o.close();
    await Promise.all(other.map((o) => o.closed));

    // Nodes that authenticate are not counted against their address: three from 127.0.0.1 (> 2).
    const nodes = [];
    for (const id of ["a", "b", "c"]) {
      const n = await connectNode(port, { node: id, bed: `Bed-${id}` });
      expect(n.frames[0]?.type).toBe("welcome");
      nodes.push(n);
    }
    // Three nodes and two idle attackers: the nodes' three slots are full, the attackers took none.
    const fourth = await connectNode(port, { node: "d", bed: "Bed-d" });
    expect(fourth.frames[0]).toMatchObject({ type: "error", code: "flood" });
    expect(fourth.frames[0]?.type === "error" && fourth.frames[0].message).toMatch(
      /limits\.maxConnections 3/,
    );
    // A node reconnecting in place of its own connection is not "one more".
    const again = await connectNode(port, { node: "a", bed: "Bed-a" });
    expect(again.frames[0]?.type).toBe("welcome");
    await nodes[0]?.closed;
    for (const n of [...idle, ...nodes, again]) n.close();
  });

  it("lets a restart storm from one address in: refused while too many are pending, welcomed once retried", async () => {
    gw = await startTestGateway({ config: { limits: { maxPendingPerAddress: 4 } } });
    let refused = 0;
    // Every node's connection is open before any hello is sent (they all come back at once).
    const first = await Promise.all(Array.from({ length: 40 }, () => TestNode.connect(gw.tcpPort)));
    // All 40 are accepted or turned away before any says hello: 4 pending, 36 refused.
    await expect.poll(() => first.filter((n) => n.frames.length > 0).length).toBe(36);
    const join = async (id: string, socket: TestNode): Promise<TestNode> => {
      for (let n = socket; ; n = await TestNode.connect(gw.tcpPort)) {
        n.send(hello(id, `Bed-${id}`));
        const f = await n.next((x) => x.type === "welcome" || x.type === "error");
        if (f.type === "welcome") return n;
        refused++;
        await n.closed;
      }
    };
    const storm = await Promise.all(first.map((n, i) => join(`storm-${i}`, n)));
    expect(storm).toHaveLength(40);
    expect(refused).toBeGreaterThanOrEqual(36);
    for (const n of storm) n.close();
  });
});

describe("reconnecting flooder", () => {
  it("charges a node's lines to one bucket across its connections: a reconnect does not refill it", async () => {
    gw = await startTestGateway({
      time: fakeClock(),
      config: { limits: { linesPerSecond: 10, burstLines: 20 } },
    });
    const a = await connectNode(gw.tcpPort, { node: "flooder", bed: "Bed-F" });
    for (let s = 1; s <= 15; s++) a.send(vitals(s));
    await a.waitAck(15);
    a.close();
    await a.closed;
    const b = await connectNode(gw.tcpPort, { node: "flooder", bed: "Bed-F" });
    for (let s = 16; s <= 30; s++) b.send(vitals(s));
    const e = await b.waitError("flood");
    expect(e.message).toMatch(/more than 10 lines\/s across its connections/);
    await b.closed;
    expect(b.frames.filter((f) => f.type === "ack").at(-1)).toEqual({ type: "ack", seq: 20 });
    // 20 lines of budget in all (the clock stands still): 15 + 5.
    expect(storedCount("flooder")).toBe(20);
  });

  it("bounds the readings one node may send per minute, across reconnects; the welcome paces below it", async () => {
    const clock = fakeClock();
    gw = await startTestGateway({ time: clock, config: { limits: { maxReadingsPerNodePerMinute: 30 } } });
    const a = await connectNode(gw.tcpPort, { node: "heavy", bed: "Bed-H" });
    expect(a.frames[0]).toMatchObject({ type: "welcome", max_lines_per_s: 0.5 });
    for (let s = 1; s <= 31; s++) a.send(vitals(s));
    expect((await a.waitError("flood")).message).toMatch(/more than 30 readings in the last minute/);
    // What was stored before the limit is acknowledged, so the node does not send it again.
    expect(a.frames.filter((f) => f.type === "ack").at(-1)).toEqual({ type: "ack", seq: 30 });
    await a.closed;
    expect(storedCount("heavy")).toBe(30);
    const b = await connectNode(gw.tcpPort, { node: "heavy", bed: "Bed-H" });
    b.send(vitals(31));
    await b.waitError("flood");
    clock.advance(61_000);
    const c = await connectNode(gw.tcpPort, { node: "heavy", bed: "Bed-H" });
    c.send(vitals(31));
    await c.waitAck(31);
    expect(storedCount("heavy")).toBe(31);
    c.close();
  });
});

describe("fake beds", () => {
  it("creates at most limits.maxBedsWithoutAuth beds from hellos on an open gateway", async () => {
    gw = await startTestGateway({ config: { limits: { maxBedsWithoutAuth: 5 } } });
    const outcomes: string[] = [];
    for (let i = 0; i < 20; i++) {
      const n = await connectNode(gw.tcpPort, { node: `fake-${i}`, bed: `Fake-${i}` });
      const f = n.frames[0];
      outcomes.push(f?.type === "error" ? f.code : (f?.type ?? "none"));
      n.close();
      await n.closed;
    }
    expect(outcomes).toEqual([...Array(5).fill("welcome"), ...Array(15).fill("bed_limit")]);
    // 20 connect cycles: "disconnected" alarms for the 5 beds only.
    const disconnectedAlarms = () =>
      gw.gateway.store.db
        .prepare("SELECT count(*) AS n FROM alarm_events WHERE type = 'raised' AND kind = 'disconnected'")
        .get() as { n: number };
    await expect.poll(disconnectedAlarms).toEqual({ n: 5 });
    // A known bed still takes its node back.
    const back = await connectNode(gw.tcpPort, { node: "fake-0", bed: "Fake-0" });
    expect(back.frames[0]?.type).toBe("welcome");
    back.close();
    const beds = (await (await fetch(`${gw.url}/api/beds`)).json()) as { beds: unknown[] };
    expect(beds.beds).toHaveLength(5);
  });

  it("takes look-alike labels for one bed and refuses mixed-script ones", async () => {
    gw = await startTestGateway();
    const first = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    first.send(vitals(1));
    await first.waitAck(1);
    const spaced = await connectNode(gw.tcpPort, { node: "n2", bed: "Bed-1 " });
    const wide = await connectNode(gw.tcpPort, { node: "n3", bed: "Ｂｅｄ-1" });
    const cyrillic = await connectNode(gw.tcpPort, { node: "n4", bed: "Веd-1" });
    expect(spaced.frames[0]?.type).toBe("welcome");
    expect(wide.frames[0]?.type).toBe("welcome");
    expect(cyrillic.frames[0]).toMatchObject({ type: "error", code: "bad_frame" });
    expect(cyrillic.frames[0]?.type === "error" && cyrillic.frames[0].message).toMatch(
      /mixes Cyrillic and Latin/,
    );
    spaced.send(vitals(1));
    await spaced.waitAck(1);
    const beds = (await (await fetch(`${gw.url}/api/beds`)).json()) as { beds: { bed: string }[] };
    expect(beds.beds.map((b) => b.bed)).toEqual(["Bed-1"]);
    for (const n of [first, spaced, wide, cyrillic]) n.close();
  });

  it("does not cap beds when nodes authenticate", async () => {
    gw = await startTestGateway({
      config: { auth: { nodeToken: "ward-secret" }, limits: { maxBedsWithoutAuth: 2 } },
    });
    for (let i = 0; i < 4; i++) {
      const n = await connectNode(gw.tcpPort, { node: `n${i}`, bed: `Bed-${i}`, token: "ward-secret" });
      expect(n.frames[0]?.type).toBe("welcome");
      n.close();
    }
  });
});

describe("legacy flat JSON with node authentication on", () => {
  const flat = (bed: string, hr = 70) =>
    `${JSON.stringify({ patient_id: "P", bed_no: bed, hr, spo2: 97, temp: 36.6 })}\n`;

  it("is refused unless its bed or address is listed in auth.legacy", async () => {
    gw = await startTestGateway({
      config: { auth: { nodeToken: "ward-secret", legacy: { beds: ["Bed-L"], addresses: ["127.0.0.5"] } } },
    });
    const stranger = await TestNode.connect(gw.tcpPort);
    stranger.send(flat("Bed-X"));
    expect(await stranger.waitError("unauthorized")).toMatchObject({
      message: expect.stringMatching(/auth\.legacy/),
    });
    await stranger.closed;
    const listedBed = await TestNode.connect(gw.tcpPort);
    listedBed.send(flat("Bed-L"));
    const listedAddress = await connectFrom(gw.tcpPort, "127.0.0.5");
    listedAddress.send(flat("Bed-Y"));
    await expect.poll(() => storedCount("legacy:Bed-L") + storedCount("legacy:Bed-Y")).toBe(2);
    expect(storedCount("legacy:Bed-X")).toBe(0);
    listedBed.close();
    listedAddress.close();
  });

  it("never writes to a bed a protocol-v1 node owns, authenticated or not", async () => {
    gw = await startTestGateway();
    const owner = await connectNode(gw.tcpPort, { node: "v1", bed: "Bed-1" });
    owner.send(vitals(1, { hr: 72 }));
    await owner.waitAck(1);
    const legacy = await TestNode.connect(gw.tcpPort);
    legacy.send(flat("Bed-1", 150));
    legacy.send(flat("Bed-2", 80));
    expect((await legacy.waitError("unauthorized")).message).toMatch(/belongs to a protocol-v1 node/);
    await expect.poll(() => storedCount("legacy:Bed-2")).toBe(1);
    expect(storedCount("legacy:Bed-1")).toBe(0);
    owner.close();
    legacy.close();
  });
});

describe("timestamps", () => {
  it("flags readings whose device time is far from gateway time, keeps receive order, and shows each node's offset", async () => {
    const clock = fakeClock();
    gw = await startTestGateway({ time: clock });
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    const sent = [0, Number.MAX_SAFE_INTEGER, T0 - 3_600_000, T0 - 1_000];
    sent.forEach((t, i) => {
      n.send(vitals(i + 1, { t }));
    });
    await n.waitAck(4);
    const ahead = await connectNode(gw.tcpPort, { node: "n2", bed: "Bed-2" });
    ahead.send(vitals(1, { t: T0 + 3_600_000 }));
    await ahead.waitAck(1);
    const rows = gw.gateway.store.db
      .prepare("SELECT seq, t, flags FROM readings WHERE node = 'n1' ORDER BY id")
      .all() as { seq: number; t: number; flags: string }[];
    // Stored as sent, in the order received; t = 0 and t = 2^53−1 carry clock_skew, a backlog does not.
    expect(rows).toEqual([
      { seq: 1, t: 0, flags: "clock_skew" },
      { seq: 2, t: Number.MAX_SAFE_INTEGER, flags: "clock_skew" },
      { seq: 3, t: T0 - 3_600_000, flags: "" },
      { seq: 4, t: T0 - 1_000, flags: "" },
    ]);
    const { nodes } = (await (await fetch(`${gw.url}/api/nodes`)).json()) as NodesResponse;
    expect(nodes.find((x) => x.node === "n2")).toMatchObject({
      bed: "Bed-2",
      clock_offset_ms: 3_600_000,
      clock_skew: true,
      clock_skew_readings: 1,
    });
    // n1's least-delayed reading is 2^53−1 ahead: its clock is reported as skewed, as it is.
    expect(nodes.find((x) => x.node === "n1")).toMatchObject({ clock_skew: true, clock_skew_readings: 2 });
    n.close();
    ahead.close();
  });
});

describe("welcome and last_seq", () => {
  it("tells a node its last stored seq only after the token check", async () => {
    gw = await startTestGateway({ config: { auth: { nodeToken: "ward-secret" } } });
    const honest = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", token: "ward-secret" });
    for (let s = 1; s <= 3; s++) honest.send(vitals(s));
    await honest.waitAck(3);
    honest.close();
    for (const token of [undefined, "wrong-secret"]) {
      const probe = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", ...(token ? { token } : {}) });
      await probe.closed;
      expect(probe.frames).toHaveLength(1);
      expect(probe.frames[0]).toMatchObject({ type: "error", code: "unauthorized" });
      expect(probe.lines.join("")).not.toContain("last_seq");
    }
    const back = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", token: "ward-secret" });
    expect(back.frames[0]).toMatchObject({ type: "welcome", last_seq: 3 });
    back.close();
  });
});
