import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isVitalsError } from "../../core/errors.js";
import { systemTime } from "../../core/time.js";
import {
  NotificationService,
  notificationsConfigSchema,
  renderEvent,
  SecretStore,
  signWebhook,
  verifyWebhook,
} from "../../gateway/notify/index.js";
import { haveTool } from "../support/require-tool.js";
import { waitFor } from "../support/wait-for.js";
import { alarmEvent, capturedLogger, tempDir } from "./helpers.js";
import { type HttpStandIn, startHttpStandIn, webhookCheck } from "./stand-ins.js";

describe("minimisation", () => {
  const e = alarmEvent();
  const render = (minimisation: "full" | "no_patient_id" | "bed_only") =>
    renderEvent(e, { minimisation, publicUrl: "https://icu.example/vitals/", timeZone: "Europe/Berlin" });

  it("full: ward, bed, patient id, values, priority, local time and the bed link", () => {
    const m = render("full");
    for (const s of ["ICU", "bed 12", "P-0042", "SpO2 86 %", "HR 131 /min", "HIGH"])
      expect(m.text).toContain(s);
    expect(m.text).toContain("2026-11-21 20:40:05 Europe/Berlin");
    expect(m.text).toContain("https://icu.example/vitals/#bed=12");
    expect(m.data).toMatchObject({ patient: "P-0042", bed: "12", ward: "ICU" });
  });

  it("no_patient_id keeps values, drops the patient id everywhere", () => {
    const m = render("no_patient_id");
    expect(JSON.stringify(m)).not.toContain("P-0042");
    expect(m.text).toContain("SpO2 86 %");
  });

  it("bed_only: no patient id and no values anywhere (text, title, summary, structured data)", () => {
    const m = render("bed_only");
    const all = JSON.stringify(m);
    expect(all).not.toContain("P-0042");
    expect(all).not.toMatch(/86|131|SpO2|HR /);
    expect(m.text).toContain("ICU bed 12");
    expect(m.link).toBe("https://icu.example/vitals/#bed=12");
  });

  it("bed names are encoded in the link", () => {
    const m = renderEvent(alarmEvent({ bed: "A 3/b" }), {
      minimisation: "bed_only",
      publicUrl: "https://x",
      timeZone: "UTC",
    });
    expect(m.link).toBe("https://x/#bed=A%203%2Fb");
  });

  it("for any event, bed_only output never contains the patient id or a value", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{2}-\d{5}$/),
        fc.array(fc.integer({ min: 100_000, max: 999_999 }), { minLength: 1, maxLength: 4 }),
        (patient, values) => {
          const ev = alarmEvent({
            patient,
            parameters: values.map((v) => ({ name: "hr", value: v, unit: "/min" })),
          });
          const s = JSON.stringify(renderEvent(ev, { minimisation: "bed_only", timeZone: "UTC" }));
          return !s.includes(patient) && values.every((v) => !s.includes(String(v)));
        },
      ),
    );
  });
});

describe("webhook signature", () => {
  it("verifies what was signed; any change to body, time or secret fails", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 1e9, max: 2e9 }),
        (body, secret, ts) => {
          const sig = signWebhook(secret, ts, body);
          const ok = verifyWebhook({
            secret,
            body,
            timestamp: String(ts),
            signature: sig,
            nowSeconds: ts + 10,
          });
          const tampered = verifyWebhook({
            secret,
            body: `${body}x`,
            timestamp: String(ts),
            signature: sig,
            nowSeconds: ts,
          });
          const otherSecret = verifyWebhook({
            secret: `${secret}!`,
            body,
            timestamp: String(ts),
            signature: sig,
            nowSeconds: ts,
          });
          const stale = verifyWebhook({
            secret,
            body,
            timestamp: String(ts),
            signature: sig,
            nowSeconds: ts + 301,
          });
          return ok.ok && !tampered.ok && !otherSecret.ok && !stale.ok;
        },
      ),
    );
  });

  it.skipIf(!haveTool("openssl", "openssl"))(
    "signs <timestamp>.<body> with HMAC-SHA256 (checked with openssl)",
    () => {
      const body = '{"bed":"12"}';
      const out = execFileSync("openssl", ["dgst", "-sha256", "-hmac", "k"], {
        input: `1700000000.${body}`,
      }).toString();
      expect(signWebhook("k", 1_700_000_000, body)).toBe(`v1=${/([0-9a-f]{64})/.exec(out)?.[1]}`);
    },
  );

  it("garbage headers are rejected, never accepted", () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.option(fc.string()), (ts, sig) => {
        const r = verifyWebhook({
          secret: "s",
          body: "{}",
          timestamp: ts ?? undefined,
          signature: sig ?? undefined,
          nowSeconds: Number(ts) || 0,
        });
        return !r.ok;
      }),
    );
  });
});

