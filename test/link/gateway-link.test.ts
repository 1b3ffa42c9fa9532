import { afterEach, describe, expect, it } from "vitest";
import { GatewayLink } from "../../sensors/link/gateway-link.js";
import { MemoryOutbox } from "../../sensors/link/outbox.js";
import { connectNode, startTestGateway, type TestGateway, vitals } from "../harness/gateway.js";

let gw: TestGateway | undefined;
let link: GatewayLink | undefined;
afterEach(async () => {
  await link?.stop();
  await gw?.stop();
});

const stored = (g: TestGateway) =>
  (
    g.gateway.store.db.prepare("SELECT seq, hr FROM readings WHERE node = 'n' ORDER BY seq").all() as {
      seq: number;
      hr: number;
    }[]
  ).map((r) => [r.seq, r.hr]);

async function seed(g: TestGateway, upTo: number): Promise<void> {
  const n = await connectNode(g.tcpPort, { node: "n", bed: "B" });
  for (let s = 1; s <= upTo; s++) n.send(vitals(s, { hr: 70 }) as object);
  await n.waitAck(upTo);
  n.close();
  await n.closed;
}

describe("GatewayLink", () => {
  it("renumbers readings taken after losing its state instead of letting them pass for resends", async () => {
    gw = await startTestGateway();
    await seed(gw, 5);
    const outbox = new MemoryOutbox(); // a new outbox: numbering restarts at 1
    link = new GatewayLink({ host: "127.0.0.1", port: gw.tcpPort, hello: { node: "n", bed: "B" }, outbox });
    for (const hr of [61, 62, 63]) link.record({ hr, spo2: 97, temp: 36.6 });
    link.start();
    await expect.poll(() => outbox.size, { timeout: 5_000 }).toBe(0);
    expect(stored(gw)).toEqual([
      [1, 70],
      [2, 70],
      [3, 70],
      [4, 70],
      [5, 70],
      [6, 61],
      [7, 62],
      [8, 63],
    ]);
    link.record({ hr: 64, spo2: 97, temp: 36.6 });
    await expect.poll(() => stored(gw as TestGateway).length).toBe(9);
  });

  it("drops what the gateway already stored when only its acks were lost", async () => {
    gw = await startTestGateway();
    await seed(gw, 5);
    const outbox = new MemoryOutbox();
    for (let s = 4; s <= 6; s++)
      outbox.push({ type: "vitals", seq: s, t: s, hr: s === 6 ? 66 : 99, spo2: 97, temp: 36.6 });
    link = new GatewayLink({ host: "127.0.0.1", port: gw.tcpPort, hello: { node: "n", bed: "B" }, outbox });
    link.start();
    await expect.poll(() => outbox.size, { timeout: 5_000 }).toBe(0);
    expect(stored(gw)).toEqual([
      [1, 70],
      [2, 70],
      [3, 70],
      [4, 70],
      [5, 70],
      [6, 66],
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
    expect(stored(gw).map(([seq]) => seq)).toEqual(Array.from({ length: 160 }, (_, i) => i + 1));
  });
});
