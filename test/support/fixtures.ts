import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The shared real recordings (read-only, beside the repository as ../shared/fixtures; see
 * PROVENANCE.md there for sources and licences). VITALS_FIXTURES overrides the location.
 */
export const FIXTURES_DIR =
  process.env.VITALS_FIXTURES ?? fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

export function fixturePath(name: string): string {
  const path = join(FIXTURES_DIR, name);
  if (!existsSync(path)) {
    throw new Error(`fixture ${name} is missing from ${FIXTURES_DIR} (set VITALS_FIXTURES to its folder)`);
  }
  return path;
}
