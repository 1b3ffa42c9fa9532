import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:https";
import { connect as connectTcp } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as connectTls } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { PROTO_VERSION } from "../../core/protocol/frames.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { spawnAgent, stopAgent, storedSeqs } from "../node/agent-process.js";
import { haveTool } from "../support/require-tool.js";
import { bearer, SECURE, SecretWatch, vitalsCli } from "./auth-kit.js";

const watch = new SecretWatch();
const dir = mkdtempSync(join(tmpdir(), "vitals-tls-"));
const tls = join(dir, "tls");
let gw: TestGateway;
let ca: Buffer;

function get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: gw.httpPort, path, ca, headers }, (res) => {
        let body = "";
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end();
    },
  );
}

describe.skipIf(!haveTool("openssl", "openssl"))("TLS: vitals certs init, HTTPS and TLS ingest", () => {
  beforeAll(async () => {
    const init = await vitalsCli(["certs", "init", "--dir", tls, "--host", "ward-icu.local"]);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain("valid for ward-icu.local, localhost, 127.0.0.1, ::1");
    ca = readFileSync(join(tls, "ca.crt"));
    gw = await startTestGateway({
      logger: watch.logger,
      config: {
        // Not loopback: with TLS no --insecure-http is needed.
        host: "0.0.0.0",
        auth: SECURE,
        tls: { certFile: join(tls, "server.crt"), keyFile: join(tls, "server.key"), ingest: true },
      },
    });
    await gw.addUser("root", "admin", watch.use("tls-root-password"));
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    rmSync(dir, { recursive: true, force: true });
    expect(watch.leaks()).toEqual([]);
  });

  it("writes the keys readable by their owner only, and refuses to overwrite them", async () => {
    for (const key of ["ca.key", "server.key"]) expect(statSync(join(tls, key)).mode & 0o077).toBe(0);
    const again = await vitalsCli(["certs", "init", "--dir", tls]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("already in");
  });

  it("serves the API over HTTPS with HSTS, verified against the local CA", async () => {
    const health = await get("/healthz");
    expect(health.status).toBe(200);
    expect(health.headers["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect((await get("/api/beds")).status).toBe(401);
    const token = watch.use(gw.token("viewer", "tls"));
    expect((await get("/api/beds", bearer(token))).status).toBe(200);
    // A client that does not trust the local CA refuses the connection.
    await expect(
      new Promise((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port: gw.httpPort, path: "/healthz" }, resolve);
        req.on("error", reject);
        req.end();
      }),
    ).rejects.toThrow(/self.signed|unable to verify|certificate/i);
    const ws = new WebSocket(`wss://127.0.0.1:${gw.httpPort}/api/live`, { ca, headers: bearer(token) });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once("message", (d) => resolve(JSON.parse(String(d)).type));
      ws.once("error", reject);
    });
    expect(first).toBe("snapshot");
    ws.close();
  });

  it("takes node connections over TLS only, and the node agent connects with --tls-ca", async () => {
    const cred = gw.gateway.access.control.nodeCredentials.add(["Bed-1"], "tls-node", Date.now());
    const token = watch.use(cred.token);
    const s = connectTls({ host: "127.0.0.1", port: gw.tcpPort, ca, servername: "localhost" });
    await new Promise((r) => s.once("secureConnect", r));
    s.write(
      `${JSON.stringify({ type: "hello", proto: PROTO_VERSION, node: "tls-node", bed: "Bed-1", token })}\n`,
    );
    const line = await new Promise<string>((r) => s.once("data", (d) => r(String(d))));
    expect(JSON.parse(line)).toMatchObject({ type: "welcome" });
    s.end();
    // Plain TCP to the TLS port gets no welcome: the handshake fails and the connection closes.
    const plain = connectTcp(gw.tcpPort, "127.0.0.1");
    let heard = "";
    plain.on("data", (d) => {
      heard += d;
    });
    plain.write(
      `${JSON.stringify({ type: "hello", proto: PROTO_VERSION, node: "x", bed: "Bed-1", token })}\n`,
    );
    await new Promise((r) => plain.once("close", r));
    expect(heard).not.toContain("welcome");

    const agentCred = watch.use(
      gw.gateway.access.control.nodeCredentials.add(["Bed-2"], "agent-tls", Date.now()).token,
    );
    const agent = await spawnAgent(
      [
        "--gateway",
        `localhost:${gw.tcpPort}`,
        "--tls-ca",
        join(tls, "ca.crt"),
        "--bed",
        "Bed-2",
        "--node-id",
        "agent-tls",
        "--sensor",
        "sim",
        "--rate",
        "20",
        "--data-dir",
        dir,
      ],
      { VITALS_NODE_TOKEN: agentCred },
    );
    await expect
      .poll(() => storedSeqs(gw.dataDir, "agent-tls").length, { timeout: 15_000 })
      .toBeGreaterThan(3);
    await stopAgent(agent);
    watch.capture(agent.output());
  }, 60_000);
});
