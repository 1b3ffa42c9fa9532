import type { FhirResource } from "./fhir-resources.js";

/** What the /fhir read API offers (GET /fhir/metadata). */
export function capabilityStatement(opts: {
  baseUrl: string;
  software: string;
  version: string;
  date: string;
}): FhirResource {
  const read = [{ code: "read" }];
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: opts.date,
    publisher: "vitals (research and education toolkit, not a medical device)",
    kind: "instance",
    software: { name: opts.software, version: opts.version },
    implementation: { description: "vitals gateway FHIR read API", url: opts.baseUrl },
    fhirVersion: "4.0.1",
    format: ["application/fhir+json", "json"],
    rest: [
      {
        mode: "server",
        resource: [
          {
            type: "Observation",
            profile: "http://hl7.org/fhir/StructureDefinition/vitalsigns",
            interaction: [...read, { code: "search-type" }],
            searchParam: [
              { name: "patient", type: "reference" },
              { name: "subject", type: "reference" },
              { name: "code", type: "token" },
              { name: "category", type: "token" },
              { name: "date", type: "date" },
            ],
          },
          { type: "Patient", interaction: read },
          { type: "Device", interaction: read },
        ],
      },
    ],
  };
}
