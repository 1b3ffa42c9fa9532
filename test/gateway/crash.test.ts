import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { TestNode } from "../harness/gateway.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { vitals } from "../support/frames.js";

let gw: GatewayProcess | undefined;
afterEach(() => {
  gw?.child.kill("SIGKILL");
});

describe("durability", () => {
  it("keeps every acknowledged reading after the gateway process is killed with SIGKILL", async () => {
    gw = await spawnGateway({ limits: { linesPerSecond: 1e6, burstLines: 1e6 } });
    const nodes = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const n = await TestNode.connect(gw?.tcpPort as number);
        n.send({ type: "hello", proto: 1, node: `n${i}`, bed: `Bed-${i}` });
        await n.next((f) => f.type === "welcome");
        return n;
      }),
    );
    let acked = [0, 0, 0, 0];
    for (const [i, n] of nodes.entries()) {
      n.socket.on("data", () => {
        const last = n.frames.findLast((f) => f.type === "ack");
        if (last?.type === "ack") acked[i] = last.seq;
      });
    }
    // Stream readings and kill the gateway while they are in flight.
    let seq = 0;
    const sending = setInterval(() => {
      for (let k = 0; k < 50; k++) {
        seq++;
        for (const n of nodes) n.send(vitals(seq));
      }
    }, 1);
    await expect.poll(() => Math.min(...acked), { timeout: 10_000 }).toBeGreaterThan(500);
    gw.child.kill("SIGKILL");
    expect(await gw.exited).toBe("SIGKILL");
    clearInterval(sending);
    acked = [...acked];
    const db = new Database(join(gw.dataDir, "vitals.db"), { readonly: true });
    for (const [i, a] of acked.entries()) {
      const row = db
        .prepare("SELECT count(*) AS n, max(seq) AS top FROM readings WHERE node = ? AND seq <= ?")
        .get(`n${i + 1}`, a) as { n: number; top: number };
      expect(row).toEqual({ n: a, top: a });
    }
    db.close();
    gw = undefined;
  });
});
