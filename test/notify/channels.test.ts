import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChannelConfig,
  channelConfigSchema,
  createNotifier,
  DeliveryError,
  type Notifier,
  renderEvent,
  SecretStore,
} from "../../gateway/notify/index.js";
import { alarmEvent } from "./helpers.js";
import {
  type HttpStandIn,
  ntfyCheck,
  type SmtpStandIn,
  startHttpStandIn,
  startSmtpStandIn,
  twilioCheck,
  webhookCheck,
  whatsappCheck,
} from "./stand-ins.js";

const env = {
  WA_TOKEN: "EAAG-wa-token-1234567890",
  TW_TOKEN: "tw-auth-token-abcdef",
  SMTP_PASS: "smtp-pass-0987",
  NTFY_TOKEN: "tk_ntfytoken123",
  HOOK_SECRET: "whsec-shared-secret",
};
const message = renderEvent(alarmEvent(), {
  minimisation: "full",
  publicUrl: "https://icu.example/vitals",
  timeZone: "UTC",
});
const ctx = () => ({ deliveryId: 7, now: Date.now() });

function notifier(name: string, cfg: unknown): Notifier {
  return createNotifier(name, channelConfigSchema.parse(cfg) as ChannelConfig, {
    secrets: new SecretStore(env),
  });
}

async function failureOf(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DeliveryError) return e;
    throw e;
  }
  throw new Error("expected a DeliveryError");
}

describe("WhatsApp Business Cloud API", () => {
  let s: HttpStandIn;
  beforeAll(async () => {
    s = await startHttpStandIn(whatsappCheck("1098765", env.WA_TOKEN));
  });
  afterAll(() => s.close());
  const cfg = () => ({
    type: "whatsapp_cloud",
    apiBaseUrl: s.url,
    phoneNumberId: "1098765",
    accessToken: { env: "WA_TOKEN" },
    timeoutMs: 500,
  });

  it("sends a text message that the API accepts, returning the wamid", async () => {
    const r = await notifier("wa", cfg()).send(message, "+49 151 2345678", ctx());
    expect(r.providerId).toMatch(/^wamid\./);
    const req = s.accepted.at(-1);
    expect(req?.path).toBe("/v21.0/1098765/messages");
    const body = JSON.parse(req?.body ?? "{}");
    expect(body.to).toBe("+491512345678");
    expect(body.text.body).toContain("ICU bed 12");
  });

  it("sends an approved template with the configured body variables", async () => {
    const n = notifier("wa", { ...cfg(), template: { name: "vitals_alarm", language: "de" } });
    await n.send(message, "491512345678", ctx());
    const body = JSON.parse(s.accepted.at(-1)?.body ?? "{}");
    expect(body.template.name).toBe("vitals_alarm");
    expect(body.template.language.code).toBe("de");
    const vars = body.template.components[0].parameters.map((p: { text: string }) => p.text);
    expect(vars).toEqual(["HIGH", "ICU", "12", message.summary, "https://icu.example/vitals/#bed=12"]);
    for (const v of vars) expect(v).not.toMatch(/\n/);
  });

  it("a wrong token is a permanent failure (401)", async () => {
    const n = createNotifier("wa", channelConfigSchema.parse(cfg()), {
      secrets: new SecretStore({ WA_TOKEN: "wrong" }),
    });
    const e = await failureOf(n.send(message, "+491512345678", ctx()));
    expect(e.permanent).toBe(true);
    expect(e.status).toBe(401);
  });

  it("429 with Retry-After is retryable after the given delay; 500 retryable; time-out retryable", async () => {
    const n = notifier("wa", cfg());
    s.faults.push({ status: 429, headers: { "retry-after": "7" }, body: { error: { code: 130429 } } });
    const e429 = await failureOf(n.send(message, "+491512345678", ctx()));
    expect([e429.permanent, e429.retryAfterMs]).toEqual([false, 7000]);
    s.faults.push({ status: 503, body: "upstream" });
    expect((await failureOf(n.send(message, "+491512345678", ctx()))).permanent).toBe(false);
    s.faults.push("hang");
    // The provider never answers: the channel's own 500 ms time-out ends the attempt (a missing one
    // would hang the test), and says so.
    const eT = await failureOf(n.send(message, "+491512345678", ctx()));
    expect(eT.permanent).toBe(false);
    expect(eT.message).toMatch(/within 500 ms/);
  });

  it("a redirect is not followed (the token must not travel elsewhere) and is not retried", async () => {
    const n = notifier("wa", cfg());
    s.faults.push({ status: 307, headers: { location: "http://127.0.0.1:1/elsewhere" } });
    const e = await failureOf(n.send(message, "+491512345678", ctx()));
    expect([e.permanent, e.status]).toEqual([true, 307]);
  });

  it("a 2xx with a garbage body still counts as accepted; a huge error body is cut short", async () => {
    const n = notifier("wa", cfg());
    s.faults.push({ status: 200, body: "<html>not json" });
    expect(await n.send(message, "+491512345678", ctx())).toEqual({});
    s.faults.push({ status: 500, body: "x".repeat(1_000_000) });
    const e = await failureOf(n.send(message, "+491512345678", ctx()));
    expect(e.message.length).toBeLessThan(400);
  });

  it("408 retries, other 4xx do not", async () => {
    const n = notifier("wa", cfg());
    s.faults.push({ status: 408 });
    expect((await failureOf(n.send(message, "+491512345678", ctx()))).permanent).toBe(false);
    s.faults.push({ status: 404 });
    expect((await failureOf(n.send(message, "+491512345678", ctx()))).permanent).toBe(true);
  });

  it("a refused connection is retryable", async () => {
    const n = notifier("wa", { ...cfg(), apiBaseUrl: "http://127.0.0.1:1" });
    const e = await failureOf(n.send(message, "+491512345678", ctx()));
    expect(e.permanent).toBe(false);
    expect(e.message).toMatch(/network error/);
  });
});

