import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The repository must stand on its own: no source file, test, script or doc may name a path on one
 * particular machine, or the folder beside the checkout, because a clone anywhere else would not have it.
 *
 * Flagged:
 * - a relative climb out of the repository to a sibling "shared" folder (dot-dot-slash then "shared");
 * - absolute paths under the top-level folders that only exist on some developer's or CI machine
 *   (work, home, root, Users, mnt, media; Users on a Windows drive). The folder must start the path: at
 *   the start of a line or after a character that cannot be part of a word, host name or file name, so
 *   URLs such as https://host/home/… and words such as "network/work" do not count.
 * Not flagged, on purpose: the product's own paths on a target machine, which exist by convention
 * wherever it runs — device nodes (/dev/ttyUSB0, /dev/serial/by-id/…), installed programs
 * (/usr/bin/chromium, /usr/sbin/mosquitto, /opt/vitals), configuration and state (/etc/vitals,
 * /var/lib/vitals), /proc and /sys, and /tmp in examples; tests make their scratch folders with mkdtemp.
 */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const SCANNED_EXTENSIONS = new Set([
  ".ts",
  ".js",
  ".mjs",
  ".cjs",
  ".md",
  ".json",
  ".sh",
  ".c",
  ".cpp",
  ".h",
  ".html",
  ".css",
  ".yml",
  ".yaml",
]);
/** Generated or third-party text that names paths of the machine that produced it. */
const NOT_SCANNED = new Set(["package-lock.json"]);
/** Never tracked; skipped by the directory walk (the same list as .gitignore's build output). */
const UNTRACKED_DIRS = new Set([
  ".git",
  "node_modules",
  "dist",
  "data",
  "build",
  "test-results",
  ".vitals-data",
]);

const RULES: { why: string; pattern: RegExp }[] = [
  { why: "climbs out of the repository to a sibling shared folder", pattern: /\.\.[/\\]shared\b/ },
  {
    why: "absolute path on a particular machine",
    pattern: /(?<![\w.~:@$-])\/(?:work|home|root|Users|mnt|media)(?=[/"'`\s)\]]|$)/,
  },
  { why: "absolute path on a particular Windows machine", pattern: /\b[A-Za-z]:[\\/]+Users[\\/]/ },
];

function trackedFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" });
    return out.split("\0").filter((f) => f !== "");
  } catch {
    return walk(ROOT); // no git (a tarball, a container without it): every file but build output
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (UNTRACKED_DIRS.has(entry)) return [];
    const path = join(dir, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? walk(path) : [relative(ROOT, path).split("\\").join("/")];
  });
}

/** Source, test, doc and script files: by extension, plus Makefiles and extensionless scripts with a shebang. */
function scanned(file: string): boolean {
  if (NOT_SCANNED.has(basename(file)) || file.split("/").includes("node_modules")) return false;
  if (SCANNED_EXTENSIONS.has(extname(file))) return true;
  if (basename(file) === "Makefile") return true;
  if (extname(file) !== "") return false;
  const head = readFileSync(join(ROOT, file), { encoding: "latin1", flag: "r" }).slice(0, 2);
  return head === "#!";
}

function violations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split("\n").forEach((line, i) => {
    for (const { why, pattern } of RULES)
      if (pattern.test(line)) found.push(`${file}:${i + 1}: ${why}: ${line.trim().slice(0, 120)}`);
  });
  return found;
}

describe("no tracked file names a path outside the repository", () => {
  it("the rules catch what they are meant to and spare product paths", () => {
    // The bad examples are split so that this file, which is scanned too, does not contain them.
    const bad = [
      `const F = "${".."}/shared/fixtures/x.csv";`,
      `see ${"/wo"}rk/shared/fixtures/PROVENANCE.md`,
      `readFileSync("${"/ho"}me/dev/x")`,
      `cd ${"/ro"}ot/vitals`,
      `file://${"/Us"}ers/me/vitals`,
      `C:${"\\"}Users\\me\\vitals`,
      `open('${"/mn"}t/data/x')`,
    ];
    for (const line of bad) expect(violations("x.ts", line), line).not.toEqual([]);
    const fine = [
      "/dev/ttyUSB0 /dev/serial/by-id/usb-Silicon_Labs",
      'executablePath: "/usr/bin/chromium"',
      '"dataDir": "/var/lib/vitals", "/etc/vitals/icu.json"',
      "ExecStart=/usr/bin/node /opt/vitals/bin/vitals.js",
      // Split like the samples above, so this file itself names no such path.
      `https://github.com/acme/${"home"}/blob/main/${"work"}/x.md`,
      `src/network/${"work"}/queue.ts and ${".."}/${".."}/sensors/ppg/spo2.js`,
      "socat pty,link=/tmp/oximeter-device",
      "/workspace is not /work-ish either",
    ];
    for (const line of fine) expect(violations("x.ts", line), line).toEqual([]);
  });

  it("no source file, test, script or doc does", () => {
    const files = trackedFiles().filter(scanned);
    expect(files.length).toBeGreaterThan(100); // the listing worked
    const found = files.flatMap((f) => violations(f, readFileSync(join(ROOT, f), "utf8")));
    expect(found).toEqual([]);
  });
});
