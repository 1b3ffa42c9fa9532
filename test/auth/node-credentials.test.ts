import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PROTO_VERSION } from "../../core/protocol/frames.js";
import { connectNode, startTestGateway, type TestGateway, TestNode } from "../harness/gateway.js";
import { spawnAgent, stopAgent, storedSeqs } from "../node/agent-process.js";
import { vitals } from "../support/frames.js";
import { SECURE, SecretWatch, vitalsCli } from "./auth-kit.js";

const watch = new SecretWatch();
let gw: TestGateway;
const dirs: string[] = [];
afterEach(async () => {
  await gw?.stop();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  expect(watch.leaks()).toEqual([]);
});

const boot = async (auth: Record<string, unknown> = {}) => {
  gw = await startTestGateway({ logger: watch.logger, config: { auth: { ...SECURE, ...auth } } });
};

/** A hello and whatever the gateway answers first (welcome or error). */
async function hello(fields: Record<string, unknown>) {
  const n = await TestNode.connect(gw.tcpPort);
  // A raw line: some of these hellos are deliberately incomplete.
  n.send(`${JSON.stringify({ type: "hello", proto: PROTO_VERSION, ...fields })}\n`);
  const first = await n.next((f) => f.type === "welcome" || f.type === "error");
  return { n, first };
}

async function addNode(args: string[]): Promise<string> {
  const r = await vitalsCli(["nodes", "add", "--data-dir", gw.dataDir, ...args]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^vn_[A-Za-z0-9_-]{43}\n$/);
  return watch.use(r.stdout.trim());
}