describe("Twilio Messages API", () => {
  let s: HttpStandIn;
  const sid = `AC${"1".repeat(32)}`;
  beforeAll(async () => {
    s = await startHttpStandIn(twilioCheck(sid, env.TW_TOKEN));
  });
  afterAll(() => s.close());
  const cfg = (over: object = {}) => ({
    type: "twilio",
    apiBaseUrl: s.url,
    accountSid: sid,
    authToken: { env: "TW_TOKEN" },
    from: "+14155238886",
    ...over,
  });

  it("WhatsApp through Twilio: whatsapp: addresses, 201 with the message sid", async () => {
    const r = await notifier("tw", cfg()).send(message, "+491512345678", ctx());
    expect(r.providerId).toMatch(/^SM/);
    const f = new URLSearchParams(s.accepted.at(-1)?.body);
    expect(f.get("To")).toBe("whatsapp:+491512345678");
    expect(f.get("From")).toBe("whatsapp:+14155238886");
    expect(f.get("Body")).toBe(message.text);
  });

  it("SMS mode sends plain numbers; a messaging service replaces From", async () => {
    await notifier("sms", cfg({ mode: "sms" })).send(message, "+491512345678", ctx());
    expect(new URLSearchParams(s.accepted.at(-1)?.body).get("To")).toBe("+491512345678");
    await notifier("sms", cfg({ mode: "sms", from: undefined, messagingServiceSid: "MG123" })).send(
      message,
      "+491512345678",
      ctx(),
    );
    const f = new URLSearchParams(s.accepted.at(-1)?.body);
    expect([f.get("From"), f.get("MessagingServiceSid")]).toEqual([null, "MG123"]);
  });

  it("an invalid number (400, code 21211) is permanent", async () => {
    const e = await failureOf(notifier("tw", cfg()).send(message, "0151-not-a-number", ctx()));
    expect(e.permanent).toBe(true);
    expect(e.message).toContain("21211");
  });
});

describe("ntfy", () => {
  let s: HttpStandIn;
  beforeAll(async () => {
    s = await startHttpStandIn(ntfyCheck(env.NTFY_TOKEN));
  });
  afterAll(() => s.close());

  it("posts to the topic with Title/Priority/Tags/Click headers and the bearer token", async () => {
    const n = notifier("push", { type: "ntfy", serverUrl: s.url, token: { env: "NTFY_TOKEN" } });
    const r = await n.send(message, "icu-alarms", ctx());
    expect(r.providerId).toBe("hwQ2YpKdmg");
    const req = s.accepted.at(-1);
    expect(req?.path).toBe("/icu-alarms");
    expect(req?.headers.title).toBe(message.title);
    expect(req?.headers.priority).toBe("5");
    expect(req?.headers.tags).toBe("rotating_light");
    expect(req?.headers.click).toBe("https://icu.example/vitals/#bed=12");
    expect(req?.body).toBe(message.text);
  });

  it("without the token the server refuses (403) and that is permanent", async () => {
    const n = notifier("push", { type: "ntfy", serverUrl: s.url });
    expect((await failureOf(n.send(message, "icu-alarms", ctx()))).status).toBe(403);
  });

  it("non-Latin-1 ward names do not break the headers", async () => {
    const n = notifier("push", { type: "ntfy", serverUrl: s.url, token: { env: "NTFY_TOKEN" } });
    const m = renderEvent(alarmEvent({ ward: "Intensivstation Süd ✚" }), {
      minimisation: "bed_only",
      timeZone: "UTC",
    });
    await n.send(m, "icu-alarms", ctx());
    expect(s.accepted.at(-1)?.body).toContain("Süd ✚");
  });
});

