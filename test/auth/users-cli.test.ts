import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startTestGateway } from "../harness/gateway.js";
import { haveTool } from "../support/require-tool.js";
import { SECURE, SecretWatch, vitalsCli } from "./auth-kit.js";

const watch = new SecretWatch();
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "vitals-users-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  expect(watch.leaks()).toEqual([]);
});

const login = (url: string, user: string, password: string) =>
  fetch(`${url}/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ user, password }),
  });

describe("vitals users", () => {
  it("adds users with the password from stdin; the running gateway signs them in; list shows no hash", async () => {
    const gw = await startTestGateway({ logger: watch.logger, config: { auth: SECURE } });
    expect((await fetch(`${gw.url}/api/beds`)).status).toBe(503);
    const pw = watch.use("first-admin-password");
    const add = await vitalsCli(
      ["users", "add", "ada", "--role", "admin", "--data-dir", gw.dataDir],
      `${pw}\n`,
    );
    expect(add).toMatchObject({ status: 0, stdout: "", stderr: "added ada (admin)\n" });
    // The running gateway noticed the administrator: no more 503, and ada can sign in.
    expect((await fetch(`${gw.url}/api/beds`)).status).toBe(401);
    expect((await login(gw.url, "ada", pw)).status).toBe(200);
    const list = await vitalsCli(["users", "list", "--data-dir", gw.dataDir]);
    expect(list.stdout).toMatch(/^ada\tadmin\tenabled\tcreated \S+\n$/);
    expect(list.stdout).not.toContain("scrypt");
    for (const r of [add, list]) watch.capture(r.stdout + r.stderr);
    await gw.stop();
  });

  it("passwd ends the user's sessions; disable refuses sign-in; role changes apply at once", async () => {
    const gw = await startTestGateway({ logger: watch.logger, config: { auth: SECURE } });
    await gw.addUser("root", "admin", watch.use("root-password-xyz"));
    const old = watch.use("old-nurse-password");
    const neu = watch.use("new-nurse-password");
    await vitalsCli(["users", "add", "kim", "--role", "viewer", "--data-dir", gw.dataDir], old);
    const r = await login(gw.url, "kim", old);
    const cookie = r.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const beds = () => fetch(`${gw.url}/api/beds`, { headers: { cookie } }).then((x) => x.status);
    const limits = () => fetch(`${gw.url}/api/session`, { headers: { cookie } }).then((x) => x.json());
    expect(await beds()).toBe(200);
    expect(await vitalsCli(["users", "role", "kim", "charge", "--data-dir", gw.dataDir])).toMatchObject({
      status: 0,
    });
    expect(await limits()).toMatchObject({ role: "charge" });
    const passwd = await vitalsCli(["users", "passwd", "kim", "--data-dir", gw.dataDir], `${neu}\n`);
    expect(passwd.status).toBe(0);
    expect(await beds()).toBe(401);
    expect((await login(gw.url, "kim", old)).status).toBe(401);
    expect((await login(gw.url, "kim", neu)).status).toBe(200);
    await vitalsCli(["users", "disable", "kim", "--data-dir", gw.dataDir]);
    expect((await login(gw.url, "kim", neu)).status).toBe(401);
    await vitalsCli(["users", "enable", "kim", "--data-dir", gw.dataDir]);
    expect((await login(gw.url, "kim", neu)).status).toBe(200);
    const audit = gw.gateway.access.control.audit.page({ limit: 50 }).map((e) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining(["user.add", "user.role", "user.passwd", "user.disable", "user.enable"]),
    );
    await gw.stop();
  });

  it("refuses short passwords, duplicate names and bad names", async () => {
    const dir = tmp();
    const short = await vitalsCli(["users", "add", "bo", "--role", "nurse", "--data-dir", dir], "short\n");
    expect(short).toMatchObject({ status: 2, stderr: "vitals: a password needs at least 10 characters\n" });
    await vitalsCli(["users", "add", "bo", "--role", "nurse", "--data-dir", dir], "long-enough-pw\n");
    const twice = await vitalsCli(
      ["users", "add", "BO", "--role", "nurse", "--data-dir", dir],
      "long-enough-pw\n",
    );
    expect(twice).toMatchObject({ status: 2, stderr: "vitals: user BO already exists\n" });
    const bad = await vitalsCli(
      ["users", "add", "a b", "--role", "nurse", "--data-dir", dir],
      "long-enough-pw\n",
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('invalid user name "a b"');
  });

  it.skipIf(!haveTool("script", "util-linux"))(
    "asks for the password twice on a terminal without echoing it",
    async () => {
      const dir = tmp();
      const pw = watch.use("typed-on-a-tty-123");
      const bin = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
      // util-linux script(1) runs the command on a real pseudo-terminal.
      const child = spawn(
        "script",
        ["-qec", `${process.execPath} ${bin} users add tim --role viewer --data-dir ${dir}`, "/dev/null"],
        { stdio: ["pipe", "pipe", "pipe"] },
      );
      let screen = "";
      let answered = 0;
      child.stdout.on("data", (d: Buffer) => {
        screen += d.toString();
        // Type only once the prompt is up (raw mode on): before it the terminal itself would echo.
        const prompts = (screen.match(/New password for tim: |Again: /g) ?? []).length;
        while (answered < prompts) {
          answered++;
          child.stdin.write(`${pw}\r`);
        }
      });
      const code = await new Promise<number | null>((r) => child.on("close", r));
      watch.capture(screen);
      expect(code).toBe(0);
      expect(screen).toContain("New password for tim: ");
      expect(screen).toContain("Again: ");
      expect(screen).toContain("added tim (viewer)");
      expect(screen).not.toContain(pw);
      const gw = await startTestGateway({ dataDir: dir, logger: watch.logger, config: { auth: SECURE } });
      await gw.addUser("root", "admin", watch.use("root-password-tty"));
      expect((await login(gw.url, "tim", pw)).status).toBe(200);
      await gw.stop();
    },
  );
});
