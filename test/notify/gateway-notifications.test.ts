import { afterEach, describe, expect, it } from "vitest";
import { systemTime } from "../../core/time.js";
import type { NotificationService } from "../../gateway/notify/index.js";
import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { waitFor } from "../support/wait-for.js";
import {
  type HttpStandIn,
  type SmtpStandIn,
  startHttpStandIn,
  startSmtpStandIn,
  whatsappCheck,
} from "./stand-ins.js";

const env = { WA_TOKEN: "EAAG-e2e-token", SMTP_PASS: "e2e-smtp-pass" };

describe("gateway → notifications end to end", () => {
  let gw: TestGateway | undefined;
  let wa: HttpStandIn | undefined;
  let smtp: SmtpStandIn | undefined;
  afterEach(async () => {
    await gw?.stop();
    await wa?.close();
    await smtp?.close();
  });

  it("a patient turning critical reaches WhatsApp and e-mail at once; 10 s later nothing more is sent", async () => {
    wa = await startHttpStandIn(whatsappCheck("1098765", env.WA_TOKEN));
    smtp = await startSmtpStandIn("alarms@icu.example", env.SMTP_PASS);
    // Real timers with a clock the test moves by hand.
    let t = Date.now();
    const time = { ...systemTime, now: () => t };
    gw = await startTestGateway({
      time,
      env,
      // The console's one-per-minute floor is off so that the notification layer's limit is what is tested.
      config: {
        publicUrl: "https://icu.example/vitals",
        alerts: { perPatientIntervalMs: 0, console: false },
        alarms: { defaultProfile: "original" },
        notifyOn: "critical",
        notifications: {
          enabled: true,
          minimisation: "bed_only",
          channels: {
            wa: {
              type: "whatsapp_cloud",
              apiBaseUrl: wa.url,
              phoneNumberId: "1098765",
              accessToken: { env: "WA_TOKEN" },
              recipients: { ICU: ["+491511111111"] },
            },
            mail: {
              type: "smtp",
              host: "127.0.0.1",
              port: smtp.port,
              security: "starttls",
              rejectUnauthorized: false,
              auth: { user: "alarms@icu.example", pass: { env: "SMTP_PASS" } },
              from: "alarms@icu.example",
              recipients: { ICU: ["charge-nurse@icu.example"] },
            },
          },
        },
      },
    });
    const service = gw.gateway.notifications as NotificationService;

    const node = await connectNode(gw.tcpPort, { node: "n1", bed: "12", patient: "P-0042", ward: "ICU" });
    node.send(vitals(1));
    await node.waitAck(1);
    const t0 = performance.now();
    node.send(vitals(2, { spo2: 88 })); // the original profile: a medium SpO2 alarm at once → CRITICAL
    await waitFor(
      () => wa?.accepted.length === 1 && smtp?.messages.length === 1,
      "WhatsApp and e-mail",
      2_000,
    );
    const elapsed = performance.now() - t0;
    expect(JSON.parse(wa.accepted[0]?.body ?? "{}").text.body).toContain("ICU bed 12");
    expect(smtp.messages[0]?.to).toEqual(["charge-nurse@icu.example"]);
    expect(smtp.messages[0]?.raw).toContain("https://icu.example/vitals/#bed=12");
    expect(smtp.messages[0]?.raw).not.toContain("P-0042");
    await waitFor(() => service.stats().delivered === 2, "both marked delivered");

    // 10 s later the alarm ends and comes back: a new alarm event, inside the patient's 60 s window.
    t += 5_000;
    node.send(vitals(3, { spo2: 97 }));
    await node.waitAck(3);
    t += 5_000;
    node.send(vitals(4, { spo2: 87 }));
    await node.waitAck(4);
    await waitFor(() => service.stats().counters.enqueued === 2, "second alarm reaching the service");
    expect(service.stats()).toMatchObject({ pending: 0, delivered: 2, counters: { suppressed: 1 } });
    expect(wa.all).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);
    node.close();
    console.log(`critical reading → WhatsApp + e-mail delivered in ${elapsed.toFixed(0)} ms`);
  });
});

describe("notifications configured in the gateway", () => {
  let gw: TestGateway | undefined;
  let wa: HttpStandIn | undefined;
  afterEach(async () => {
    await gw?.stop();
    await wa?.close();
  });

  it("with notifyOn=alarms, a high-priority alarm from the engine reaches WhatsApp without any glue code", async () => {
    wa = await startHttpStandIn(whatsappCheck("555", env.WA_TOKEN));
    gw = await startTestGateway({
      env,
      config: {
        notifyOn: "alarms",
        notifications: {
          enabled: true,
          channels: {
            wa: {
              type: "whatsapp_cloud",
              apiBaseUrl: wa.url,
              phoneNumberId: "555",
              accessToken: { env: "WA_TOKEN" },
              recipients: { ICU: ["+491511111111"] },
            },
          },
        },
      },
    });
    const node = await connectNode(gw.tcpPort, { node: "n9", bed: "9", ward: "ICU" });
    node.send(vitals(1, { spo2: 80 })); // below the adult critical limit: high priority at once
    await node.waitAck(1);
    await waitFor(() => wa?.accepted.length === 1, "WhatsApp message", 2_000);
    expect(JSON.parse(wa.accepted[0]?.body ?? "{}").text.body).toMatch(/ICU bed 9/);
    await waitFor(() => gw?.gateway.notifications?.stats().delivered === 1, "marked delivered");
    node.close();
  });

  it("refuses to start when a channel's secret is missing, naming the variable", async () => {
    await expect(
      startTestGateway({
        env: {},
        config: {
          notifications: {
            enabled: true,
            channels: {
              wa: { type: "whatsapp_cloud", phoneNumberId: "1", accessToken: { env: "NOT_SET_TOKEN" } },
            },
          },
        },
      }),
    ).rejects.toThrow(/NOT_SET_TOKEN/);
  });
});
