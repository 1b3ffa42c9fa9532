import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { haveTool } from "../support/require-tool.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));

// A real pseudo-terminal: python3's pty module runs the command on one and types into it.
const TYPE_ON_PTY = `
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def until(what):
    global out
    while what not in out:
        out += os.read(fd, 1024)
for prompt, answer in ((b"password: ", b"s3cret-pass\\r"), (b"Again: ", b"s3cret-pass\\r")):
    until(prompt)
    time.sleep(0.1)
    os.write(fd, answer)
try:
    while True:
        chunk = os.read(fd, 1024)
        if not chunk: break
        out += chunk
except OSError:
    pass
os.waitpid(pid, 0)
sys.stdout.write(out.decode())
`;

describe("vitals mqtt-passwd on a terminal", () => {
  it("prompts twice without echoing the password, and prints the hash", () => {
    if (!haveTool("python3", "python3")) return;
    const r = spawnSync("python3", ["-c", TYPE_ON_PTY, process.execPath, BIN, "mqtt-passwd"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.stdout).toContain("MQTT password: ");
    expect(r.stdout).toContain("Again: ");
    expect(r.stdout).not.toContain("s3cret-pass");
    expect(r.stdout).toMatch(/scrypt\$\d+\$/);
  }, 30_000);
});
