import { join } from "node:path";
import Database from "better-sqlite3";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  alarmEventToNotification,
  NotificationService,
  notificationsConfigSchema,
  renderEvent,
} from "../../gateway/notify/index.js";
import { harness } from "../alarms/harness.js";
import { waitFor } from "../support/wait-for.js";
import { tempDir } from "./helpers.js";
import { type HttpStandIn, ntfyCheck, startHttpStandIn } from "./stand-ins.js";

const NORMAL = { hr: 80, spo2: 97, temp: 37 };

describe("alarm engine events → notifications", () => {
  let tmp: ReturnType<typeof tempDir>;
  let ntfy: HttpStandIn;
  let db: Database.Database;
  beforeEach(async () => {
    tmp = tempDir();
    ntfy = await startHttpStandIn(ntfyCheck());
    db = new Database(join(tmp.dir, "g.db"));
  });
  afterEach(async () => {
    db.close();
    await ntfy.close();
    tmp.cleanup();
  });

  it("raised medium, upgraded to high, escalated: each reaches the phone; acknowledgements do not", async () => {
    const h = harness();
    const service = new NotificationService({
      db,
      time: h.time,
      logger: pino({ level: "silent" }),
      config: notificationsConfigSchema.parse({
        enabled: true,
        minimisation: "no_patient_id",
        channels: { push: { type: "ntfy", serverUrl: ntfy.url, recipients: { w: ["ward-w"] } } },
      }),
    });
    service.start();
    const outcomes: string[] = [];
    const forward = () => {
      for (const e of h.events.splice(0)) {
        const n = alarmEventToNotification(e, "w");
        if (n)
          outcomes.push(
            `${e.type}:${n.priority}:${n.technical ?? n.parameters[0]?.name} → ${service.enqueue(n)}`,
          );
        else outcomes.push(`${e.type} → not notified`);
      }
    };
    h.feed(NORMAL);
    h.feed({ ...NORMAL, spo2: 88 });
    h.wait(15_000);
    forward();
    h.feed({ ...NORMAL, spo2: 84 });
    forward();
    h.wait(31_000);
    forward();
    const spo2Alarm = h.engine.state("b1")?.alarms.find((a) => a.parameter === "spo2");
    expect(h.engine.acknowledge(spo2Alarm?.id ?? "", "nurse")).toBe(true);
    forward();
    const spo2 = outcomes.filter((o) => o.includes("spo2"));
    expect(spo2).toEqual([
      "raised:medium:spo2 → queued",
      "raised:high:spo2 → queued",
      "escalated:high:spo2 → queued",
    ]);
    expect(outcomes).toContain("acknowledged → not notified");
    // The engine also raised technical no_data alarms (no readings for a while): limited separately, so the
    // first one goes and does not hide the SpO2 alarm; the repeat within the minute is suppressed.
    expect(outcomes.filter((o) => o.includes("no data"))).toEqual([
      "raised:medium:no data from the bed's sensor node → queued",
      "raised:medium:no data from the bed's sensor node → suppressed",
    ]);
    await waitFor(() => service.stats().delivered === 4, "four pushes");
    const clinical = ntfy.accepted.filter((r) => !r.body.includes("Technical alarm"));
    const titles = clinical.map((r) => r.headers.title);
    // Everything was queued before the first send, so the most urgent went first.
    expect(titles).toEqual(["HIGH alarm: w bed b1", "HIGH ESCALATION: w bed b1", "MEDIUM alarm: w bed b1"]);
    expect(clinical[0]?.body).toContain("SpO2 84 %");
    expect(clinical[2]?.body).toContain("SpO2 88 %");
    await service.stop();
  });

  it("technical alarms say what is wrong with the equipment even when only the bed may be named", () => {
    const h = harness();
    h.feed(NORMAL);
    h.feed({ hr: null, spo2: null, temp: null }, ["sensor_off"]);
    h.wait(120_000);
    const raised = h.events.find((e) => e.type === "raised");
    expect(raised).toBeDefined();
    const n = raised ? alarmEventToNotification(raised, "w") : undefined;
    expect(n?.parameters).toEqual([]);
    const m = renderEvent(n ?? ({} as never), { minimisation: "bed_only", timeZone: "UTC" });
    expect(m.text).toMatch(/Technical alarm: (sensor off|no data)/);
  });
});
