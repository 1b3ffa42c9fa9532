import { afterEach, describe, expect, it } from "vitest";
import { connectNode, startTestGateway, type TestGateway } from "./harness/gateway.js";
import { vitals } from "./support/frames.js";

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.stop();
  gw = undefined;
});

describe("gateway smoke", () => {
  it("acks a reading after storing it", async () => {
    gw = await startTestGateway();
    const n = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", patient: "P1" });
    expect(n.frames[0]).toMatchObject({ type: "welcome", proto: 1 });
    n.send(vitals(1));
    await n.waitAck(1);
    expect(gw.gateway.store.count()).toBe(1);
    const res = await fetch(`${gw.url}/api/beds`);
    const body = (await res.json()) as { beds: { bed: string; connected: boolean }[] };
    expect(body.beds).toMatchObject([{ bed: "Bed-1", connected: true }]);
    n.close();
  });
});
