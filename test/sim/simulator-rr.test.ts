import { afterEach, describe, expect, it } from "vitest";
import type { BedView } from "../../core/api-types.js";
import { WardSimulator } from "../../sensors/sim/ward-simulator.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";

let gw: TestGateway | undefined;
let sim: WardSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  await gw?.stop();
});

describe("simulated PPG nodes send rr with rr_src ppg", () => {
  it("the gateway's NEWS2 for a simulated bed shows its rr as from PPG", async () => {
    gw = await startTestGateway();
    sim = new WardSimulator({
      patients: 2,
      host: "127.0.0.1",
      port: gw.tcpPort,
      rateHz: 10,
      scenario: "stable",
      seed: 3,
    });
    sim.start();
    const url = gw.url;
    const rrPart = async () => {
      const { beds } = (await (await fetch(`${url}/api/beds`)).json()) as { beds: BedView[] };
      return beds.find((b) => b.bed === "Bed-1")?.news2?.parts.rr;
    };
    await expect.poll(rrPart, { timeout: 5_000 }).toMatchObject({ source: "measured", from: "ppg" });
    const part = await rrPart();
    expect(part?.value as number).toBeGreaterThanOrEqual(6);
    expect(part?.value as number).toBeLessThanOrEqual(40);
  });
});
