import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { startTestGateway } from "../harness/gateway.js";
import { bearer, SECURE, SecretWatch, vitalsCli } from "./auth-kit.js";

const watch = new SecretWatch();
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "vitals-tokens-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const TOKEN_LINE = /^vt_[A-Za-z0-9_-]{43}\n$/;

describe("vitals tokens (contract)", () => {
  it("add prints one new token line and nothing else, before the gateway's first start; only its hash is stored", async () => {
    const dir = tmp();
    const a = await vitalsCli([
      "tokens",
      "add",
      "--data-dir",
      dir,
      "--role",
      "integration",
      "--name",
      "grafana",
    ]);
    const b = await vitalsCli(["tokens", "add", "--data-dir", dir, "--role", "viewer"]);
    for (const r of [a, b]) {
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(TOKEN_LINE);
      expect(r.stderr).toBe("");
      watch.use(r.stdout.trim());
      watch.capture(r.stderr);
    }
    expect(a.stdout).not.toBe(b.stdout);
    const db = new Database(join(dir, "vitals.db"), { readonly: true });
    const rows = db.prepare("SELECT name, role, hash FROM api_tokens ORDER BY id").all();
    db.close();
    const sha = (s: string) => createHash("sha256").update(s.trim()).digest("hex");
    expect(rows).toEqual([
      { name: "grafana", role: "integration", hash: sha(a.stdout) },
      { name: null, role: "viewer", hash: sha(b.stdout) },
    ]);

    // The gateway's first start finds them.
    const gw = await startTestGateway({ dataDir: dir, logger: watch.logger, config: { auth: SECURE } });
    await gw.addUser("root", "admin", watch.use("root-password-1"));
    expect((await fetch(`${gw.url}/api/beds`, { headers: bearer(a.stdout.trim()) })).status).toBe(200);
    await gw.stop();
  });

  it("works while the gateway runs: a new token is accepted and a revoked one refused at once", async () => {
    const gw = await startTestGateway({ logger: watch.logger, config: { auth: SECURE } });
    await gw.addUser("root", "admin", watch.use("root-password-2"));
    const add = await vitalsCli([
      "tokens",
      "add",
      "--data-dir",
      gw.dataDir,
      "--role",
      "nurse",
      "--name",
      "ward-script",
    ]);
    expect(add.stdout).toMatch(TOKEN_LINE);
    const token = watch.use(add.stdout.trim());
    const beds = () => fetch(`${gw.url}/api/beds`, { headers: bearer(token) }).then((r) => r.status);
    expect(await beds()).toBe(200);

    const list = await vitalsCli(["tokens", "list", "--data-dir", gw.dataDir]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^1\tward-script\tnurse\tcreated \S+\tactive\n$/);
    expect(list.stdout).not.toContain(token);

    const revoke = await vitalsCli(["tokens", "revoke", "--data-dir", gw.dataDir, "ward-script"]);
    expect(revoke).toMatchObject({ status: 0, stdout: "revoked token 1 (ward-script)\n" });
    expect(await beds()).toBe(401);
    expect((await vitalsCli(["tokens", "list", "--data-dir", gw.dataDir])).stdout).toMatch(
      /\trevoked \S+\n$/,
    );
    for (const r of [add, list, revoke]) watch.capture(r.stderr);
    await gw.stop();
  });

  it("refuses an unknown role and an unknown token to revoke", async () => {
    const dir = tmp();
    const bad = await vitalsCli(["tokens", "add", "--data-dir", dir, "--role", "superuser"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("expected one of viewer, nurse, charge, technician, admin, integration");
    const none = await vitalsCli(["tokens", "revoke", "--data-dir", dir, "42"]);
    expect(none.status).toBe(2);
    expect(none.stderr).toBe("vitals: no unrevoked token 42\n");
  });

  it("logged none of the tokens and passwords it used", () => {
    expect(watch.secretCount).toBeGreaterThanOrEqual(4);
    expect(watch.leaks()).toEqual([]);
  });
});
