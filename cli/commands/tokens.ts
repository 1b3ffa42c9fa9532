import type { Command } from "commander";
import type { Role } from "../../gateway/auth/roles.js";
import { dataDirHelp, defaultDataDir, isoTime, withAccessDb } from "./access-db.js";
import { roleHelp, roleOption } from "./roles-option.js";

/**
 * `vitals tokens add|list|revoke`. Contract (scripts rely on it): `tokens add` prints the new token
 * and nothing else on stdout, one line.
 */
export function register(program: Command): void {
  const tokens = program.command("tokens").description("API tokens for scripts and integrations (Bearer)");
  tokens
    .command("add")
    .description("create a token; prints it once on stdout (only its SHA-256 is stored)")
    .requiredOption("--role <role>", roleHelp, roleOption)
    .option("--name <name>", "what it is for, e.g. grafana (shown in the audit log as token:<name>)")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (o: { role: Role; name?: string; dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        const { token, view } = db.tokens.add(o.role, o.name, Date.now());
        db.record({
          action: "token.add",
          target: String(view.id),
          detail: { role: view.role, name: view.name },
        });
        process.stdout.write(`${token}\n`);
      });
    });
  tokens
    .command("list")
    .description("list tokens (never the secrets)")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (o: { dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        for (const t of db.tokens.list())
          process.stdout.write(
            `${t.id}\t${t.name ?? "-"}\t${t.role}\tcreated ${isoTime(t.createdAt)}\t${t.revokedAt === null ? "active" : `revoked ${isoTime(t.revokedAt)}`}\n`,
          );
      });
    });
  tokens
    .command("revoke")
    .description("revoke a token by id, or every token of a name; the running gateway refuses it at once")
    .argument("<id-or-name>")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (idOrName: string, o: { dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        for (const t of db.tokens.revoke(idOrName, Date.now())) {
          db.record({ action: "token.revoke", target: String(t.id), detail: { role: t.role, name: t.name } });
          process.stdout.write(`revoked token ${t.id}${t.name ? ` (${t.name})` : ""}\n`);
        }
      });
    });
}
