import { z } from "zod";
import { gatewayConfigSchema } from "./config.js";

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  [k: string]: unknown;
};

/** The config file's JSON Schema, generated from the zod schema (published as docs/config.schema.json). */
export function configJsonSchema(): JsonSchema {
  return {
    ...(z.toJSONSchema(gatewayConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchema),
    title: "vitals gateway configuration",
    description: "Generated from gateway/config.ts by `vitals config schema`; do not edit by hand.",
  };
}

export interface ConfigProblem {
  /** Dotted path, "(root)" for the top level. */
  path: string;
  message: string;
  /** For an unknown key: the known key it most likely means. */
  didYouMean?: string;
}

/** The JSON Schema node at a path (through objects, arrays and unions), for the keys allowed there. */
function nodeAt(schema: JsonSchema, path: readonly PropertyKey[]): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const key of path) {
    if (!node) return undefined;
    const options: JsonSchema[] = [node, ...(node.anyOf ?? [])];
    node =
      typeof key === "number"
        ? options.find((o) => o.items)?.items
        : options.find((o) => o.properties?.[String(key)])?.properties?.[String(key)];
  }
  return node;
}

function knownKeys(node: JsonSchema | undefined): string[] {
  if (!node) return [];
  return [node, ...(node.anyOf ?? [])].flatMap((o) => Object.keys(o.properties ?? {}));
}

function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/** The known key closest to `key`, if it is close enough to be a typo (case, a letter or two). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Every problem of a config object (as read from the file), each with its path; [] when it is valid. */
export function checkConfig(input: unknown): ConfigProblem[] {
  const r = gatewayConfigSchema.safeParse(input);
  if (r.success) return [];
  const schema = configJsonSchema();
  const problems: ConfigProblem[] = [];
  for (const issue of r.error.issues) {
    const at = issue.path.map(String).join(".") || "(root)";
    if (issue.code === "unrecognized_keys") {
      const known = knownKeys(nodeAt(schema, issue.path));
      for (const key of issue.keys) {
        const suggestion = closestKey(key, known);
        problems.push({
          path: [...issue.path.map(String), key].join("."),
          message: "unknown key",
          ...(suggestion ? { didYouMean: suggestion } : {}),
        });
      }
    } else problems.push({ path: at, message: issue.message });
  }
  return problems;
}

const SECRET = /(token|password|secret|apikey|api_key|credential|passwordhash|authorization|privatekey)$/i;

/** A copy of the effective config with every secret-looking value replaced, for printing. */
export function redactConfig(value: unknown, key = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => redactConfig(v, key));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactConfig(v, k)]));
  if (SECRET.test(key) && value !== undefined && value !== null && value !== "") return "[redacted]";
  // URLs may carry user:password@.
  if (typeof value === "string") return value.replace(/\/\/([^/@:]+):([^/@]+)@/, "//$1:[redacted]@");
  return value;
}
