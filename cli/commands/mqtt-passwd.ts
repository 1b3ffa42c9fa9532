import type { Command } from "commander";
import { hashPassword } from "../../gateway/mqtt/password-hash.js";

/** `vitals mqtt-passwd`: reads a password on stdin, prints its scrypt hash for mqtt.nodes[].passwordHash. */
export function register(program: Command): void {
  program
    .command("mqtt-passwd")
    .description("hash an MQTT node password (read from stdin) for the gateway config")
    .action(async () => {
      let text = "";
      for await (const chunk of process.stdin) text += chunk;
      // The password arrives on stdin, not argv, so it stays out of shell history and `ps`.
      const password = text.replace(/\r?\n$/, "");
      if (password.length < 8) {
        process.stderr.write("vitals: an MQTT password needs at least 8 characters\n");
        process.exit(2);
      }
      process.stdout.write(`${hashPassword(password)}\n`);
    });
}
