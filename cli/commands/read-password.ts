/**
 * Reads a password without it ever being on the command line (shell history, `ps`): from a TTY with
 * echo off (asked twice), or the first line of stdin when it is a pipe or file.
 */
export async function readPassword(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = "";
    for await (const chunk of stdin) text += chunk;
    return (text.split(/\r?\n/)[0] ?? "").replace(/\r$/, "");
  }
  const first = await promptNoEcho(`${prompt}: `);
  const again = await promptNoEcho("Again: ");
  if (first !== again) throw new PasswordMismatch();
  return first;
}

export class PasswordMismatch extends Error {
  constructor() {
    super("the two passwords differ");
  }
}

function promptNoEcho(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  let typed = "";
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(typed);
    };
    const onData = (s: string) => {
      for (const ch of s) {
        if (ch === "\r" || ch === "\n" || ch === "\u0004") return done();
        if (ch === "\u0003") return done(new Error("interrupted"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else if (ch >= " ") typed += ch;
      }
    };
    stdin.on("data", onData);
  });
}
