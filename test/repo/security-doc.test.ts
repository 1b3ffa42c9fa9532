import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { limitsSchema } from "../../gateway/config.js";

// docs/security.md's "Per-source limits" table is generated from the config schema (defaults and
// descriptions): declared once, documented from there. UPDATE_DOCS=1 rewrites the table.

const DOC = fileURLToPath(new URL("../../docs/security.md", import.meta.url));
const START =
  "<!-- limits-table:start (generated from gateway/config.ts by test/repo/security-doc.test.ts) -->";
const END = "<!-- limits-table:end -->";

function human(key: string, v: number): string {
  const n = v.toLocaleString("en-US");
  if (!key.endsWith("Ms")) return n;
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1_000, "s"],
  ];
  const [size, unit] = units.find(([u]) => v >= u && v % u === 0) ?? [1, "ms"];
  return `${n} (${v / size} ${unit})`;
}

function limitsTable(): string {
  const defaults = limitsSchema.parse({}) as Record<string, number>;
  const rows = Object.entries(limitsSchema.shape).map(([key, schema]) => {
    const why = (schema as { description?: string }).description;
    if (!why) throw new Error(`limits.${key} has no description in gateway/config.ts`);
    return `| \`limits.${key}\` | ${human(key, defaults[key] as number)} | ${why} |`;
  });
  return ["| setting | default | what it bounds |", "|---|---|---|", ...rows].join("\n");
}

describe("docs/security.md", () => {
  it("lists every per-source limit with its default, as the config schema declares them", () => {
    const doc = readFileSync(DOC, "utf8");
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    expect(from, "table markers in docs/security.md").toBeGreaterThan(-1);
    const current = doc.slice(from + START.length, to).trim();
    const want = limitsTable();
    if (process.env.UPDATE_DOCS && current !== want) {
      writeFileSync(DOC, `${doc.slice(0, from + START.length)}\n${want}\n${doc.slice(to)}`);
      return;
    }
    expect(current, "run UPDATE_DOCS=1 npx vitest run test/repo/security-doc.test.ts").toBe(want);
  });
});
