import type { Command } from "commander";
import { isVitalsError } from "../../core/errors.js";
import { restoreDatabase } from "../../gateway/store/database-backup.js";
import { dataDirOf } from "./backup.js";

/** `vitals restore FILE`: puts a backup back as the gateway's database (stop the gateway first). */
export function register(program: Command): void {
  program
    .command("restore")
    .description(
      "replace the gateway's database by a backup made with vitals backup (stop the gateway first)",
    )
    .argument("<file>", "a vitals-<time>.db from vitals backup")
    .option(
      "--data-dir <dir>",
      "the gateway's data directory (default: from --config / VITALS_DATA_DIR, else ./data)",
    )
    .option("--config <file>", "the gateway's config file, for its dataDir")
    .action(async function (this: Command, file: string, o: { dataDir?: string; config?: string }) {
      try {
        const r = await restoreDatabase(file, dataDirOf(o));
        process.stdout.write(`restored ${r.readings} readings into ${r.file}\n`);
      } catch (e) {
        if (isVitalsError(e)) this.error(`error: ${e.message}`, { exitCode: 2, code: "vitals.restore" });
        throw e;
      }
    });
}
