import { Hl7Message } from "@medplum/core";
import { Hl7Client } from "@medplum/hl7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BedsResponse, ReadingsResponse } from "../../core/api-types.js";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { expectConformantHl7 } from "../support/hl7/hl7-conformance.js";
import { type Hl7Receiver, startHl7Receiver } from "../support/hl7/mllp-receiver.js";

const N = 20;

/** OBX-3.1 → OBX-5 of one message, as hl7v2 (a parser nobody here wrote) reads it. */
function obxValues(text: string): Record<string, number> {
  const m = expectConformantHl7(text);
  const out: Record<string, number> = {};
  for (const s of m.segments.filter((x) => x.segmentType === "OBX"))
    out[String(s.field(3).getValue(1))] = Number(s.field(5).getValue());
  return out;
}

describe("HL7 v2 end to end: readings → gateway → MLLP → node-hl7-server; ADT → gateway", () => {
  let receiver: Hl7Receiver;
  let gw: TestGateway;
  let adt: Hl7Client;

  beforeAll(async () => {
    receiver = await startHl7Receiver();
    gw = await startTestGateway({
      config: {
        hl7: {
          outbound: [{ host: "127.0.0.1", port: receiver.port, intervalMs: 0 }],
          inbound: { port: 0 },
          patientAuthority: "HOSP",
        },
      },
    });
    adt = new Hl7Client({ host: "127.0.0.1", port: gw.gateway.interop.adt?.port as number });
  });
  afterAll(async () => {
    await adt?.close();
    await gw?.stop();
    await receiver?.close();
  });

  it("delivers one ORU^R01 per reading whose OBX values equal the stored reading", async () => {
    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "B1", patient: "P1", ward: "W1" });
    for (let i = 1; i <= N; i++)
      node.send(vitals(i, { hr: 60 + i, spo2: 90 + (i % 10), temp: 36 + i / 10, rr: 12 + i }));
    await node.waitAck(N);
    await receiver.waitFor((m) => m.filter((x) => x.includes("ORU^R01")).length >= N);
    const stored = (
      (await (await fetch(`${gw.url}/api/readings?bed=B1&limit=100`)).json()) as ReadingsResponse
    ).readings.reverse();
    const received = receiver.messages.filter((x) => x.includes("ORU^R01"));
    expect(received).toHaveLength(N);
    expect(received.every((x) => x.includes("|AL|NE"))).toBe(false);
    expect(new Set(received.map((x) => expectConformantHl7(x).controlId)).size).toBe(N);
    expect(received.map(obxValues)).toEqual(
      stored.map((r) => ({ "150456": r.spo2, "149530": r.hr, "150364": r.temp, "151562": r.rr })),
    );
    expect(received[0]).toContain("PID|||P1^^^HOSP^PI");
    expect(received[0]).toContain("PV1||I|W1^^B1");
    node.close();
  });

  const adtMessage = (event: string, id: string, patient: string, ward: string, bed: string) =>
    Hl7Message.parse(
      [
        `MSH|^~\\&|HIS^1.2.3.4^ISO|HOSP|VITALS|WARD|20240501120000||ADT^${event}^ADT_${event === "A03" ? "A03" : "A01"}|${id}|P|2.6`,
        `EVN|${event}|20240501120000`,
        `PID|||${patient}^^^HOSP^MR||Doe^Jane`,
        `PV1||I|${ward}^^${bed}`,
      ].join("\r"),
    );
  const send = async (msg: Hl7Message) => {
    const ack = await adt.sendAndWait(msg, { timeoutMs: 5_000 });
    return { code: ack.getSegment("MSA")?.getField(1).toString(), text: ack.toString() };
  };
  const bed = async (b: string) =>
    ((await (await fetch(`${gw.url}/api/beds`)).json()) as BedsResponse).beds.find((x) => x.bed === b);

  it("A01 admits a patient to a bed, A03 ends the stay; refusals change nothing", async () => {
    const node = await connectNode(gw.tcpPort, { node: "n2", bed: "B2", ward: "W1" });
    node.send(vitals(1));
    await node.waitAck(1);

    expect((await send(adtMessage("A01", "M1", "P9", "W1", "B2"))).code).toBe("AA");
    expect(await bed("B2")).toMatchObject({ patient: "P9", ward: "W1" });

    // The resent A01 (same control id: our ACK was lost) is answered AA again, not applied twice.
    expect((await send(adtMessage("A01", "M1", "P9", "W1", "B2"))).code).toBe("AA");
    // A second admission of the same patient, a bed nobody knows, another patient in an occupied bed:
    const again = await send(adtMessage("A01", "M2", "P9", "W1", "B2"));
    expect(again.code).toBe("AE");
    expect(again.text).toMatch(/ERR\|.*205\^Duplicate key identifier\^HL70357\|E/);
    const unknown = await send(adtMessage("A01", "M3", "P10", "W1", "NOPE"));
    expect(unknown.code).toBe("AE");
    expect(unknown.text).toContain('unknown bed \\"NOPE\\"'.replace(/\\/g, ""));
    expect((await send(adtMessage("A01", "M4", "P11", "W1", "B2"))).code).toBe("AE");
    expect((await send(adtMessage("A03", "M5", "P404", "W1", "B2"))).code).toBe("AE");
    expect(await bed("B2")).toMatchObject({ patient: "P9" });

    // Readings from the bed now carry the admitted patient.
    node.send(vitals(2));
    await node.waitAck(2);
    await receiver.waitFor((m) => m.some((x) => x.includes("PID|||P9^^^HOSP^PI")));

    expect((await send(adtMessage("A03", "M6", "P9", "W1", "B2"))).code).toBe("AA");
    expect((await bed("B2"))?.patient).toBeNull();
    node.close();
  });

  it("answers malformed and unsupported messages with AE, and keeps serving", async () => {
    const port = gw.gateway.interop.adt?.port as number;
    const { connect } = await import("node:net");
    const { mllpFrame, MllpDecoder } = await import("../../gateway/hl7/mllp.js");
    const s = connect(port, "127.0.0.1");
    const d = new MllpDecoder();
    const replies: string[] = [];
    s.on("data", (c: Buffer) => {
      for (const e of d.push(c)) if (e.kind === "message") replies.push(e.text);
    });
    s.write(mllpFrame("this is not HL7"));
    s.write(mllpFrame("MSH|^~\\&|X|Y|||20240101||ORU^R01|Q1|P|2.6\rPID|||P1"));
    s.write(mllpFrame("MSH|^~\\&|X|Y|||20240101||ADT^A04|Q2|P|2.6\rPID|||P1"));
    s.write(mllpFrame("MSH|^~\\&|X|Y|||20240101||ADT^A01|Q3|P|2.6\rPID|||\rPV1||I|W^^B2"));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (replies.length < 4) return;
        clearInterval(t);
        resolve();
      }, 20);
    });
    s.destroy();
    expect(replies.map((r) => /MSA\|(\w\w)/.exec(r)?.[1])).toEqual(["AE", "AE", "AE", "AE"]);
    expect(replies[0]).toContain("malformed message");
    expect(replies[1]).toContain("200^Unsupported message type");
    expect(replies[2]).toContain("201^Unsupported event code");
    expect(replies[3]).toContain("101^Required field missing");
    // Every reply conforms, but the first: a message that is not HL7 has no control id for MSA-2.
    for (const r of replies.slice(1)) expectConformantHl7(r);
    expect((await bed("B2"))?.patient).toBeNull();
  });
});
