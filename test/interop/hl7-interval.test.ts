import { afterEach, describe, expect, it } from "vitest";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { type Hl7Receiver, startHl7Receiver } from "../support/hl7/mllp-receiver.js";

let gw: TestGateway | undefined;
let receiver: Hl7Receiver | undefined;
afterEach(async () => {
  await gw?.stop();
  await receiver?.close();
});

describe("HL7 interval mode", () => {
  it("sends, per bed and interval, the last reading only", async () => {
    receiver = await startHl7Receiver();
    // A long interval: the test drives the tick itself instead of waiting for the timer.
    gw = await startTestGateway({
      config: { hl7: { outbound: [{ host: "127.0.0.1", port: receiver.port, intervalMs: 3_600_000 }] } },
    });
    const a = await connectNode(gw.tcpPort, { node: "a", bed: "B1", patient: "P1" });
    const b = await connectNode(gw.tcpPort, { node: "b", bed: "B2", patient: "P2" });
    for (let i = 1; i <= 3; i++) {
      a.send(vitals(i, { hr: 70 + i }));
      b.send(vitals(i, { hr: 80 + i }));
    }
    await a.waitAck(3);
    await b.waitAck(3);
    gw.gateway.interop.hl7Out[0]?.tick();
    await receiver.waitFor((m) => m.length >= 2);
    const hr = (m: string) => /\|149530\^MDC_PULS_OXIM_PULS_RATE\^MDC\|[^|]*\|(\d+)/.exec(m)?.[1];
    expect(receiver.messages.map(hr).sort()).toEqual(["73", "83"]);
    gw.gateway.interop.hl7Out[0]?.tick(); // nothing new: nothing sent
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.messages).toHaveLength(2);
  });
});
