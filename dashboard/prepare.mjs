// npm's prepare step: builds the dashboard where its build tool (a devDependency) is installed. A
// production-only install (`npm ci --omit=dev`, e.g. on a Raspberry Pi) has no vite: a packed release
// ships dashboard/dist already, and a checkout without it serves the API without the dashboard.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
let vite;
try {
  vite = require.resolve("vite/bin/vite.js");
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
