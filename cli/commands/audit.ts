import type { Command } from "commander";
import { dataDirHelp, defaultDataDir, isoTime, withAccessDb } from "./access-db.js";
import { intOption } from "./options.js";

/** `vitals audit verify|list`: the hash-chained audit log (docs/security.md). */
export function register(program: Command): void {
  const audit = program.command("audit").description("the hash-chained audit log");
  audit
    .command("verify")
    .description("walk the hash chain; exit 1 and name the first entry that does not match")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (o: { dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        const r = db.audit.verify();
        if (r.ok) {
          process.stdout.write(`audit log intact: ${r.entries} entries, head ${r.head}\n`);
        } else {
          process.stdout.write(
            `audit log BROKEN at entry ${r.brokenAt}: ${r.why} (${r.entries} entries before it verify)\n`,
          );
          process.exitCode = 1;
        }
      });
    });
  audit
    .command("list")
    .description("print the newest entries")
    .option("--limit <n>", "how many", intOption(1, 100_000), 50)
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (o: { limit: number; dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        for (const e of db.audit.page({ limit: o.limit }))
          process.stdout.write(
            `${e.id}\t${isoTime(e.at)}\t${e.actor}\t${e.action}\t${e.target ?? "-"}\t${JSON.stringify(e.detail)}${e.address ? `\t${e.address}` : ""}\n`,
          );
      });
    });
}
