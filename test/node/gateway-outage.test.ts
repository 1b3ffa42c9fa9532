import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
/** Readings the agent must take while the gateway is down: 15 s at 100 Hz (the 30 s at 50 Hz). */
const OUTAGE_READINGS = 1500;
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
    ...["--sensor", "sim:seed=5", "--rate", "100", "--data-dir", dataDir],
    ...["--sync", "normal", "--reconnect-max", "1", "--status-every", "0"],
  ]);
  running.push(a);
  return a;
}

// The acceptance test: a real gateway process killed while `vitals node` keeps measuring; every
// reading taken during the outage must reach the gateway's SQLite exactly once and in order once it is
// back on the same ports with the same data directory. The outage lasts until the agent has queued
// OUTAGE_READINGS on disk (counted, not timed: a loaded machine only makes it last longer).
describe("vitals node across a gateway outage", () => {
  it(`delivers every one of ${OUTAGE_READINGS} readings taken during an outage exactly once, in order`, async () => {
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
    await expect
      .poll(() => readOutbox(agentDir, NODE).lastSeq - atKill.lastSeq, { timeout: 90_000, interval: 200 })
      .toBeGreaterThanOrEqual(OUTAGE_READINGS);
    const atRestart = readOutbox(agentDir, NODE);
    // Every reading taken while nobody listened is waiting on disk.
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
  }, 180_000);
});
