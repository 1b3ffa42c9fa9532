import {
  ACM_FACETS,
  BP_PANEL,
  MDC_EVT_ALARM,
  MDC_EVT_BATT_LO,
  MDC_EVT_HI,
  MDC_EVT_LO,
  NIBP_MEAN,
  VITAL_CODES,
} from "./vital-codes.js";

/** The code tables of docs/integration.md, rendered from the code table (a test compares them). */
export function codeTableMarkdown(): string {
  const rows = VITAL_CODES.map(
    (c) =>
      `| \`${c.parameter}\` | ${c.label} | ${c.mdc.code} \`${c.mdc.refId}\` | ${c.mdcUnit.code} \`${c.mdcUnit.refId}\` | ` +
      `1.${c.containment.join(".")} | ${c.loinc.map((l) => l.code).join(", ")}${c.bpComponent ? ` (component of ${BP_PANEL.loinc.code})` : ""} | \`${c.ucum.code}\` | ${c.fhirProfile.split("/").pop()} |`,
  );
  const alarms = [MDC_EVT_HI, MDC_EVT_LO, MDC_EVT_BATT_LO, MDC_EVT_ALARM, ...Object.values(ACM_FACETS)].map(
    (t) => `| ${t.code} | \`${t.refId}\` |`,
  );
  return [
    "| parameter | what | MDC (OBX-3) | MDC unit (OBX-6) | OBX-4 | LOINC (FHIR code) | UCUM | FHIR R4 profile |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    `| (panel) | ${BP_PANEL.label} | ${BP_PANEL.mdc.code} \`${BP_PANEL.mdc.refId}\` | | | ${BP_PANEL.loinc.code} | | bp |`,
    `| (not sent) | NIBP mean | ${NIBP_MEAN.code} \`${NIBP_MEAN.refId}\` | | | | | |`,
    "",
    "| PCD-04 code | reference id |",
    "|---|---|",
    ...alarms,
  ].join("\n");
}
