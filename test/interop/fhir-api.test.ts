import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ClassifiedReading } from "../../core/reading.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { expectValidFhir, fhirProblems } from "../support/fhir/fhir-validator.js";

const T0 = Date.UTC(2024, 0, 1, 0, 0, 0);
const FHIR = { accept: "application/fhir+json" };

function reading(i: number, over: Partial<ClassifiedReading> = {}): ClassifiedReading {
  return {
    node: "node-1",
    boot: "",
    seq: i,
    bed: "B1",
    patient: "P1",
    ward: "W1",
    t: T0 + i * 1000,
    receivedAt: T0 + i * 1000 + 5,
    values: { hr: 60 + (i % 40), spo2: 90 + (i % 10), temp: 36.5, rr: 14, sbp: 120, dbp: 80 },
    flags: [],
    status: "NORMAL",
    reasons: [],
    ...over,
  };
}

type Bundle = {
  resourceType: string;
  type: string;
  total: number;
  link: { relation: string; url: string }[];
  entry?: { fullUrl: string; resource: { id: string; resourceType: string } & Record<string, unknown> }[];
};

describe("FHIR R4 read API", () => {
  let gw: TestGateway;
  const N = 2_100; // × 5 Observations each (SpO2, pulse, temperature, respiration, BP) = 10 500

  beforeAll(async () => {
    gw = await startTestGateway();
    const batch: ClassifiedReading[] = [];
    for (let i = 1; i <= N; i++) batch.push(reading(i));
    batch.push(
      reading(N + 1, {
        patient: "other/patient",
        node: "node 2",
        values: { hr: 99, spo2: null, temp: null },
      }),
    );
    batch.push(reading(N + 2, { patient: null, values: { hr: 50 } }));
    gw.gateway.store.appendBatch(batch);
  });
  afterAll(() => gw?.stop());

  const get = async (path: string, headers: Record<string, string> = FHIR) => {
    const res = await fetch(`${gw.url}${path}`, { headers });
    return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as Bundle };
  };

  it("pages a patient's 10 500 Observations without skipping or repeating one", async () => {
    const seen = new Set<string>();
    let url: string | undefined = "/fhir/Observation?patient=P1&_count=1000";
    let pages = 0;
    let total = 0;
    while (url) {
      const { status, type, body } = await get(url);
      expect(status).toBe(200);
      expect(type).toMatch(/^application\/fhir\+json/);
      expect(body.type).toBe("searchset");
      total = body.total;
      for (const e of body.entry ?? []) {
        expect(seen.has(e.resource.id)).toBe(false);
        seen.add(e.resource.id);
      }
      const next = body.link.find((l) => l.relation === "next")?.url;
      url = next ? next.slice(next.indexOf("/fhir/")) : undefined;
      pages++;
    }
    expect(total).toBe(N * 5);
    expect(seen.size).toBe(N * 5);
    expect(pages).toBe(11);
    expectValidFhir((await get("/fhir/Observation?patient=P1&_count=25")).body);
  });

  it("filters by code (LOINC or MDC) and date", async () => {
    const from = new Date(T0 + 100_000).toISOString();
    const to = new Date(T0 + 200_000).toISOString();
    const { body } = await get(
      `/fhir/Observation?patient=Patient/P1&code=http://loinc.org|8867-4&date=ge${from}&date=lt${to}&_count=500`,
    );
    expect(body.total).toBe(100);
    expect(
      body.entry?.every(
        (e) => (e.resource.code as { coding: { code: string }[] }).coding[0]?.code === "8867-4",
      ),
    ).toBe(true);
    const mdc = await get("/fhir/Observation?patient=P1&code=urn:iso:std:iso:11073:10101|150456&_count=1");
    expect(mdc.body.total).toBe(N);
    const bp = await get("/fhir/Observation?patient=P1&code=8480-6&_count=1");
    expect(bp.body.total).toBe(N);
    expect(bp.body.entry?.[0]?.resource.id).toMatch(/-bp$/);
  });

  it("reads Observation, Patient and Device, all valid R4 (vital-signs profiles included)", async () => {
    for (const key of ["spo2", "hr", "temp", "rr", "bp"]) {
      const { status, body } = await get(`/fhir/Observation/r5-${key}`);
      expect(status).toBe(200);
      expectValidFhir(body);
    }
    // The bp profile's component slices, which the validator cannot check (see fhir-validator.ts).
    const bp = (await get("/fhir/Observation/r5-bp")).body as unknown as {
      component: {
        code: { coding: { system: string; code: string }[] };
        valueQuantity: Record<string, unknown>;
      }[];
    };
    expect(bp.component.map((c) => [c.code.coding[0], c.valueQuantity])).toEqual([
      [
        { system: "http://loinc.org", code: "8480-6", display: "Systolic blood pressure" },
        { value: 120, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
      ],
      [
        { system: "http://loinc.org", code: "8462-4", display: "Diastolic blood pressure" },
        { value: 80, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
      ],
    ]);
    const obs = (await get("/fhir/Observation/r5-spo2")).body as unknown as Record<string, unknown>;
    expect(obs).toMatchObject({
      status: "final",
      category: [{ coding: [{ code: "vital-signs" }] }],
      code: {
        coding: [
          { system: "http://loinc.org", code: "2708-6" },
          { system: "http://loinc.org", code: "59408-5" },
          { system: "urn:iso:std:iso:11073:10101", code: "150456" },
        ],
      },
      subject: { reference: "Patient/P1" },
      device: { reference: "Device/node-1" },
      effectiveDateTime: new Date(T0 + 5000).toISOString(),
      valueQuantity: { value: 95, unit: "%", system: "http://unitsofmeasure.org", code: "%" },
    });
    const patient = await get("/fhir/Patient/P1");
    expect(patient.status).toBe(200);
    expectValidFhir(patient.body);
    // Ids that are not FHIR ids are hex-encoded, both ways.
    const other = await get("/fhir/Observation?patient=x-6f746865722f70617469656e74");
    expect(other.body.total).toBe(1);
    const device = await get("/fhir/Device/x-6e6f64652032");
    expect(device.status).toBe(200);
    expectValidFhir(device.body);
    const meta = await get("/fhir/metadata");
    expect(meta.status).toBe(200);
    expectValidFhir(meta.body);
  });

  it("answers errors as OperationOutcomes and refuses non-FHIR formats", async () => {
    const missing = await get("/fhir/Observation/r999999-hr");
    expect(missing.status).toBe(404);
    expect(missing.body.resourceType).toBe("OperationOutcome");
    expectValidFhir(missing.body);
    expect((await get("/fhir/Patient/nobody")).status).toBe(404);
    const bad = await get("/fhir/Observation?date=yesterday");
    expect(bad.status).toBe(400);
    expect((await get("/fhir/Observation?colour=red")).status).toBe(400);
    expect((await get("/fhir/metadata", { accept: "application/fhir+xml" })).status).toBe(406);
  });

  it("the validator rejects an Observation with a required element missing", async () => {
    const { body } = await get("/fhir/Observation/r5-hr");
    const { status: _s, ...noStatus } = body as unknown as Record<string, unknown>;
    expect(fhirProblems(noStatus).join("\n")).toMatch(/status/);
    const { subject: _p, ...noSubject } = body as unknown as Record<string, unknown>;
    expect(fhirProblems(noSubject).join("\n")).toMatch(/subject/);
    const { category: _c, ...noCategory } = body as unknown as Record<string, unknown>;
    expect(fhirProblems(noCategory).join("\n")).toMatch(/category/);
  });
});
