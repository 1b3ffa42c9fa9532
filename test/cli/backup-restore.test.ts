import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { GatewayLink } from "../../sensors/link/gateway-link.js";
import { MemoryOutbox } from "../../sensors/link/outbox.js";
import { startTestGateway } from "../harness/gateway.js";
import { waitFor } from "../support/wait-for.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vitals-backup-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vitals(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const add = (d: Buffer) => {
      out += d.toString();
    };
    child.stdout.on("data", add);
    child.stderr.on("data", add);
    child.on("exit", (code) => resolve({ code, out }));
  });
}

describe("vitals backup and restore", () => {
  it("backs up a consistent copy while the gateway keeps writing, and restores it", async () => {
    const dataDir = join(dir, "data");
    const gw = await startTestGateway({ dataDir });
    const link = new GatewayLink({
      host: "127.0.0.1",
      port: gw.tcpPort,
      hello: { node: "n1", bed: "B1" },
      outbox: new MemoryOutbox(),
    });
    link.start();
    // Readings keep arriving during the backup.
    const writer = setInterval(() => link.record({ hr: 70, spo2: 97, temp: 36.8 }), 2);
    try {
      await waitFor(() => link.acked > 200, "200 readings stored", 15_000);
      const r = await vitals(["backup", join(dir, "backups"), "--data-dir", dataDir]);
      expect(r.code, r.out).toBe(0);
      const m = /backed up (\d+) readings/.exec(r.out);
      expect(Number(m?.[1])).toBeGreaterThan(200);
      const [file] = readdirSync(join(dir, "backups"));
      const copy = new Database(join(dir, "backups", file as string), { readonly: true });
      expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
      // Consistent: the copy's seq ledger covers exactly the readings it holds.
      const n = (copy.prepare("SELECT count(*) AS n FROM readings").get() as { n: number }).n;
      const max = (copy.prepare("SELECT max(seq) AS m FROM readings").get() as { m: number }).m;
      expect(n).toBe(Number(m?.[1]));
      expect(max).toBe(n);
      copy.close();
      clearInterval(writer);
      await link.stop();
      await gw.stop({ keepData: true });

      const restored = join(dir, "restored");
      const back = await vitals(["restore", join(dir, "backups", file as string), "--data-dir", restored]);
      expect(back.code, back.out).toBe(0);
      expect(back.out).toContain(`restored ${n} readings`);
      const gw2 = await startTestGateway({ dataDir: restored });
      expect(gw2.gateway.store.history({ bed: "B1", limit: 10_000 })).toHaveLength(n);
      await gw2.stop({ keepData: true });
    } finally {
      clearInterval(writer);
      await link.stop();
    }
  }, 60_000);

  it("refuses a missing database and a file that is not SQLite, exit 2", async () => {
    const none = await vitals(["backup", join(dir, "b2"), "--data-dir", join(dir, "nothing")]);
    expect(none.code).toBe(2);
    expect(none.out).toContain("no database at");
    const bad = await vitals(["restore", BIN, "--data-dir", join(dir, "r2")]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("is not a readable SQLite database");
  }, 30_000);
});
