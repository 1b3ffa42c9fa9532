import { afterEach, describe, expect, it } from "vitest";
import { GatewayLink } from "../../sensors/link/gateway-link.js";
import { MemoryOutbox } from "../../sensors/link/outbox.js";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

let gw: TestGateway | undefined;
let link: GatewayLink | undefined;
afterEach(async () => {
  await link?.stop();
  await gw?.stop();
});

/** [boot, seq, hr] of node n, in storage order. */
const stored = (g: TestGateway) =>
  (
    g.gateway.store.db.prepare("SELECT boot, seq, hr FROM readings WHERE node = 'n' ORDER BY id").all() as {
      boot: string;
      seq: number;
      hr: number;
    }[]
  ).map((r) => [r.boot, r.seq, r.hr]);

async function seed(g: TestGateway, upTo: number, boot?: string): Promise<void> {
  const n = await connectNode(g.tcpPort, { node: "n", bed: "B", ...(boot ? { boot } : {}) });
  for (let s = 1; s <= upTo; s++) n.send(vitals(s, { hr: 70 }));
  await n.waitAck(upTo);
  n.close();
  await n.closed;
}

const seeded = (boot: string, upTo: number) =>
  Array.from({ length: upTo }, (_, i) => [boot, i + 1, 70] as [string, number, number]);

describe("GatewayLink", () => {
  it("a node that lost its state numbers from 1 in a new seq space: nothing passes for a resend", async () => {
    gw = await startTestGateway();
    await seed(gw, 5);
    const outbox = new MemoryOutbox(); // a new outbox: a new boot, numbering restarts at 1
    link = new GatewayLink({ host: "127.0.0.1", port: gw.tcpPort, hello: { node: "n", bed: "B" }, outbox });
    for (const hr of [61, 62, 63]) link.record({ hr, spo2: 97, temp: 36.6 });
    link.start();
    await expect.poll(() => outbox.size, { timeout: 5_000 }).toBe(0);
    expect(stored(gw)).toEqual([
      ...seeded("", 5),
      [outbox.boot, 1, 61],
      [outbox.boot, 2, 62],
      [outbox.boot, 3, 63],
    ]);
  });

  it("resends what was stored but never acknowledged: acknowledged again, stored once", async () => {
    gw = await startTestGateway();
    await seed(gw, 5, "b1");
    const outbox = new MemoryOutbox();
    outbox.boot = "b1";
    for (let s = 4; s <= 6; s++) outbox.push(vitals(s, { hr: s === 6 ? 66 : 99 }));
    link = new GatewayLink({ host: "127.0.0.1", port: gw.tcpPort, hello: { node: "n", bed: "B" }, outbox });
    link.start();
    await expect.poll(() => outbox.size, { timeout: 5_000 }).toBe(0);
    expect(stored(gw)).toEqual([...seeded("b1", 5), ["b1", 6, 66]]);
  });

  it("starts a new seq space when the gateway holds more of its boot than it remembers (a restored queue)", async () => {
    gw = await startTestGateway();
    await seed(gw, 5, "b1");
    const outbox = new MemoryOutbox();
    outbox.boot = "b1"; // same boot, but its numbering is behind: seqs 1–2 would collide with stored ones
    link = new GatewayLink({ host: "127.0.0.1", port: gw.tcpPort, hello: { node: "n", bed: "B" }, outbox });
    const boots: string[] = [];
    link.on("newBoot", (b) => boots.push(b));
    for (const hr of [61, 62]) link.record({ hr, spo2: 97, temp: 36.6 });
    link.start();
    await expect.poll(() => outbox.size, { timeout: 5_000 }).toBe(0);
    expect(boots).toEqual([outbox.boot]);
    expect(stored(gw)).toEqual([...seeded("b1", 5), [outbox.boot, 1, 61], [outbox.boot, 2, 62]]);
  });

  it("answers bad_seq with a new seq space and loses nothing (a glitched seq far ahead)", async () => {
    gw = await startTestGateway({ config: { limits: { maxSeqJump: 1_000 } } });
    await seed(gw, 3, "b1");
    const outbox = new MemoryOutbox();
    outbox.boot = "b1";
    for (const [seq, hr] of [
      [4, 64],
      [5_000, 65], // glitch: beyond maxSeqJump
      [5_001, 66],
    ] as const)
      outbox.push(vitals(seq, { hr }));
    link = new GatewayLink({ host: "127.0.0.1", port: gw.tcpPort, hello: { node: "n", bed: "B" }, outbox });
    const refused: { code: string; seq?: number | undefined }[] = [];
    link.on("rejected", (f) => refused.push({ code: f.code, seq: f.seq }));
    link.start();
    await expect.poll(() => outbox.size, { timeout: 5_000 }).toBe(0);
    expect(refused).toEqual([{ code: "bad_seq", seq: 5_000 }]);
    expect(stored(gw)).toEqual([
      ...seeded("b1", 3),
      ["b1", 4, 64],
      [outbox.boot, 1, 65],
      [outbox.boot, 2, 66],
    ]);
  });

  it("paces a backlog below the gateway's flood limit: drained completely without being cut off", async () => {
    gw = await startTestGateway({ config: { limits: { linesPerSecond: 100, burstLines: 60 } } });
    const outbox = new MemoryOutbox();
    link = new GatewayLink({
      host: "127.0.0.1",
      port: gw.tcpPort,
      hello: { node: "n", bed: "B" },
      outbox,
      maxLinesPerSecond: 80,
    });
    for (let i = 0; i < 160; i++) link.record({ hr: 60 + (i % 40), spo2: 97, temp: 36.6 });
    let drops = 0;
    const refused: string[] = [];
    link.on("disconnected", () => drops++);
    link.on("rejected", (f) => refused.push(f.code));
    link.start();
    await expect.poll(() => outbox.size, { timeout: 8_000, interval: 100 }).toBe(0);
    expect(refused).toEqual([]);
    expect(drops).toBe(0);
    expect(stored(gw).map(([, seq]) => seq)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
  });
});
