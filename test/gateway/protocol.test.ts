import { afterEach, describe, expect, it } from "vitest";
import { encodeFrame } from "../../core/protocol/codec.js";
import type { HelloFrame } from "../../core/protocol/frames.js";
import { connectNode, startTestGateway, type TestGateway, TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

let gw: TestGateway;
afterEach(async () => {
  await gw?.stop();
});

const rows = (g: TestGateway, node: string) =>
  g.gateway.store.db
    .prepare("SELECT seq, hr, spo2, temp, status FROM readings WHERE node = ? ORDER BY seq")
    .all(node) as {
    seq: number;
    hr: number;
    status: string;
  }[];

describe("protocol v1 over TCP", () => {
  it("welcomes a node, acks cumulatively after commit, and tells a returning node its last stored seq", async () => {
    gw = await startTestGateway({ config: { heartbeatMs: 2_000 } });
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    expect(n.frames[0]).toEqual({ type: "welcome", proto: 1, heartbeat_ms: 2_000, max_lines_per_s: 5_000 });
    n.send(vitals(1));
    n.send(vitals(2));
    n.send(vitals(3));
    await n.waitAck(3);
    expect(rows(gw, "n1").map((r) => r.seq)).toEqual([1, 2, 3]);
    n.close();
    await n.closed;
    const again = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    expect(again.frames[0]).toEqual({
      type: "welcome",
      proto: 1,
      heartbeat_ms: 2_000,
      last_seq: 3,
      max_lines_per_s: 5_000,
    });
    again.close();
  });

  it("stores a resent reading once and acks it again", async () => {
    gw = await startTestGateway();
    const a = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    for (const s of [1, 2, 3]) a.send(vitals(s, { hr: 70 + s }));
    await a.waitAck(3);
    a.close();
    const b = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    // A node that did not see the acks resends everything, with a changed copy of seq 2 in between.
    for (const s of [1, 2, 3, 4]) b.send(vitals(s, { hr: s === 2 ? 99 : 70 + s }));
    await b.waitAck(4);
    expect(rows(gw, "n1").map((r) => [r.seq, r.hr])).toEqual([
      [1, 71],
      [2, 72],
      [3, 73],
      [4, 74],
    ]);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/vitals_readings_duplicate_total 3/);
    expect(metrics).toMatch(/vitals_readings_stored_total 4/);
    b.close();
  });

  it("accepts the original flat JSON without hello, assigns seqs, sends no acks", async () => {
    // Stored with the status derived under the original design's thresholds (the alarm profile "original").
    gw = await startTestGateway({ config: { alarms: { defaultProfile: "original" } } });
    const n = await TestNode.connect(gw.tcpPort);
    n.send('{"patient_id":"P7","bed_no":"Bed-7","hr":108,"temp":39.2,"spo2":96}\n');
    n.send(
      '{"patient_id":"P10","bed_no":"Bed-10","hr":66,"temp":37.1,"spo2":100}\n{"patient_id":"P7","bed_no":"Bed-7","hr":101,"temp":38,"spo2":97}\n',
    );
    await expect.poll(() => gw.gateway.store.count()).toBe(3);
    expect(rows(gw, "legacy:Bed-7")).toMatchObject([
      { seq: 1, hr: 108, status: "CRITICAL" },
      { seq: 2, hr: 101, status: "CRITICAL" },
    ]);
    expect(rows(gw, "legacy:Bed-10")).toMatchObject([{ seq: 1, status: "NORMAL" }]);
    expect(n.lines).toEqual([]);
    const beds = (await (await fetch(`${gw.url}/api/beds`)).json()) as {
      beds: { bed: string; patient: string }[];
    };
    expect(beds.beds.map((b) => [b.bed, b.patient])).toEqual([
      ["Bed-7", "P7"],
      ["Bed-10", "P10"],
    ]);
    n.close();
  });

  it("continues legacy seqs after a restart instead of colliding with stored ones", async () => {
    gw = await startTestGateway();
    const dataDir = gw.dataDir;
    const n = await TestNode.connect(gw.tcpPort);
    n.send('{"patient_id":"P1","bed_no":"B1","hr":70,"temp":37,"spo2":98}\n');
    await expect.poll(() => gw.gateway.store.count()).toBe(1);
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ dataDir });
    const m = await TestNode.connect(gw.tcpPort);
    m.send('{"patient_id":"P1","bed_no":"B1","hr":71,"temp":37,"spo2":98}\n');
    await expect.poll(() => gw.gateway.store.count()).toBe(2);
    expect(rows(gw, "legacy:B1").map((r) => [r.seq, r.hr])).toEqual([
      [1, 70],
      [2, 71],
    ]);
    m.close();
  });

  it("answers minor errors with an error frame and keeps the connection usable", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    n.send("this is not json\n");
    expect(await n.waitError("bad_frame")).toMatchObject({ message: "not valid JSON" });
    n.send('{"type":"selfdestruct"}\n');
    await n.waitError("unknown_type");
    n.send(vitals(1, { hr: 900 }));
    expect(await n.waitError("bad_value")).toMatchObject({
      seq: 1,
      message: expect.stringContaining("hr 900"),
    });
    n.send(vitals(2, { spo2: 130 }));
    await n.next((f) => f.type === "error" && f.seq === 2 && f.code === "bad_value");
    n.send(vitals(3, { temp: 80 }));
    await n.next((f) => f.type === "error" && f.seq === 3 && f.code === "bad_value");
    n.send({ type: "hello", proto: 1, node: "n1", bed: "Bed-1" });
    await n.next((f) => f.type === "error" && f.code === "bad_frame" && /already/.test(f.message));
    n.send({ type: "ping" });
    await n.next((f) => f.type === "pong");
    n.send(vitals(4));
    await n.waitAck(4);
    // Rejected readings are never stored, and never classified.
    expect(rows(gw, "n1").map((r) => r.seq)).toEqual([4]);
    n.close();
  });

  it("rejects vitals before hello with no_hello", async () => {
    gw = await startTestGateway();
    const n = await TestNode.connect(gw.tcpPort);
    n.send(vitals(1));
    expect(await n.waitError("no_hello")).toMatchObject({ seq: 1 });
    n.close();
  });

  it.each<[string, HelloFrame]>([
    ["unsupported_proto", { type: "hello", proto: 2, node: "n", bed: "B" }],
    ["unauthorized", { type: "hello", proto: 1, node: "n", bed: "B", token: "wrong-token" }],
    ["unauthorized", { type: "hello", proto: 1, node: "n", bed: "B" }],
  ])("closes with %s", async (code, hello) => {
    gw = await startTestGateway({ config: { auth: { nodeToken: "s3cret-token" } } });
    const n = await TestNode.connect(gw.tcpPort);
    n.send(hello);
    await n.waitError(code);
    await n.closed;
  });

  it("accepts the right token", async () => {
    gw = await startTestGateway({ config: { auth: { nodeToken: "s3cret-token" } } });
    const n = await connectNode(gw.tcpPort, { node: "n", bed: "B", token: "s3cret-token" });
    expect(n.frames[0]?.type).toBe("welcome");
    n.close();
  });

  it("closes an oversize line with too_long and stores nothing from it", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    n.send(`{"type":"vitals","seq":1,"t":1,"hr":70,"spo2":98,"temp":36,"pad":"${"x".repeat(5000)}"}\n`);
    expect(await n.waitError("too_long")).toMatchObject({ message: expect.stringContaining("4096") });
    await n.closed;
    expect(gw.gateway.store.count()).toBe(0);
  });

  it("closes a flood of newline-free bytes before buffering it", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    for (let i = 0; i < 64; i++) n.send("A".repeat(1024));
    await n.waitError("too_long");
    await n.closed;
  });

  it("closes a connection that floods lines faster than its rate", async () => {
    gw = await startTestGateway({ config: { limits: { linesPerSecond: 50, burstLines: 100 } } });
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    n.send(Array.from({ length: 500 }, (_, i) => encodeFrame(vitals(i + 1))).join(""));
    await n.waitError("flood");
    await n.closed;
    // What came within the allowance was stored and acknowledged; nothing beyond it.
    expect(gw.gateway.store.count()).toBeLessThanOrEqual(101);
  });

  it("closes a connection that keeps sending garbage", async () => {
    gw = await startTestGateway({ config: { limits: { maxErrors: 5 } } });
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    for (let i = 0; i < 10; i++) n.send("{oops\n");
    await n.waitError("too_many_errors");
    await n.closed;
  });

  it("replaces an older connection of the same node", async () => {
    gw = await startTestGateway();
    const old = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    const fresh = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    await old.waitError("replaced");
    await old.closed;
    fresh.send(vitals(1));
    await fresh.waitAck(1);
    const beds = (await (await fetch(`${gw.url}/api/beds`)).json()) as { beds: { connected: boolean }[] };
    expect(beds.beds[0]?.connected).toBe(true);
    fresh.close();
  });

  it("pings a quiet node and closes a silent one", async () => {
    gw = await startTestGateway({ config: { limits: { idleTimeoutMs: 400 } } });
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    await n.next((f) => f.type === "ping", 2_000);
    await n.waitError("idle", 3_000);
    await n.closed;
  });

  it("closes a connection that never says hello", async () => {
    gw = await startTestGateway({ config: { limits: { helloTimeoutMs: 200 } } });
    const n = await TestNode.connect(gw.tcpPort);
    await n.waitError("no_hello", 3_000);
    await n.closed;
  });

  it("discards a line cut off by a disconnect and counts it", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    n.send(vitals(1));
    await n.waitAck(1);
    n.send('{"type":"vitals","seq":2,"t":1,"hr":7');
    n.socket.end();
    await n.closed;
    await expect
      .poll(async () =>
        (await (await fetch(`${gw.url}/metrics`)).text()).includes(
          'vitals_readings_rejected_total{code="truncated"} 1',
        ),
      )
      .toBe(true);
    expect(rows(gw, "n1").map((r) => r.seq)).toEqual([1]);
  });

  it("tells connected nodes it is shutting down", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    const stopping = gw.stop();
    await n.waitError("shutting_down");
    await stopping;
    gw = undefined as unknown as TestGateway;
  });
});

describe("storage failure", () => {
  it("never acks a reading that failed to store; the node reconnects, resends, and nothing is lost", async () => {
    gw = await startTestGateway();
    const db = gw.gateway.store.db;
    db.exec(
      "CREATE TRIGGER injected_fault BEFORE INSERT ON readings WHEN NEW.hr = 123 BEGIN SELECT RAISE(ABORT, 'injected fault'); END",
    );
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    n.send(vitals(1));
    await n.waitAck(1);
    n.send(vitals(2, { hr: 123 }));
    n.send(vitals(3));
    await n.waitError("internal");
    await n.closed;
    expect(n.frames.filter((f) => f.type === "ack").map((f) => f.type === "ack" && f.seq)).toEqual([1]);
    db.exec("DROP TRIGGER injected_fault");
    const again = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1" });
    expect(again.frames[0]).toMatchObject({ type: "welcome", last_seq: 1 });
    again.send(vitals(2, { hr: 123 }));
    again.send(vitals(3));
    await again.waitAck(3);
    expect(rows(gw, "n1").map((r) => [r.seq, r.hr])).toEqual([
      [1, 72],
      [2, 123],
      [3, 72],
    ]);
    again.close();
  });
});
