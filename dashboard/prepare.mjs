// npm's prepare step: builds the dashboard where its build tool (a devDependency) is installed. A
// production-only install (`npm ci --omit=dev`, e.g. on a Raspberry Pi) has no vite: a packed release
// ships dashboard/dist already, and a checkout without it serves the API without the dashboard.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
let vite;
try {
  // vite's "exports" do not list bin/vite.js (ERR_PACKAGE_PATH_NOT_EXPORTED): find it from package.json.
  vite = fileURLToPath(new URL("bin/vite.js", pathToFileURL(require.resolve("vite/package.json"))));
} catch {
  const built = existsSync(new URL("./dist/index.html", import.meta.url));
  console.warn(
    built
      ? "vitals: vite is not installed (production install); using the dashboard already built in dashboard/dist"
      : "vitals: vite is not installed (production install) and dashboard/dist is missing: the gateway will serve " +
          "the API without the dashboard. Install from a packed release (npm pack), or run `npm ci` with dev dependencies.",
  );
  process.exit(0);
}
const r = spawnSync(
  process.execPath,
  [vite, "build", "--config", "dashboard/vite.config.ts", "--logLevel", "warn"],
  { stdio: "inherit" },
);
process.exit(r.status ?? 1);
