import type { Command } from "commander";
import { hashPassword } from "../../gateway/mqtt/password-hash.js";
import { PasswordMismatch, readPassword } from "./read-password.js";

/** `vitals mqtt-passwd`: reads a password (hidden prompt on a terminal, else stdin), prints its scrypt hash. */
export function register(program: Command): void {
  program
    .command("mqtt-passwd")
    .description("hash an MQTT node password for the gateway config (prompts without echo, or reads stdin)")
    .action(async () => {
      // The password arrives on a terminal or stdin, not argv, so it stays out of shell history and `ps`.
      let password: string;
      try {
        password = await readPassword("MQTT password");
      } catch (e) {
        if (!(e instanceof PasswordMismatch)) throw e;
        process.stderr.write("vitals: the passwords do not match\n");
        process.exit(2);
      }
      if (password.length < 8) {
        process.stderr.write("vitals: an MQTT password needs at least 8 characters\n");
        process.exit(2);
      }
      process.stdout.write(`${hashPassword(password)}\n`);
    });
}
