import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { alarmSchedule } from "../../core/burst-pattern.js";
import type { SoundPriority } from "../../core/protocol/index.js";
import { createSerialFirmwareDriver } from "../../sensors/firmware-link/serial-firmware-driver.js";
import { MemoryOutbox } from "../../sensors/link/outbox.js";
import { NodeAgent } from "../../sensors/node/node-agent.js";
import { startTestGateway } from "../harness/gateway.js";
import { haveTool } from "../support/require-tool.js";
import { BUZZER_PIN, bootFirmware, buildFirmware } from "./firmware-rig.js";
import { expectedSpo2, syntheticPpg } from "./synthetic-ppg.js";
import { tonePulses } from "./tone-pulses.js";

describe.skipIf(!haveTool("avr-gcc", "gcc-avr"))(
  "AVR firmware → serial-firmware driver → node agent → real gateway, and back",
  // Emulated time makes it deterministic; the wall-clock timeout only catches a hang (slow when both cores are busy).
  { timeout: 180_000 },
  () => {
    const build = buildFirmware();
    afterAll(() => rmSync(build.elf, { force: true }));

    it("a desaturated emulated patient is stored by the gateway, whose medium alarm plays on the board's buzzer", async () => {
      // R = 0.873 puts SpO2 at ~87 % on Maxim's curve: below the adult low limit (90 %), a medium alarm.
      const ratio = 0.873;
      const gw = await startTestGateway({ config: { alarms: { delayMs: { spo2: 300 } } } });
      const rig = bootFirmware(build.hex, { source: syntheticPpg({ bpm: 84, ratio, rateHz: 100 }) });
      const buzzer = rig.board.pins.watch(BUZZER_PIN);
      // The node agent `vitals node` runs, with the board's driver as its sensor: samples up (merged
      // into 1 Hz readings), the gateway's alarm commands down to the board's buzzer.
      const driver = createSerialFirmwareDriver({ stream: rig.board.serial });
      const agent = new NodeAgent({
        gateway: { host: "127.0.0.1", port: gw.tcpPort },
        hello: { node: "avr-e2e", bed: "Bed-9", fw: "vitals-avr" },
        sensors: [
          { label: "serial-firmware", parameters: ["hr", "spo2", "temp"], create: async () => driver },
        ],
        outbox: new MemoryOutbox(),
        rateHz: 2,
      });
      const commanded: { priority: SoundPriority; atMs: number }[] = [];
      agent.link.on("alarm", (priority) => commanded.push({ priority, atMs: rig.board.timeMs }));
      agent.start();
      try {
        // Values from the 5th second; the gateway raises after 300 ms (real time) and tells the node.
        const heard = await rig.board.runUntil(() => commanded.some((c) => c.priority === "medium"), 15_000);
        expect(heard).toBe(true);
        const from = commanded.find((c) => c.priority === "medium")?.atMs ?? 0;
        await rig.board.runFor(1500);

        const rows = gw.gateway.store.db
          .prepare("SELECT seq, hr, spo2, temp, flags FROM readings WHERE node = 'avr-e2e' ORDER BY seq")
          .all() as {
          seq: number;
          hr: number | null;
          spo2: number | null;
          temp: number | null;
          flags: string;
        }[];
        const measured = rows.filter((r) => r.spo2 !== null);
        expect(measured.length).toBeGreaterThanOrEqual(1);
        for (const r of measured) {
          expect(Math.abs((r.hr as number) - 84)).toBeLessThan(1);
          expect(Math.abs((r.spo2 as number) - expectedSpo2(ratio))).toBeLessThan(1);
          expect(r.temp).toBe(37);
        }
        // Before its first full window the board reports "searching"; the agent passes the flag on.
        expect(rows.some((r) => r.flags.includes("searching"))).toBe(true);

        const played = tonePulses(buzzer.filter((e) => e.timeMs >= from));
        const want = alarmSchedule("medium", 1400);
        expect(played.map((p) => Math.round(p.endMs - p.startMs))).toEqual(want.map((w) => w.on_ms));
        expect(played.map((p) => Math.round(p.startMs - (played[0]?.startMs ?? 0)))).toEqual(
          want.map((w) => w.at_ms),
        );
        expect(Math.round(played[0]?.freqHz ?? 0)).toBe(500);
      } finally {
        await agent.stop();
        await gw.stop();
      }
    });
  },
);
