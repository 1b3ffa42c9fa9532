import type { StayTimelineEntry, StayView } from "../../core/api-types.js";

const CSV_COLUMNS = [
  "time",
  "at",
  "bed",
  "type",
  "text",
  "user",
  "hr",
  "spo2",
  "temp",
  "rr",
  "sbp",
  "status",
] as const;

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The stay's timeline as CSV (RFC 4180), one row per entry, times in UTC ISO 8601 and epoch ms. */
export function stayCsv(stay: StayView, entries: readonly StayTimelineEntry[]): string {
  const lines = [
    `# stay ${stay.id}, patient ${stay.patient_id}${stay.mrn ? `, MRN ${stay.mrn}` : ""}`,
    CSV_COLUMNS.join(","),
  ];
  for (const e of entries) {
    const d = e.type === "reading" ? e.data : {};
    lines.push(
      [
        new Date(e.at).toISOString(),
        e.at,
        e.bed,
        e.type,
        e.text,
        e.user,
        d.hr,
        d.spo2,
        d.temp,
        d.rr,
        d.sbp,
        d.status,
      ]
        .map(csvCell)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

const html = (s: unknown): string => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A printable page of the stay: who, where and when, then the timeline (readings at most one a minute). */
export function stayPrintPage(
  stay: StayView,
  entries: readonly StayTimelineEntry[],
  truncated: number,
): string {
  const when = (t: number | null) =>
    t === null ? "—" : new Date(t).toISOString().replace("T", " ").slice(0, 19);
  let lastMinute = Number.NaN;
  const rows: string[] = [];
  let skipped = 0;
  for (const e of entries) {
    if (e.type === "reading") {
      const minute = Math.floor(e.at / 60_000);
      if (minute === lastMinute) {
        skipped++;
        continue;
      }
      lastMinute = minute;
    }
    rows.push(
      `<tr class="${html(e.type)}"><td>${html(when(e.at))}</td><td>${html(e.bed)}</td><td>${html(e.type)}</td><td>${html(e.text)}</td></tr>`,
    );
  }
  const beds = stay.beds
    .map((b) => `${html(b.bed)} (${html(when(b.from))} – ${html(when(b.to))})`)
    .join(", ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stay ${stay.id} — ${html(stay.patient_id)}</title>
<style>
body{font:12px/1.4 system-ui,sans-serif;margin:1.5cm;color:#000}
h1{font-size:18px;margin:0 0 .3em}dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em 1em;margin:0 0 1em}
dt{font-weight:600}table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ccc;padding:2px 4px;text-align:left;vertical-align:top}
tr.alarm td{font-weight:600}tr.stay td{background:#eee}thead{display:table-header-group}
@media print{body{margin:0}.no-print{display:none}}
</style></head><body>
<h1>Stay ${stay.id} — patient ${html(stay.patient_id)}</h1>
<dl>
<dt>Name</dt><dd>${html(stay.name ?? "—")}</dd><dt>MRN</dt><dd>${html(stay.mrn ?? "—")}</dd>
<dt>Date of birth</dt><dd>${html(stay.dob ?? "—")}</dd><dt>Alarm profile</dt><dd>${html(stay.profile ?? "ward default")}</dd>
<dt>Admitted</dt><dd>${html(when(stay.admitted_at))} by ${html(stay.admitted_by)}</dd>
<dt>Discharged</dt><dd>${stay.discharged_at === null ? "—" : `${html(when(stay.discharged_at))} by ${html(stay.discharged_by)}`}</dd>
<dt>State</dt><dd>${html(stay.state)}</dd><dt>Beds</dt><dd>${beds}</dd>
</dl>
<p class="no-print"><button onclick="print()">Print</button> · times in UTC · readings shown at most one a minute${
    skipped + truncated ? ` (${skipped + truncated} more in the CSV export)` : ""
  }</p>
<table><thead><tr><th>Time (UTC)</th><th>Bed</th><th>Type</th><th>What</th></tr></thead><tbody>
${rows.join("\n")}
</tbody></table>
<p>Research and education toolkit — not a certified medical device.</p>
</body></html>
`;
}
