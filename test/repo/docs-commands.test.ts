import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { registerCommands } from "../../cli/commands/index.js";

/**
 * Every `vitals …` command line shown in README.md and docs/*.md names a real (sub)command and only
 * options it has, and its `--help` works: the docs cannot drift from the CLI.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FILES = [
  "README.md",
  ...readdirSync(`${ROOT}docs`)
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

function program(out: string[]): Command {
  const p = new Command().name("vitals").exitOverride();
  p.configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => out.push(s) });
  registerCommands(p);
  return p;
}

interface Shown {
  file: string;
  line: number;
  text: string;
}

/** A shell line that runs vitals: after an optional prompt, sudo and environment assignments. */
const RUNS_VITALS =
  /^\s*(?:\$\s+)?(?:sudo(?:\s+-\S+(?:\s+[^-\s]\S*)?)*\s+)?(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+|node\s+bin\/vitals\.js\s+)?vitals\s/;

/** Command lines: lines of fenced code blocks, and inline code spans, that run `vitals`. */
function shownCommands(): Shown[] {
  const shown: Shown[] = [];
  for (const file of FILES) {
    let fenced = false;
    readFileSync(`${ROOT}${file}`, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (/^\s*```/.test(line)) {
          fenced = !fenced;
          return;
        }
        if (fenced) {
          if (RUNS_VITALS.test(line)) shown.push({ file, line: i + 1, text: line.replace(/\s#.*$/, "") });
          return;
        }
        for (const m of line.matchAll(/`((?:npx |node bin\/vitals\.js |)vitals [^`]+)`/g))
          shown.push({ file, line: i + 1, text: (m[1] as string).replaceAll("\\|", "|") });
      });
  }
  return shown;
}

/** The (sub)command path and the long options of one shown line; undefined when it runs no subcommand. */
function resolve(p: Command, text: string): { path: string[]; cmd: Command; options: string[] } | undefined {
  const tokens = text.trim().split(/\s+/);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] !== "vitals" && tokens[i] !== "bin/vitals.js") continue;
    const next = tokens[i + 1] ?? "";
    if (!/^[a-z][a-z0-9-]*$/.test(next)) continue; // `sudo -u vitals VAR=…`, `vitals …`
    let cmd = p;
    const path: string[] = [];
    let j = i + 1;
    for (; j < tokens.length; j++) {
      const sub = cmd.commands.find((c) => c.name() === tokens[j]);
      if (!sub) break;
      cmd = sub;
      path.push(tokens[j] as string);
    }
    if (path.length === 0) return { path: [next], cmd: p, options: [] };
    const options = tokens
      .slice(j)
      .flatMap((t) => [...t.matchAll(/(?:^|[[|(])(--[a-z][a-z0-9-]*)/g)].map((m) => m[1] as string));
    return { path, cmd, options };
  }
  return undefined;
}

describe("command lines in the docs", () => {
  const shown = shownCommands();

  it("finds the docs' command lines", () => {
    expect(shown.length).toBeGreaterThan(20);
  });

  it("name real commands and only options those commands have", () => {
    const problems: string[] = [];
    const p = program([]);
    for (const s of shown) {
      const r = resolve(p, s.text);
      if (!r) continue;
      if (r.cmd === p) {
        problems.push(`${s.file}:${s.line}: no command "vitals ${r.path[0]}" (${s.text.trim()})`);
        continue;
      }
      const known = new Set(["--help", ...r.cmd.options.map((o) => o.long).filter((o) => o !== undefined)]);
      for (const o of r.options)
        if (!known.has(o))
          problems.push(`${s.file}:${s.line}: vitals ${r.path.join(" ")} has no option ${o}`);
    }
    expect(problems).toEqual([]);
  });

  it("each command shown prints its --help", async () => {
    const paths = new Set<string>();
    for (const s of shown) {
      const r = resolve(program([]), s.text);
      if (r && r.path.length > 0) paths.add(r.path.join(" "));
    }
    expect(paths.size).toBeGreaterThan(10);
    for (const path of paths) {
      const out: string[] = [];
      const err = await program(out)
        .parseAsync([...path.split(" "), "--help"], { from: "user" })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err instanceof CommanderError && err.code, path).toBe("commander.helpDisplayed");
      expect(out.join(""), path).toContain(`Usage: vitals ${path}`);
    }
  });
});

describe("docs cited by code and docs", () => {
  it("every docs/….md cited in the source, the tests and the docs exists", () => {
    const missing: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(`${ROOT}${dir}`, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? e.name === "node_modules" || e.name === "dist" || e.name === "fixtures"
            ? []
            : walk(`${dir}/${e.name}`)
          : /\.(ts|md|mjs|js)$/.test(e.name)
            ? [`${dir}/${e.name}`]
            : [],
      );
    const sources = [
      "README.md",
      ...["cli", "core", "gateway", "sensors", "test", "docs", "dashboard/src", "bin"].flatMap(walk),
    ];
    const docs = new Set(readdirSync(`${ROOT}docs`));
    for (const file of sources) {
      const text = readFileSync(`${ROOT}${file}`, "utf8");
      for (const m of text.matchAll(/docs\/([a-z0-9-]+\.md)/g))
        if (!docs.has(m[1] as string)) missing.push(`${file} cites docs/${m[1]}`);
    }
    expect([...new Set(missing)]).toEqual([]);
  });
});
