import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { AuditLog, entryHash, GENESIS_HASH } from "../../gateway/auth/audit-log.js";
import { connectNode, startTestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { bearer, SECURE, SecretWatch, vitalsCli } from "./auth-kit.js";

const watch = new SecretWatch();
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "vitals-audit-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  expect(watch.leaks()).toEqual([]);
});

/** A copy of a stopped gateway's database, as someone with the file would have it. */
function copyDb(from: string): string {
  const to = tmp();
  for (const suffix of ["", "-wal", "-shm"])
    if (existsSync(join(from, `vitals.db${suffix}`)))
      copyFileSync(join(from, `vitals.db${suffix}`), join(to, `vitals.db${suffix}`));
  return to;
}

/** Edits the file directly, around the triggers (which only SQLite itself obeys). */
function tamper(dir: string, sql: string): void {
  const db = new Database(join(dir, "vitals.db"));
  db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
  db.exec(sql);
  db.close();
}

describe("the audit log", () => {
  it("chains every entry to the one before: hash = SHA-256(prev hash + canonical row)", () => {
    const dir = tmp();
    const db = new Database(join(dir, "a.db"));
    db.exec(
      "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, at INTEGER, actor TEXT, action TEXT, target TEXT, detail TEXT, address TEXT, prev_hash TEXT, hash TEXT)",
    );
    const log = new AuditLog(db);
    const a = log.append({ actor: "kim", action: "login", address: "127.0.0.1" }, 1_000);
    const b = log.append(
      { actor: "kim", action: "alarm.acknowledge", target: "Bed-1#1", detail: { z: 1, a: [2] } },
      2_000,
    );
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(b.hash).toBe(entryHash(a.hash, { ...b }));
    expect((db.prepare("SELECT detail FROM audit_log WHERE id = 2").get() as { detail: string }).detail).toBe(
      '{"a":[2],"z":1}',
    );
    expect(log.verify()).toEqual({ ok: true, entries: 2, head: b.hash });
    db.close();
  });

  it("records staff actions; GET /api/audit pages through it for the admin; verify finds a modified row in a copy", async () => {
    const gw = await startTestGateway({ logger: watch.logger, config: { auth: SECURE } });
    await gw.addUser("root", "admin", watch.use("audit-root-password"));
    const admin = watch.use(gw.token("admin", "auditor"));
    const nurse = watch.use(gw.token("nurse", "ward"));
    await fetch(`${gw.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "root", password: "wrong-password!" }),
    });
    await fetch(`${gw.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: "root", password: "audit-root-password" }),
    });
    await vitalsCli([
      "tokens",
      "add",
      "--data-dir",
      gw.dataDir,
      "--role",
      "viewer",
      "--name",
      "grafana",
    ]).then((r) => watch.use(r.stdout.trim()));
    await vitalsCli(["tokens", "revoke", "--data-dir", gw.dataDir, "grafana"]);
    const nodeCli = await vitalsCli(["nodes", "add", "--data-dir", gw.dataDir, "--bed", "Bed-1"]);
    const node = await connectNode(gw.tcpPort, {
      node: "n1",
      bed: "Bed-1",
      token: watch.use(nodeCli.stdout.trim()),
    });
    node.send(vitals(1));
    await node.waitAck(1);
    const paused = await fetch(`${gw.url}/api/beds/Bed-1/pause`, {
      method: "POST",
      headers: { ...bearer(nurse), "content-type": "application/json" },
      body: '{"duration_s":30}',
    });
    expect(paused.status).toBe(200);
    node.close();

    const page = async (q: string) =>
      (await (await fetch(`${gw.url}/api/audit?${q}`, { headers: bearer(admin) })).json()) as {
        entries: { id: number; actor: string; action: string; target: string | null; detail: object }[];
        next_before: number | null;
      };
    const first = await page("limit=3");
    expect(first.entries.map((e) => e.id)).toEqual([6, 5, 4]);
    expect(first.next_before).toBe(4);
    const rest = await page(`limit=10&before=${first.next_before}`);
    expect(rest.next_before).toBeNull();
    const all = [...first.entries, ...rest.entries].reverse();
    expect(all.map((e) => `${e.actor.replace(/^cli:.*/, "cli:<os user>")} ${e.action} ${e.target}`)).toEqual([
      "- login.failed root",
      "root login root",
      "cli:<os user> token.add 3",
      "cli:<os user> token.revoke 3",
      "cli:<os user> node.add 1",
      "token:ward alarm.pause Bed-1",
    ]);
    expect(all[5]?.detail).toEqual({ bed: "Bed-1", duration_s: 30 });
    expect((await fetch(`${gw.url}/api/audit`, { headers: bearer(nurse) })).status).toBe(403);
    await gw.stop({ keepData: true });
    dirs.push(gw.dataDir);

    const intact = await vitalsCli(["audit", "verify", "--data-dir", copyDb(gw.dataDir)]);
    expect(intact.status).toBe(0);
    expect(intact.stdout).toMatch(/^audit log intact: \d+ entries, head [0-9a-f]{64}\n$/);

    const edited = copyDb(gw.dataDir);
    tamper(edited, "UPDATE audit_log SET actor = 'someone-else' WHERE id = 2");
    const bad = await vitalsCli(["audit", "verify", "--data-dir", edited]);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toBe(
      "audit log BROKEN at entry 2: its contents do not match its hash (1 entries before it verify)\n",
    );

    const removed = copyDb(gw.dataDir);
    tamper(removed, "DELETE FROM audit_log WHERE id = 3");
    expect((await vitalsCli(["audit", "verify", "--data-dir", removed])).stdout).toContain(
      "BROKEN at entry 4: entry 3 is missing",
    );

    const rehashed = copyDb(gw.dataDir);
    // Rewriting one row's hash to match its new contents breaks the link to the next row instead.
    const db = new Database(join(rehashed, "vitals.db"));
    const row = db.prepare("SELECT * FROM audit_log WHERE id = 2").get() as Record<string, unknown>;
    db.close();
    const forged = entryHash(row.prev_hash as string, {
      id: 2,
      at: row.at as number,
      actor: "someone-else",
      action: row.action as string,
      target: row.target as string | null,
      detail: JSON.parse(row.detail as string),
      address: row.address as string | null,
    });
    tamper(rehashed, `UPDATE audit_log SET actor = 'someone-else', hash = '${forged}' WHERE id = 2`);
    expect((await vitalsCli(["audit", "verify", "--data-dir", rehashed])).stdout).toContain(
      "BROKEN at entry 3: its prev_hash is not the previous entry's hash",
    );
  }, 90_000);

  it("refuses UPDATE and DELETE through SQLite", async () => {
    const gw = await startTestGateway({ logger: watch.logger, config: { auth: SECURE } });
    gw.gateway.access.control.record({ actor: "x", action: "test" });
    const db = gw.gateway.store.db;
    expect(() => db.prepare("UPDATE audit_log SET actor = 'y'").run()).toThrow("audit_log is append-only");
    expect(() => db.prepare("DELETE FROM audit_log").run()).toThrow("audit_log is append-only");
    await gw.stop();
  });
});
