import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { watchChild } from "../support/child-output.js";
import { waitFor } from "../support/wait-for.js";

export interface MosquittoUser {
  username: string;
  password: string;
  /** ACL lines for this user, e.g. "topic readwrite vitals/icu/#". */
  acl: string[];
}

export interface Mosquitto {
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
  output(): string;
}

/** A free loopback port (bound then released; good enough on a machine we do not race on). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, child: ChildProcess, out: () => string): Promise<void> {
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited (${child.exitCode}):\n${out()}`);
      return new Promise<boolean>((resolve) => {
        const s = connect(port, "127.0.0.1");
        s.once("connect", () => {
          s.destroy();
          resolve(true);
        });
        s.once("error", () => resolve(false));
      });
    },
    () => `mosquitto to listen on ${port}:\n${out()}`,
    10_000,
  );
}

/**
 * Starts Debian's /usr/sbin/mosquitto on a free loopback port with a temporary config: password
 * file and per-user ACLs (the hospital deployment of docs/deployment.md), unlimited queues so a
 * stopped gateway's persistent session keeps every reading until it returns.
 */
export async function startMosquitto(users: MosquittoUser[]): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "vitals-mosq-"));
  const port = await freePort();
  const passwd = join(dir, "passwd");
  writeFileSync(passwd, "");
  for (const u of users) execFileSync("mosquitto_passwd", ["-b", passwd, u.username, u.password]);
  writeFileSync(join(dir, "acl"), users.map((u) => `user ${u.username}\n${u.acl.join("\n")}\n`).join("\n"));
  writeFileSync(
    join(dir, "mosquitto.conf"),
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${passwd}`,
      `acl_file ${join(dir, "acl")}`,
      "persistence false",
      "max_queued_messages 0",
      "max_inflight_messages 0",
      // Started as root by the tests: stay root so the temp files stay readable.
      "user root",
      "log_dest stderr",
      "log_type error",
      "log_type warning",
    ].join("\n"),
  );
  const child = spawn("/usr/sbin/mosquitto", ["-c", join(dir, "mosquitto.conf")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { output, exited } = watchChild(child);
  await waitListening(port, child, output);
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    output,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
