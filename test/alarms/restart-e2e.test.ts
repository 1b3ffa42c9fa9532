import { afterEach, describe, expect, it } from "vitest";
import type { AlarmsResponse } from "../../core/api-types.js";
import { connectNode, type TestNode } from "../harness/gateway.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { vitals } from "../support/frames.js";

/**
 * Alarms survive a crash: the gateway process is killed with SIGKILL in the middle of a ward's alarms
 * and started again on the same data directory. It lists exactly what it listed before — acknowledged,
 * latched, escalated, with the pause — and a bed whose node does not come back within its heartbeat
 * window raises "disconnected", grouped under the one "gateway restarted" notice.
 */
const config = {
  heartbeatMs: 1_000,
  limits: { idleTimeoutMs: 600_000 },
  alarms: {
    delayMs: { hr: 0, spo2: 0, temp: 0 },
    escalationMs: { high: 500, medium: 600_000 },
    // A 6 s heartbeat window after the restart (6 × 1 s), long enough for a loaded CI machine to start.
    silentHeartbeats: 6,
  },
};

let gw: GatewayProcess | undefined;
const nodes: TestNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.close();
  gw?.child.kill("SIGKILL");
});

const url = (p: GatewayProcess, path: string) => `http://127.0.0.1:${p.httpPort}${path}`;
const alarms = async (p: GatewayProcess) =>
  (await (await fetch(url(p, "/api/alarms"))).json()) as AlarmsResponse;
const post = async (p: GatewayProcess, path: string, body: object) =>
  (
    await fetch(url(p, path), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  ).status;

describe("alarms across a real kill -9", () => {
  it("restores the alarm list exactly, then alarms the beds whose nodes do not come back", async () => {
    gw = await spawnGateway(config);
    const seq = new Map<string, number>();
    const node = async (bed: string) => {
      const n = await connectNode(gw?.tcpPort as number, { node: `node-${bed}`, bed, patient: `P-${bed}` });
      nodes.push(n);
      return n;
    };
    const send = async (n: TestNode, bed: string, v: Record<string, unknown>) => {
      const s = (seq.get(bed) ?? 0) + 1;
      seq.set(bed, s);
      n.send(vitals(s, v));
      await n.waitAck(s);
    };
    const [b1, b2, b3] = [await node("Bed-1"), await node("Bed-2"), await node("Bed-3")];
    await send(b1, "Bed-1", { spo2: 80 }); // high at once; escalates after 500 ms
    await send(b2, "Bed-2", { hr: 130 }); // medium
    await send(b3, "Bed-3", { flags: ["finger_out"], hr: null, spo2: null }); // low technical
    await expect.poll(async () => (await alarms(gw as GatewayProcess)).alarms[0]?.escalated).toBe(true);
    await send(b1, "Bed-1", { spo2: 97 }); // recovered: the high alarm latches
    const medium = (await alarms(gw)).alarms.find((a) => a.bed === "Bed-2");
    expect(
      await post(gw, `/api/alarms/${encodeURIComponent(medium?.id as string)}/ack`, { user: "nurse.kim" }),
    ).toBe(200);
    expect(await post(gw, "/api/beds/Bed-3/pause", { user: "nurse.kim", duration_s: 600 })).toBe(200);
    const before = await alarms(gw);
    expect(before.alarms.map((a) => [a.bed, a.kind, a.priority, a.state, a.latched, a.escalated])).toEqual([
      ["Bed-1", "physiological", "high", "active", true, true],
      ["Bed-2", "physiological", "medium", "acknowledged", false, false],
      ["Bed-3", "finger_out", "low", "active", false, false],
    ]);
    const beforeBeds = (await (await fetch(url(gw, "/api/beds"))).json()) as {
      beds: { bed: string; alarm: { paused_until: number | null } | null }[];
    };

    gw.child.kill("SIGKILL");
    expect(await gw.exited).toBe("SIGKILL");
    for (const n of nodes.splice(0)) n.close();
    const dataDir = gw.dataDir;
    const killedAt = Date.now();
    gw = await spawnGateway(config, dataDir);

    const after = await alarms(gw);
    expect(after.alarms).toEqual(before.alarms);
    expect(after.notices).toMatchObject([{ kind: "gateway_restart", state: "active", beds: [] }]);
    const gapS = Math.round((after.notices[0]?.gap_ms ?? 0) / 1000);
    expect(after.notices[0]?.text).toContain(`monitoring gap of ${gapS} s`);
    expect(after.notices[0]?.gap_ms).toBeGreaterThanOrEqual(0);
    expect(after.notices[0]?.gap_ms).toBeLessThan(Date.now() - killedAt + 2_000);
    const afterBeds = (await (await fetch(url(gw, "/api/beds"))).json()) as typeof beforeBeds;
    expect(afterBeds.beds.find((b) => b.bed === "Bed-3")?.alarm?.paused_until).toBe(
      beforeBeds.beds.find((b) => b.bed === "Bed-3")?.alarm?.paused_until,
    );

    // Bed-1's node comes back in time; Bed-2's and Bed-3's do not.
    const again = await node("Bed-1");
    seq.set("Bed-1", 100);
    await send(again, "Bed-1", { spo2: 97 });
    await expect
      .poll(
        async () =>
          (await alarms(gw as GatewayProcess)).alarms
            .filter((a) => a.kind === "disconnected")
            .map((a) => a.bed)
            .sort(),
        { timeout: 20_000, interval: 200 },
      )
      .toEqual(["Bed-2", "Bed-3"]);
    const final = await alarms(gw);
    const notice = final.notices[0];
    expect(final.alarms.filter((a) => a.kind === "disconnected").every((a) => a.group === notice?.id)).toBe(
      true,
    );
    expect(notice?.beds.sort()).toEqual(["Bed-2", "Bed-3"]);
    // Everything listed before the crash is still listed.
    for (const a of before.alarms) expect(final.alarms.map((x) => x.id)).toContain(a.id);
  }, 60_000);
});
