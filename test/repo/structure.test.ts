import { isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type DependencyTree, parseCircular, parseDependencyTree } from "dpdm";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Keeps the folders' one-way data flow (docs: HOUSE_STYLE "Shape of the code"): the shared kernel
 * core/ depends on nothing of ours; sensors/ (the bedside) never on the gateway; dashboard/ only on
 * core/. Imports are read by dpdm with the TypeScript parser, type-only imports included, and
 * tests in those folders count like any other file there.
 */
const REPO = fileURLToPath(new URL("../..", import.meta.url));
const PRODUCT = ["core", "gateway", "sensors", "cli", "dashboard"] as const;
type Area = (typeof PRODUCT)[number];

/**
 * Import edges allowed to close a cycle for now. Each must say why and be removed with its cause.
 * None today: nothing imports the composition root (gateway/gateway.ts) back.
 */
const KNOWN_CYCLE_EDGES: readonly (readonly [from: string, to: string])[] = [];

/** One resolved import: `to` is a repository path, `node:…` for a builtin, or undefined when unresolved. */
interface Edge {
  from: string;
  request: string;
  to: string | undefined;
}

const areaOf = (path: string): Area | undefined => PRODUCT.find((a) => path.startsWith(`${a}/`));
/** Files that run in Node, not the browser: tests, and the dashboard's build config. */
const runsInNode = (path: string) => /\.test\.ts$/.test(path) || path === "dashboard/vite.config.ts";
const isPackage = (to: string) => to.startsWith("node_modules/");
const isBuiltin = (to: string) => to.startsWith("node:");

/** The tree with repository-relative paths (dpdm gives absolute ones; builtins stay `node:…`). */
function relativeTree(tree: DependencyTree): DependencyTree {
  const rel = (p: string) => (isAbsolute(p) ? relative(REPO, p) : p);
  const out: DependencyTree = {};
  for (const [file, deps] of Object.entries(tree)) {
    out[rel(file)] =
      deps === null
        ? null
        : deps.map((d) => ({ ...d, issuer: rel(file), id: d.id === null ? null : rel(d.id) }));
  }
  return out;
}

/**
 * Every product file a product file depends on, directly or through test support outside the
 * product folders (a sensors test importing test/harness/gateway.ts depends on the gateway too).
 */
function productImports(tree: DependencyTree): Edge[] {
  const edges: Edge[] = [];
  for (const [from, deps] of Object.entries(tree)) {
    if (!areaOf(from) || !deps) continue;
    const seen = new Set<string>();
    const walk = (request: string, to: string | undefined) => {
      if (to === undefined || areaOf(to) || isBuiltin(to) || isPackage(to)) {
        edges.push({ from, request, to });
        return;
      }
      if (seen.has(to)) return;
      seen.add(to);
      for (const d of tree[to] ?? []) walk(`${request} → ${d.request}`, d.id ?? undefined);
    };
    for (const d of deps) walk(d.request, d.id ?? undefined);
  }
  return edges;
}

/** What each rule forbids, as "from imports request (to)" lines; empty when the rule holds. */
function violations(edges: readonly Edge[]): Record<"sensors" | "dashboard" | "core", string[]> {
  const line = (e: Edge) => `${e.from} imports ${e.request} (${e.to ?? "unresolved"})`;
  const target = (e: Edge) => (e.to === undefined ? undefined : areaOf(e.to));
  return {
    sensors: edges.filter((e) => areaOf(e.from) === "sensors" && target(e) === "gateway").map(line),
    dashboard: edges
      .filter((e) => areaOf(e.from) === "dashboard")
      .filter((e) => {
        if (e.to === undefined) return true;
        if (isPackage(e.to)) return false;
        if (isBuiltin(e.to)) return !runsInNode(e.from);
        const a = areaOf(e.to);
        return a !== "dashboard" && a !== "core";
      })
      .map(line),
    core: edges
      .filter((e) => areaOf(e.from) === "core")
      .filter((e) => {
        const a = target(e);
        return e.to === undefined || (a !== undefined && a !== "core");
      })
      .map(line),
  };
}

