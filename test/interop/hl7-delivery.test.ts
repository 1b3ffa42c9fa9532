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

const hrOf = (m: string) => /\|149530\^MDC_PULS_OXIM_PULS_RATE\^MDC\|[^|]*\|(\d+)/.exec(m)?.[1];

describe("HL7 delivery: acknowledgment codes", () => {
  it("AE dead-letters (visible with the ACK), AR is retried, order per patient holds", async () => {
    const refusals = new Map<string, number>();
    receiver = await startHl7Receiver({
      answer: (m) => {
        const hr = hrOf(m);
        if (hr === "61") return "AE";
        if (hr === "62") {
          const n = (refusals.get(hr) ?? 0) + 1;
          refusals.set(hr, n);
          return n <= 2 ? "AR" : "AA";
        }
        return "AA";
      },
    });
    gw = await startTestGateway({
      config: {
        hl7: {
          outbound: [
            {
              host: "127.0.0.1",
              port: receiver.port,
              retry: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 5 },
            },
          ],
        },
      },
    });
    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "B1", patient: "P1" });
    for (let i = 1; i <= 4; i++) node.send(vitals(i, { hr: 60 + i }));
    await node.waitAck(4);
    await receiver.waitFor((m) => m.some((x) => hrOf(x) === "64"));
    // 61 refused for good, 62 twice refused then accepted, 63 and 64 only after 62: per-patient order.
    expect(receiver.messages.map(hrOf)).toEqual(["61", "62", "62", "62", "63", "64"]);
    const status = (await (await fetch(`${gw.url}/api/interop`)).json()) as {
      channels: Record<string, { delivered: number; dead: number }>;
      dead_letters: { id: number; kind: string; last_error: string; response: string; attempts: number }[];
    };
    expect(Object.values(status.channels)[0]).toMatchObject({ delivered: 3, dead: 1 });
    expect(status.dead_letters).toHaveLength(1);
    expect(status.dead_letters[0]).toMatchObject({ kind: "ORU^R01", attempts: 1 });
    expect(status.dead_letters[0]?.last_error).toMatch(/^AE/);
    expect(status.dead_letters[0]?.response).toContain("MSA|AE|");

    // Requeued after someone fixed the receiver: sent again with the same control id.
    const firstId = /^MSH(?:\|[^|]*){8}\|([^|]+)/.exec(receiver.messages[0] as string)?.[1];
    const rq = await fetch(`${gw.url}/api/interop/${status.dead_letters[0]?.id}/requeue`, { method: "POST" });
    expect(rq.status).toBe(200);
    await receiver.waitFor((m) => m.length === 7);
    expect(/^MSH(?:\|[^|]*){8}\|([^|]+)/.exec(receiver.messages[6] as string)?.[1]).toBe(firstId);
  });
});
