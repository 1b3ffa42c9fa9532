import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import {
  type AgentProcess,
  contiguityProblem,
  readOutbox,
  spawnAgent,
  stopAgent,
  storedSeqs,
} from "./agent-process.js";

const NODE = "outage-node";
const running: (GatewayProcess | AgentProcess)[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function gateway(dataDir?: string, ports?: { tcp: number; http: number }): Promise<GatewayProcess> {
  const g = await spawnGateway({}, dataDir, [], ports);
  running.push(g);
  return g;
}

async function agent(gw: GatewayProcess, dataDir: string): Promise<AgentProcess> {
  const a = await spawnAgent([
    ...["--gateway", `127.0.0.1:${gw.tcpPort}`, "--bed", "Bed-1", "--node-id", NODE],
    ...["--sensor", "sim:seed=5", "--rate", "50", "--data-dir", dataDir],
    ...["--sync", "normal", "--reconnect-max", "1", "--status-every", "0"],
  ]);
  running.push(a);
  return a;
}

// The acceptance test: a real gateway process killed for 30 s (real time) while `vitals node`
// keeps measuring at 50 Hz; every reading taken during the outage must reach the gateway's SQLite
// exactly once and in order once it is back on the same ports with the same data directory.
describe("vitals node across a gateway outage", () => {
  it("delivers every reading taken during a 30 s outage exactly once, in order", async () => {
    const agentDir = mkdtempSync(join(tmpdir(), "vitals-node-"));
    dirs.push(agentDir);
    const gw = await gateway();
    const ports = { tcp: gw.tcpPort, http: gw.httpPort };
    const a = await agent(gw, agentDir);
    await expect.poll(() => storedSeqs(gw.dataDir, NODE).length, { timeout: 15_000 }).toBeGreaterThan(50);

    gw.child.kill("SIGKILL");
    await gw.exited;
    const atKill = readOutbox(agentDir, NODE);
    const downAt = performance.now();
    await sleep(30_000);
    const atRestart = readOutbox(agentDir, NODE);
    // 50 Hz for 30 s: ~1500 readings taken while nobody listened, all waiting on disk.
    expect(atRestart.lastSeq - atKill.lastSeq).toBeGreaterThan(1300);
    expect(atRestart.pending).toBeGreaterThanOrEqual(atRestart.lastSeq - atKill.lastSeq);

    const gw2 = await gateway(gw.dataDir, ports);
    const upAt = performance.now();
    await expect
      .poll(() => storedSeqs(gw2.dataDir, NODE).at(-1) ?? 0, { timeout: 20_000, interval: 100 })
      .toBeGreaterThanOrEqual(atRestart.lastSeq);
    const caughtUpMs = performance.now() - upAt;

    const end = await stopAgent(a);
    expect(end).toMatchObject({ pending: 0, dropped: 0 });
    const seqs = storedSeqs(gw2.dataDir, NODE);
    expect(contiguityProblem(seqs, end.lastSeq)).toBeUndefined();
    console.info(
      `outage ${((upAt - downAt) / 1000).toFixed(1)} s: ${atRestart.lastSeq - atKill.lastSeq} readings queued, ` +
        `backlog delivered ${caughtUpMs.toFixed(0)} ms after the gateway restarted; ${end.lastSeq} readings stored 1..${end.lastSeq}`,
    );
  }, 120_000);
});