/** Import cycles among the product files, the known edges left out so nothing hides behind them. */
function cycles(tree: DependencyTree, known = KNOWN_CYCLE_EDGES): string[] {
  const esc = (p: string) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const product: DependencyTree = {};
  for (const [file, deps] of Object.entries(tree)) if (areaOf(file)) product[file] = deps;
  return parseCircular(
    product,
    false,
    known.map(([from, to]) => [esc(from), esc(to)] as const),
  ).map((c) => [...c, c[0]].join(" → "));
}

describe("repository structure", () => {
  let tree: DependencyTree;
  let edges: Edge[];
  beforeAll(async () => {
    tree = relativeTree(
      await parseDependencyTree(
        PRODUCT.map((a) => `${a}/**/*.ts`),
        { cwd: REPO, context: REPO, transform: false, skipDynamicImports: false },
      ),
    );
    edges = productImports(tree);
  });

  it("reads the product tree: hundreds of files, every relative import resolved", () => {
    const files = Object.keys(tree).filter((f) => areaOf(f));
    expect(files.length).toBeGreaterThan(200);
    for (const a of PRODUCT) expect(files.some((f) => areaOf(f) === a)).toBe(true);
    expect(edges.filter((e) => e.to === undefined).map((e) => `${e.from}: ${e.request}`)).toEqual([]);
  });

  it("sensors/ imports nothing from gateway/, type-only imports and tests included", () => {
    expect(violations(edges).sensors).toEqual([]);
  });

  it("dashboard/ imports only core/, its own files, npm packages and (tests, build config) node builtins", () => {
    expect(violations(edges).dashboard).toEqual([]);
  });

  it("core/ imports nothing from gateway/, sensors/, dashboard/ or cli/", () => {
    expect(violations(edges).core).toEqual([]);
  });

  it("has no import cycle in core, gateway, sensors, cli and dashboard, type-only imports included", () => {
    expect(cycles(tree)).toEqual([]);
  });

  it("the rules catch what they forbid (checked on a made-up tree)", () => {
    const dep = (issuer: string, id: string | null, request = id ?? "x") => ({
      issuer,
      request,
      id,
      kind: "StaticImport" as never,
    });
    const fake: DependencyTree = {
      "sensors/a.test.ts": [dep("sensors/a.test.ts", "test/harness/h.ts")],
      "test/harness/h.ts": [dep("test/harness/h.ts", "gateway/g.ts")],
      "gateway/g.ts": [dep("gateway/g.ts", "gateway/h.ts")],
      "gateway/h.ts": [dep("gateway/h.ts", "gateway/g.ts")],
      "dashboard/d.ts": [dep("dashboard/d.ts", "node:fs"), dep("dashboard/d.ts", "sensors/s.ts")],
      "dashboard/d.test.ts": [dep("dashboard/d.test.ts", "node:fs"), dep("dashboard/d.test.ts", "core/c.ts")],
      "core/c.ts": [dep("core/c.ts", "cli/x.ts"), dep("core/c.ts", "node_modules/zod/index.js", "zod")],
      "sensors/s.ts": [],
      "cli/x.ts": [],
    };
    const v = violations(productImports(fake));
    expect(v.sensors).toEqual(["sensors/a.test.ts imports test/harness/h.ts → gateway/g.ts (gateway/g.ts)"]);
    expect(v.dashboard).toEqual([
      "dashboard/d.ts imports node:fs (node:fs)",
      "dashboard/d.ts imports sensors/s.ts (sensors/s.ts)",
    ]);
    expect(v.core).toEqual(["core/c.ts imports cli/x.ts (cli/x.ts)"]);
    expect(cycles(fake, [])).toEqual(["gateway/g.ts → gateway/h.ts → gateway/g.ts"]);
    expect(cycles(fake, [["gateway/h.ts", "gateway/g.ts"]])).toEqual([]);
  });
});
