import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { connectNode } from "../harness/gateway.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { vitals } from "../support/frames.js";
import { expectConformantHl7 } from "../support/hl7/hl7-conformance.js";
import { freePort, type Hl7Receiver, startHl7Receiver } from "../support/hl7/mllp-receiver.js";

let gw: GatewayProcess | undefined;
let receiver: Hl7Receiver | undefined;
afterEach(async () => {
  gw?.child.kill("SIGKILL");
  await receiver?.close();
});

const N = 40;

describe("HL7 outbox durability", () => {
  it("after kill -9 with the receiver down, every reading reaches it exactly once per control id", async () => {
    const port = await freePort();
    const config = {
      hl7: {
        outbound: [{ host: "127.0.0.1", port, intervalMs: 0, retry: { baseDelayMs: 50, maxDelayMs: 200 } }],
      },
    };
    gw = await spawnGateway(config);
    const dataDir = gw.dataDir;
    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "B1", patient: "P1", ward: "W1" });
    for (let i = 1; i <= N; i++) node.send(vitals(i, { hr: 50 + i }));
    await node.waitAck(N);
    // Let the gateway fail a few connection attempts, then kill it mid-retry.
    await new Promise((r) => setTimeout(r, 300));
    gw.child.kill("SIGKILL");
    expect(await gw.exited).toBe("SIGKILL");

    receiver = await startHl7Receiver({ port });
    gw = await spawnGateway(config, dataDir);
    await receiver.waitFor((m) => new Set(m.map((x) => expectConformantHl7(x).controlId)).size >= N, 20_000);

    const byId = new Map<string, number>();
    for (const m of receiver.messages) {
      const msg = expectConformantHl7(m);
      const hr = Number(
        msg.segments
          .find((s) => s.segmentType === "OBX" && s.field(3).getValue(1) === "149530")
          ?.field(5)
          .getValue(),
      );
      const seen = byId.get(msg.controlId);
      if (seen !== undefined) expect(hr).toBe(seen); // a resend carries the same message
      byId.set(msg.controlId, hr);
    }
    expect(byId.size).toBe(N);
    expect([...byId.values()].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => 51 + i));

    // The outbox agrees: all delivered, none pending or dead.
    await expect
      .poll(() => {
        const db = new Database(join(dataDir, "vitals.db"), { readonly: true });
        try {
          return db.prepare("SELECT status, count(*) AS n FROM interop_outbox GROUP BY status").all();
        } finally {
          db.close();
        }
      })
      .toEqual([{ status: "delivered", n: N }]);
  });
});
