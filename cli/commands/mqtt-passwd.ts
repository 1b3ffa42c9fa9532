import type { Command } from "commander";
import { hashPassword } from "../../gateway/mqtt/password-hash.js";

/** Reads one line from a terminal without echoing it (raw mode); Ctrl-C aborts. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") {
          stdin.off("data", onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write("\n");
          resolve(text);
          return;
        }
        if (ch === "\u0003") {
          stdin.setRawMode(false);
          process.stderr.write("\n");
          process.exit(130);
        }
        if (ch === "\u007f" || ch === "\b") text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** `vitals mqtt-passwd`: reads a password (hidden prompt on a terminal, else stdin), prints its scrypt hash. */
export function register(program: Command): void {
  program
    .command("mqtt-passwd")
    .description("hash an MQTT node password for the gateway config (prompts without echo, or reads stdin)")
    .action(async () => {
      // The password arrives on a terminal or stdin, not argv, so it stays out of shell history and `ps`.
      let password: string;
      if (process.stdin.isTTY) {
        password = await readHidden("MQTT password: ");
        const again = await readHidden("Again: ");
        if (again !== password) {
          process.stderr.write("vitals: the passwords do not match\n");
          process.exit(2);
        }
      } else {
        let text = "";
        for await (const chunk of process.stdin) text += chunk;
        password = text.replace(/\r?\n$/, "");
      }
      if (password.length < 8) {
        process.stderr.write("vitals: an MQTT password needs at least 8 characters\n");
        process.exit(2);
      }
      process.stdout.write(`${hashPassword(password)}\n`);
    });
}
