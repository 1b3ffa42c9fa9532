import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { generateFixtures } from "../fixtures/generate.js";
import { EXTERNAL_CAPTURES, FIXTURES_DIR } from "../support/fixtures.js";

/** test/fixtures/PROVENANCE.md is the record of what is here; these checks keep it true. */
const provenance = readFileSync(join(FIXTURES_DIR, "PROVENANCE.md"), "utf8");
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Each `### \`name\`` section with its "- Size: N bytes" and "- SHA-256: `…`" lines. */
function documented(): Map<string, { size: number; sha256: string }> {
  const files = new Map<string, { size: number; sha256: string }>();
  for (const section of provenance.split(/^### /m).slice(1)) {
    const name = /^`([^`]+)`/.exec(section)?.[1];
    const size = /^- Size: (\d+) bytes$/m.exec(section)?.[1];
    const sum = /^- SHA-256: `([0-9a-f]{64})`$/m.exec(section)?.[1];
    if (!name || !size || !sum)
      throw new Error(`PROVENANCE.md section without name, size or SHA-256: ${section}`);
    files.set(name, { size: Number(size), sha256: sum });
  }
  return files;
}

/** Data files in test/fixtures (the generator and this record are not fixtures). */
function present(dir = FIXTURES_DIR): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return present(path);
    const name = relative(FIXTURES_DIR, path).split("\\").join("/");
    return name === "PROVENANCE.md" || name === "generate.ts" ? [] : [name];
  });
}

describe("test/fixtures matches its PROVENANCE.md", () => {
  it("lists every file here, and every listed file is here with its size and SHA-256", () => {
    const listed = documented();
    expect([...listed.keys()].sort()).toEqual(present().sort());
    for (const [name, want] of listed) {
      const bytes = readFileSync(join(FIXTURES_DIR, name));
      expect({ name, size: bytes.length, sha256: sha256(bytes) }).toEqual({ name, ...want });
    }
  });

  it("generate.ts reproduces the generated files byte for byte", () => {
    const generated = generateFixtures();
    expect([...generated.keys()].sort()).toEqual(
      present()
        .filter((n) => n.startsWith("generated/"))
        .sort(),
    );
    for (const [name, bytes] of generated) {
      expect(readFileSync(join(FIXTURES_DIR, name)).equals(bytes), `${name} differs from generate.ts`).toBe(
        true,
      );
    }
  });

  it("holds none of the unlicensed captures, under any name; their checksums match the record", () => {
    const here = new Set(present().map((n) => sha256(readFileSync(join(FIXTURES_DIR, n)))));
    for (const [name, sum] of Object.entries(EXTERNAL_CAPTURES)) {
      expect(here.has(sum), name).toBe(false);
      expect(provenance).toContain(`| \`${name}\` |`);
      expect(provenance).toContain(`\`${sum}\``);
    }
  });
});
