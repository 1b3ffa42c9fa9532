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

const NODE = "restart-node";
const running: (GatewayProcess | AgentProcess)[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of running.splice(0)) p.child.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("vitals node killed with SIGKILL while the gateway is down", () => {
  it("loses nothing it had queued and continues the seq after a restart", async () => {
    const agentDir = mkdtempSync(join(tmpdir(), "vitals-node-"));
    dirs.push(agentDir);
    const gw = await spawnGateway();
    running.push(gw);
    const args = [
      ...["--gateway", `127.0.0.1:${gw.tcpPort}`, "--bed", "Bed-2", "--node-id", NODE],
      ...["--sensor", "sim:scenario=desaturation,delay=0", "--rate", "50", "--data-dir", agentDir],
      ...["--sync", "normal", "--reconnect-max", "1", "--status-every", "0"],
    ];
    const first = await spawnAgent(args);
    running.push(first);
    expect(first.restored).toEqual({ pending: 0, lastSeq: 0 });
    await expect.poll(() => storedSeqs(gw.dataDir, NODE).length, { timeout: 15_000 }).toBeGreaterThan(50);

    gw.child.kill("SIGKILL");
    await gw.exited;
    const storedBefore = storedSeqs(gw.dataDir, NODE).length;
    // Kill the agent once it has queued 100 readings on disk with nobody to send them to.
    await expect
      .poll(() => readOutbox(agentDir, NODE).lastSeq - storedBefore, { timeout: 30_000, interval: 100 })
      .toBeGreaterThanOrEqual(100);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    // What the killed agent had committed to disk: all of them still pending.
    const onDisk = readOutbox(agentDir, NODE);
    expect(onDisk.lastSeq - storedBefore).toBeGreaterThanOrEqual(100);
    expect(onDisk.pending).toBeGreaterThanOrEqual(onDisk.lastSeq - storedBefore);

    const second = await spawnAgent(args);
    running.push(second);
    expect(second.restored).toEqual(onDisk);
    // Still no gateway: the restarted agent queues new readings after the killed one's last seq.
    await expect
      .poll(() => readOutbox(agentDir, NODE).lastSeq, { timeout: 30_000, interval: 100 })
      .toBeGreaterThan(onDisk.lastSeq + 10);
    const gw2 = await spawnGateway({}, gw.dataDir, [], { tcp: gw.tcpPort, http: gw.httpPort });
    running.push(gw2);
    // The restarted agent continues numbering: readings beyond the killed one's last seq arrive too.
    await expect
      .poll(() => storedSeqs(gw2.dataDir, NODE).at(-1) ?? 0, { timeout: 20_000, interval: 100 })
      .toBeGreaterThan(onDisk.lastSeq + 25);
    const end = await stopAgent(second);
    expect(end).toMatchObject({ pending: 0, dropped: 0 });
    expect(contiguityProblem(storedSeqs(gw2.dataDir, NODE), end.lastSeq)).toBeUndefined();
  }, 90_000);
});