describe("secrets", () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it("a secrets file readable by group or others is refused; 0600 is accepted", () => {
    const f = join(tmp.dir, "token");
    writeFileSync(f, "file-secret-value\n");
    for (const mode of [0o644, 0o640, 0o604, 0o660]) {
      chmodSync(f, mode);
      let err: unknown;
      try {
        new SecretStore({}).resolve({ file: f }, "channel x: token");
      } catch (e) {
        err = e;
      }
      expect(isVitalsError(err, "config.invalid")).toBe(true);
      expect(String((err as Error).message)).toMatch(/chmod 600/);
      expect(String((err as Error).message)).not.toContain("file-secret-value");
    }
    chmodSync(f, 0o600);
    expect(new SecretStore({}).resolve({ file: f }, "x")).toBe("file-secret-value");
  });

  it("a missing environment variable is a clear config error naming the variable", () => {
    expect(() => new SecretStore({}).resolve({ env: "WA_TOKEN" }, 'channel "wa": accessToken')).toThrow(
      /channel "wa": accessToken: the environment variable WA_TOKEN is not set/,
    );
  });

  it("the config schema refuses a secret written in the config", () => {
    const r = notificationsConfigSchema.safeParse({
      channels: { hook: { type: "webhook", secret: "plain-text-secret" } },
    });
    expect(r.success).toBe(false);
  });

  describe("never logged, even when a provider echoes them back", () => {
    let echo: HttpStandIn;
    beforeEach(async () => {
      // A badly behaved provider that puts the credentials it received into its error message.
      echo = await startHttpStandIn((r) => ({
        status: 400,
        body: {
          error: `bad request, you sent ${r.headers.authorization} and ${r.headers["x-vitals-signature"]}`,
        },
      }));
    });
    afterEach(() => echo.close());

    it("WhatsApp token, Twilio token and webhook secret are redacted in logs and dead letters", async () => {
      const env = { WA: "EAAGsecretwhatsapptoken", TW: "twiliosecrettoken99", HOOK: "hooksecret123" };
      const log = capturedLogger();
      const db = new Database(join(tmp.dir, "g.db"));
      const service = new NotificationService({
        db,
        time: systemTime,
        logger: log.logger,
        env,
        config: notificationsConfigSchema.parse({
          enabled: true,
          channels: {
            wa: {
              type: "whatsapp_cloud",
              apiBaseUrl: echo.url,
              phoneNumberId: "1",
              accessToken: { env: "WA" },
              recipients: { "*": ["+4915100000"] },
            },
            tw: {
              type: "twilio",
              apiBaseUrl: echo.url,
              accountSid: "AC1",
              authToken: { env: "TW" },
              from: "+1555",
              recipients: { "*": ["+4915100000"] },
            },
            hook: { type: "webhook", secret: { env: "HOOK" }, recipients: { "*": [`${echo.url}/h`] } },
          },
        }),
      });
      service.start();
      service.enqueue(alarmEvent());
      await waitFor(() => service.stats().dead === 3, "three dead letters");
      await service.stop();
      const twilioBasic = Buffer.from(`AC1:${env.TW}`).toString("base64");
      const stored = JSON.stringify(service.deadLetters());
      for (const secret of [env.WA, env.TW, twilioBasic]) {
        expect(log.text()).not.toContain(secret);
        expect(stored).not.toContain(secret);
      }
      expect(stored).toContain("[redacted]");
      // The patient id never reaches the log either.
      expect(log.text()).not.toContain("P-0042");
      db.close();
    });
  });

  it("the webhook receiver check used in tests agrees with the signer", async () => {
    const s = await startHttpStandIn(webhookCheck("k", () => Math.floor(Date.now() / 1000)));
    const body = "{}";
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(s.url, {
      method: "POST",
      body,
      headers: { "x-vitals-timestamp": String(ts), "x-vitals-signature": signWebhook("k", ts, body) },
    });
    expect(res.status).toBe(204);
    await s.close();
  });
});
