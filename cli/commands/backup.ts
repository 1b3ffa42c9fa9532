import type { Command } from "commander";
import { isVitalsError } from "../../core/errors.js";
import { loadConfig } from "../../gateway/config.js";
import { backupDatabase } from "../../gateway/store/database-backup.js";

/** The gateway's data directory: --data-dir, else the config file's (and VITALS_DATA_DIR) as the gateway resolves it. */
export function dataDirOf(o: { dataDir?: string; config?: string }): string {
  return o.dataDir ?? loadConfig({ file: o.config, env: process.env }).dataDir;
}

/** `vitals backup DIR`: a consistent copy of the gateway's database, safe while the gateway runs. */
export function register(program: Command): void {
  program
    .command("backup")
    .description("copy the gateway's SQLite database into DIR (online backup: safe while the gateway runs)")
    .argument("<dir>", "directory for the copy (vitals-<time>.db)")
    .option(
      "--data-dir <dir>",
      "the gateway's data directory (default: from --config / VITALS_DATA_DIR, else ./data)",
    )
    .option("--config <file>", "the gateway's config file, for its dataDir")
    .action(async function (this: Command, dir: string, o: { dataDir?: string; config?: string }) {
      try {
        const r = await backupDatabase(dataDirOf(o), dir, new Date());
        process.stdout.write(`backed up ${r.readings} readings (${r.bytes} bytes) to ${r.file}\n`);
      } catch (e) {
        if (isVitalsError(e)) this.error(`error: ${e.message}`, { exitCode: 2, code: "vitals.backup" });
        throw e;
      }
    });
}
