import type { Command } from "commander";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { hashPassword, passwordProblem } from "../../gateway/auth/password.js";
import type { Role } from "../../gateway/auth/roles.js";
import { dataDirHelp, defaultDataDir, isoTime, withAccessDb } from "./access-db.js";
import { readPassword } from "./read-password.js";
import { roleHelp, roleOption } from "./roles-option.js";

async function newPassword(name: string): Promise<string> {
  let password: string;
  try {
    password = await readPassword(`New password for ${name}`);
  } catch (e) {
    throw new VitalsError((e as Error).message, ErrorCodes.CliUsage);
  }
  const problem = passwordProblem(password);
  if (problem) throw new VitalsError(problem, ErrorCodes.CliUsage);
  return hashPassword(password);
}

/**
 * `vitals users add|passwd|role|disable|enable|list`: staff accounts. Passwords come from stdin or a
 * no-echo prompt, never from argv.
 */
export function register(program: Command): void {
  const users = program.command("users").description("staff accounts for the dashboard and API");
  const dataDir = (c: Command) => c.option("--data-dir <dir>", dataDirHelp, defaultDataDir());
  dataDir(
    users
      .command("add")
      .description("add a user; the password is read from stdin, or asked for (no echo) on a terminal")
      .argument("<name>")
      .requiredOption("--role <role>", roleHelp, roleOption),
  ).action(async (name: string, o: { role: Role; dataDir: string }) => {
    await withAccessDb(o.dataDir, async (db) => {
      if (db.users.byName(name)) throw new VitalsError(`user ${name} already exists`, ErrorCodes.CliUsage);
      const hash = await newPassword(name);
      const u = db.users.add(name, o.role, hash, Date.now());
      db.record({ action: "user.add", target: u.name, detail: { role: u.role } });
      process.stderr.write(`added ${u.name} (${u.role})\n`);
    });
  });
  dataDir(
    users.command("passwd").description("set a user's password (ends their sessions)").argument("<name>"),
  ).action(async (name: string, o: { dataDir: string }) => {
    await withAccessDb(o.dataDir, async (db) => {
      if (!db.users.byName(name)) throw new VitalsError(`no user ${name}`, ErrorCodes.CliUsage);
      db.users.setPassword(name, await newPassword(name), Date.now());
      db.record({ action: "user.passwd", target: name });
      process.stderr.write(`password of ${name} changed; their sessions are ended\n`);
    });
  });
  dataDir(
    users
      .command("role")
      .description("change a user's role (applies to their next request)")
      .argument("<name>")
      .argument("<role>", roleHelp, roleOption),
  ).action(async (name: string, role: Role, o: { dataDir: string }) => {
    await withAccessDb(o.dataDir, (db) => {
      const before = db.users.byName(name)?.role;
      db.users.setRole(name, role, Date.now());
      db.record({ action: "user.role", target: name, detail: { from: before, to: role } });
      process.stderr.write(`${name} is now ${role}\n`);
    });
  });
  for (const disabled of [true, false]) {
    dataDir(
      users
        .command(disabled ? "disable" : "enable")
        .description(disabled ? "disable a user (ends their sessions at once)" : "enable a disabled user")
        .argument("<name>"),
    ).action(async (name: string, o: { dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        db.users.setDisabled(name, disabled, Date.now());
        db.record({ action: disabled ? "user.disable" : "user.enable", target: name });
        process.stderr.write(`${name} ${disabled ? "disabled" : "enabled"}\n`);
      });
    });
  }
  dataDir(users.command("list").description("list users")).action(async (o: { dataDir: string }) => {
    await withAccessDb(o.dataDir, (db) => {
      for (const u of db.users.list())
        process.stdout.write(
          `${u.name}\t${u.role}\t${u.disabled ? "disabled" : "enabled"}\tcreated ${isoTime(u.createdAt)}\n`,
        );
    });
  });
}