describe("webhook", () => {
  let s: HttpStandIn;
  beforeAll(async () => {
    s = await startHttpStandIn(webhookCheck(env.HOOK_SECRET, () => Math.floor(Date.now() / 1000)));
  });
  afterAll(() => s.close());

  it("signs the body so that the receiver's verification passes", async () => {
    const n = notifier("hook", { type: "webhook", secret: { env: "HOOK_SECRET" } });
    await n.send(message, `${s.url}/vitals`, ctx());
    const req = s.accepted.at(-1);
    const body = JSON.parse(req?.body ?? "{}");
    expect(body).toMatchObject({ type: "vitals.notification", deliveryId: 7, bed: "12", priority: "high" });
    expect(req?.headers["x-vitals-delivery"]).toBe("7");
  });

  it("a wrong secret is rejected by the receiver (401, permanent)", async () => {
    const n = createNotifier("hook", channelConfigSchema.parse({ type: "webhook", secret: { env: "S" } }), {
      secrets: new SecretStore({ S: "another-secret" }),
    });
    expect((await failureOf(n.send(message, `${s.url}/vitals`, ctx()))).status).toBe(401);
  });

  it("a signature made long ago is stale for the receiver", async () => {
    const n = notifier("hook", { type: "webhook", secret: { env: "HOOK_SECRET" } });
    const e = await failureOf(
      n.send(message, `${s.url}/vitals`, { deliveryId: 8, now: Date.now() - 3_600_000 }),
    );
    expect(e.status).toBe(401);
    expect(e.message).toContain("stale");
  });
});

describe("SMTP (STARTTLS + AUTH)", () => {
  let smtp: SmtpStandIn;
  beforeAll(async () => {
    smtp = await startSmtpStandIn("alarms@icu.example", env.SMTP_PASS);
  });
  afterAll(() => smtp.close());
  const cfg = (over: object = {}) => ({
    type: "smtp",
    host: "127.0.0.1",
    port: smtp.port,
    security: "starttls",
    rejectUnauthorized: false,
    auth: { user: "alarms@icu.example", pass: { env: "SMTP_PASS" } },
    from: "Vitals <alarms@icu.example>",
    timeoutMs: 3_000,
    ...over,
  });

  it("delivers over an upgraded connection after authenticating", async () => {
    const n = notifier("mail", cfg());
    const r = await n.send(message, "nurse@icu.example", ctx());
    await n.close?.();
    expect(r.providerId).toBeTruthy();
    const m = smtp.messages.at(-1);
    expect(m?.to).toEqual(["nurse@icu.example"]);
    expect(m?.secure).toBe(true);
    expect(m?.raw).toContain(`Subject: ${message.title}`);
    expect(m?.raw).toContain("SpO2 86 %");
  });

  it("a wrong password (535) and an unknown mailbox (550) are permanent", async () => {
    const bad = createNotifier("mail", channelConfigSchema.parse(cfg()), {
      secrets: new SecretStore({ SMTP_PASS: "nope" }),
    });
    const e = await failureOf(bad.send(message, "nurse@icu.example", ctx()));
    expect([e.permanent, e.status]).toEqual([true, 535]);
    const n = notifier("mail", cfg());
    const e2 = await failureOf(n.send(message, "nobody@icu.example", ctx()));
    expect(e2.permanent).toBe(true);
  });

  it("implicit TLS (port 465 style) works too", async () => {
    const tls = await startSmtpStandIn("alarms@icu.example", env.SMTP_PASS, { implicitTls: true });
    try {
      const n = notifier("mail", cfg({ port: tls.port, security: "tls" }));
      await n.send(message, "nurse@icu.example", ctx());
      await n.close?.();
      expect(tls.messages.at(-1)?.secure).toBe(true);
    } finally {
      await tls.close();
    }
  });

  it("starttls refuses a server that does not offer it: no password in the clear, no delivery", async () => {
    const plain = await startSmtpStandIn("alarms@icu.example", env.SMTP_PASS, { noStartTls: true });
    try {
      const e = await failureOf(
        notifier("mail", cfg({ port: plain.port })).send(message, "nurse@icu.example", ctx()),
      );
      expect(e.permanent).toBe(true);
      expect(plain.messages).toHaveLength(0);
      // The same server does take mail from a client that does not insist on TLS (a local relay set-up).
      await notifier("mail", cfg({ port: plain.port, security: "none" })).send(
        message,
        "nurse@icu.example",
        ctx(),
      );
      expect(plain.messages.map((m) => m.secure)).toEqual([false]);
    } finally {
      await plain.close();
    }
  });

  it("no server listening is retryable", async () => {
    const e = await failureOf(notifier("mail", cfg({ port: 1 })).send(message, "nurse@icu.example", ctx()));
    expect(e.permanent).toBe(false);
  });
});