describe("node credentials", () => {
  it("refuses a hello without a valid credential with unauthorized, before telling it anything", async () => {
    await boot();
    // A node that has stored readings: its last_seq must not reach a stranger claiming its id.
    const token = watch.use(gw.gateway.access.control.nodeCredentials.add(["Bed-1"], "n1", Date.now()).token);
    const real = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", boot: "b1", token });
    real.send(vitals(41));
    await real.waitAck(41);
    real.close();
    await real.closed;
    for (const extra of [{}, { token: "vn_guessed-token" }]) {
      const { n, first } = await hello({ node: "n1", bed: "Bed-1", boot: "b1", ...extra });
      expect(first).toMatchObject({ type: "error", code: "unauthorized" });
      await n.closed;
      expect(n.frames.map((f) => f.type)).toEqual(["error"]);
      expect(n.lines.join("\n")).not.toContain("last_seq");
    }
    const again = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", boot: "b1", token });
    expect(again.frames[0]).toMatchObject({ type: "welcome", last_seq: 41 });
    again.close();
  });

  it("vitals nodes add prints a token bound to its beds (and node id); a hello for another bed is refused", async () => {
    await boot();
    const token = await addNode(["--bed", "Bed-3", "--bed", "Bed-4"]);
    const bound = await addNode(["--bed", "Bed-5", "--node", "pi-5"]);
    const ok = await hello({ node: "any-id", bed: "Bed-4", token });
    expect(ok.first).toMatchObject({ type: "welcome" });
    ok.n.send(vitals(1));
    await ok.n.waitAck(1);
    const other = await hello({ node: "any-id", bed: "Bed-7", token });
    expect(other.first).toEqual({
      type: "error",
      code: "unauthorized",
      message: 'this credential may report for "Bed-3", "Bed-4" only, not "Bed-7"',
    });
    const wrongNode = await hello({ node: "pi-6", bed: "Bed-5", token: bound });
    expect(wrongNode.first).toMatchObject({
      code: "unauthorized",
      message: 'this credential belongs to node "pi-5", not "pi-6"',
    });
    expect((await hello({ node: "pi-5", bed: "Bed-5", token: bound })).first.type).toBe("welcome");
    const list = await vitalsCli(["nodes", "list", "--data-dir", gw.dataDir]);
    expect(list.stdout).toMatch(/^1\t\(any node id\)\tBed-3,Bed-4\tcreated \S+\tactive\n2\tpi-5\tBed-5\t/);
    expect(list.stdout).not.toContain(token);
    ok.n.close();
  });

  it("vitals nodes revoke applies without restart: the open connection is closed, the next hello refused", async () => {
    await boot();
    const token = await addNode(["--bed", "Bed-8", "--node", "n8"]);
    const n = await connectNode(gw.tcpPort, { node: "n8", bed: "Bed-8", token });
    expect(n.frames[0]?.type).toBe("welcome");
    const r = await vitalsCli(["nodes", "revoke", "--data-dir", gw.dataDir, "n8"]);
    expect(r).toMatchObject({ status: 0, stdout: "revoked node credential 1 (Bed-8)\n" });
    expect(await n.waitError("unauthorized")).toMatchObject({ message: "node credential revoked" });
    await n.closed;
    expect((await hello({ node: "n8", bed: "Bed-8", token })).first).toMatchObject({
      code: "unauthorized",
      message: "unknown or revoked node token",
    });
    const actions = gw.gateway.access.control.audit.page({ limit: 10 }).map((e) => e.action);
    expect(actions).toEqual(["node.revoke", "node.add"]);
  });

  it("shared-token lab mode: VITALS_NODE_TOKEN lets any node report for any bed", async () => {
    const shared = watch.use("shared-lab-token-1234");
    await boot({ nodeToken: shared });
    expect((await hello({ node: "a", bed: "Bed-1", token: shared })).first.type).toBe("welcome");
    expect((await hello({ node: "b", bed: "Bed-99", token: shared })).first.type).toBe("welcome");
    expect((await hello({ node: "c", bed: "Bed-2" })).first).toMatchObject({ code: "unauthorized" });
  });

  it("open-nodes lab mode admits nodes without credentials and says so in /healthz", async () => {
    await boot({ openNodes: true });
    expect((await hello({ node: "a", bed: "Bed-1" })).first.type).toBe("welcome");
    expect(await (await fetch(`${gw.url}/healthz`)).json()).toMatchObject({ open_nodes: true, demo: false });
  });

  it("accepts the original flat JSON only for beds or addresses in auth.legacy, never into a v1 node's bed", async () => {
    await boot({ legacy: { beds: ["12", "13"], addresses: [] } });
    watch.use(gw.gateway.access.control.nodeCredentials.add(["13"], undefined, Date.now()).token);
    const flat = (bed: string) =>
      `${JSON.stringify({ bed_no: bed, patient_id: "P", hr: 70, spo2: 97, temp: 36.6 })}\n`;
    const refused = async (bed: string) => {
      const n = await TestNode.connect(gw.tcpPort);
      n.send(flat(bed));
      return (await n.waitError("unauthorized")).message;
    };
    expect(await refused("7")).toBe(
      'flat JSON is accepted only for beds or addresses in auth.legacy (bed "7" from 127.0.0.1 is in neither)',
    );
    expect(await refused("13")).toBe(
      'bed "13" belongs to a protocol-v1 node: flat JSON may not report for it',
    );
    const ok = await TestNode.connect(gw.tcpPort);
    ok.send(flat("12"));
    await expect
      .poll(() => gw.gateway.store.db.prepare("SELECT count(*) AS n FROM readings WHERE bed = '12'").get())
      .toEqual({ n: 1 });
    ok.close();
    // Listed by address instead of bed.
    await gw.stop();
    await boot({ legacy: { beds: [], addresses: ["127.0.0.1"] } });
    const byAddress = await TestNode.connect(gw.tcpPort);
    byAddress.send(flat("20"));
    await expect
      .poll(() => gw.gateway.store.db.prepare("SELECT count(*) AS n FROM readings WHERE bed = '20'").get())
      .toEqual({ n: 1 });
    byAddress.close();
  });

  it("the node agent presents its token from --token-file or VITALS_NODE_TOKEN, never printing it", async () => {
    await boot();
    const fromFile = await addNode(["--bed", "B1", "--node", "agent-file"]);
    const fromEnv = await addNode(["--bed", "B2", "--node", "agent-env"]);
    const dir = mkdtempSync(join(tmpdir(), "vitals-node-token-"));
    dirs.push(dir);
    const file = join(dir, "token");
    writeFileSync(file, `${fromFile}\n`, { mode: 0o600 });
    const base = [
      "--gateway",
      `127.0.0.1:${gw.tcpPort}`,
      "--sensor",
      "sim",
      "--rate",
      "20",
      "--data-dir",
      dir,
    ];
    const a = await spawnAgent([...base, "--bed", "B1", "--node-id", "agent-file", "--token-file", file]);
    const b = await spawnAgent([...base, "--bed", "B2", "--node-id", "agent-env"], {
      VITALS_NODE_TOKEN: fromEnv,
    });
    await expect
      .poll(() => storedSeqs(gw.dataDir, "agent-file").length, { timeout: 15_000 })
      .toBeGreaterThan(3);
    await expect
      .poll(() => storedSeqs(gw.dataDir, "agent-env").length, { timeout: 15_000 })
      .toBeGreaterThan(3);
    await stopAgent(a);
    await stopAgent(b);
    watch.capture(a.output());
    watch.capture(b.output());
  }, 60_000);
});
