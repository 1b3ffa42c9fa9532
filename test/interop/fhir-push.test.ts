import { afterEach, describe, expect, it } from "vitest";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { type FhirStandIn, startFhirStandIn } from "../support/fhir/fhir-server-stand-in.js";
import { vitals } from "../support/frames.js";

let gw: TestGateway | undefined;
let server: FhirStandIn | undefined;
afterEach(async () => {
  await gw?.stop();
  await server?.close();
});

type Status = {
  channels: Record<string, { pending: number; delivered: number; dead: number }>;
  dead_letters: { last_error: string; response: string; kind: string }[];
};

describe("FHIR push", () => {
  it("POSTs valid transaction Bundles with a bearer token from the environment; 5xx is retried", async () => {
    server = await startFhirStandIn({ bearer: "s3cret-token" });
    server.failNext(503, 2);
    gw = await startTestGateway({
      env: { VITALS_FHIR_TOKEN: "s3cret-token" },
      config: {
        fhir: {
          push: {
            baseUrl: server.url,
            auth: { bearer: { env: "VITALS_FHIR_TOKEN" } },
            retry: { baseDelayMs: 20, maxDelayMs: 50 },
          },
        },
      },
    });
    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "B1", patient: "P1" });
    for (let i = 1; i <= 5; i++) node.send(vitals(i, { rr: 14, sbp: 118, dbp: 76 }));
    await node.waitAck(5);
    await expect
      .poll(
        () =>
          [...(server as FhirStandIn).resources.keys()].filter((k) => k.startsWith("Observation/")).length,
        {
          timeout: 10_000,
        },
      )
      .toBe(25);
    expect(server.rejected).toEqual([]);
    expect(server.resources.get("Patient/P1")).toMatchObject({
      resourceType: "Patient",
      identifier: [{ value: "P1" }],
    });
    expect(server.resources.get("Device/n1")).toMatchObject({ resourceType: "Device" });
    const status = (await (await fetch(`${gw.url}/api/interop`)).json()) as Status;
    expect(Object.values(status.channels)[0]?.dead).toBe(0);
  });

  it("a 4xx answer dead-letters the Bundle with the server's OperationOutcome kept", async () => {
    server = await startFhirStandIn({ bearer: "right" });
    gw = await startTestGateway({
      env: { VITALS_FHIR_TOKEN: "wrong" },
      config: { fhir: { push: { baseUrl: server.url, auth: { bearer: { env: "VITALS_FHIR_TOKEN" } } } } },
    });
    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "B1", patient: "P1" });
    node.send(vitals(1));
    await node.waitAck(1);
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${(gw as TestGateway).url}/api/interop`)).json()) as Status).dead_letters
            .length,
      )
      .toBe(1);
    const status = (await (await fetch(`${gw.url}/api/interop`)).json()) as Status;
    expect(status.dead_letters[0]).toMatchObject({ kind: "Bundle" });
    expect(status.dead_letters[0]?.last_error).toBe("HTTP 401: login bearer token required");
    expect(JSON.parse(status.dead_letters[0]?.response as string)).toMatchObject({
      resourceType: "OperationOutcome",
    });
    // The token never appears in what is stored.
    expect(JSON.stringify(status)).not.toContain("wrong");
  });
});
