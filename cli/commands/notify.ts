import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { isVitalsError } from "../../core/errors.js";
import {
  createNotifier,
  DeliveryError,
  type NotificationsConfig,
  notificationsConfigSchema,
  PRIORITIES,
  type Priority,
  recipientsFor,
  renderEvent,
  SecretStore,
} from "../../gateway/notify/index.js";

interface TestOptions {
  channel: string;
  config: string;
  ward?: string;
  to?: string;
  priority: string;
}

/** The gateway config file holds the section under `notifications`; a file with only the section works too. */
function loadSection(file: string): { cfg: NotificationsConfig; publicUrl: string | undefined } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  const obj = (raw ?? {}) as Record<string, unknown>;
  const section = "notifications" in obj ? obj.notifications : obj;
  const r = notificationsConfigSchema.safeParse(section);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - notifications.${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid notifications configuration in ${file}:\n${lines.join("\n")}`);
  }
  return { cfg: r.data, publicUrl: typeof obj.publicUrl === "string" ? obj.publicUrl : undefined };
}

async function testChannel(o: TestOptions): Promise<number> {
  const { cfg, publicUrl } = loadSection(o.config);
  const ch = cfg.channels[o.channel];
  if (!ch) {
    const known = Object.keys(cfg.channels);
    throw new Error(
      `unknown channel "${o.channel}"; ${known.length ? `configured: ${known.join(", ")}` : "no channels are configured"}`,
    );
  }
  if (!PRIORITIES.includes(o.priority as Priority))
    throw new Error(`--priority must be one of ${PRIORITIES.join(", ")}`);
  if (!ch.enabled)
    console.log(`note: channel "${o.channel}" is disabled in the configuration; testing it anyway`);
  const secrets = new SecretStore(process.env);
  const notifier = createNotifier(o.channel, ch, { secrets });
  const ward = o.ward ?? null;
  const recipients = o.to
    ? [o.to]
    : o.ward !== undefined
      ? recipientsFor(ch, ward)
      : [...new Set(Object.values(ch.recipients).flat())];
  if (recipients.length === 0)
    throw new Error(`channel "${o.channel}" has no recipients${o.ward ? ` for ward ${o.ward}` : ""}`);
  const message = renderEvent(
    {
      kind: "test",
      priority: o.priority as Priority,
      ward: ward ?? "TEST",
      bed: "0",
      patient: null,
      parameters: [],
      at: Date.now(),
    },
    { minimisation: cfg.minimisation, publicUrl, timeZone: cfg.timeZone },
  );
  let failures = 0;
  try {
    for (const [i, to] of recipients.entries()) {
      const t0 = performance.now();
      try {
        const r = await notifier.send(message, to, { deliveryId: i + 1, now: Date.now() });
        const ms = Math.round(performance.now() - t0);
        console.log(
          `ok    ${o.channel} (${ch.type}) → ${to}: accepted${r.providerId ? ` as ${r.providerId}` : ""} in ${ms} ms`,
        );
      } catch (e) {
        failures++;
        const kind =
          e instanceof DeliveryError ? (e.permanent ? "permanent failure" : "temporary failure") : "error";
        const why = secrets.redact(e instanceof Error ? e.message : String(e));
        console.log(`FAIL  ${o.channel} (${ch.type}) → ${to}: ${kind}: ${why}`);
      }
    }
  } finally {
    await notifier.close?.();
  }
  return failures === 0 ? 0 : 1;
}

export function register(program: Command): void {
  const notify = program
    .command("notify")
    .description("remote notifications (WhatsApp, SMS, e-mail, ntfy, webhook)");
  notify
    .command("test")
    .description("send a test message through one channel and print what the provider answered")
    .requiredOption("--channel <name>", "channel name from the notifications configuration")
    .option(
      "--config <file>",
      "gateway configuration file (JSON)",
      process.env.VITALS_CONFIG ?? "vitals.config.json",
    )
    .option("--ward <ward>", "send to this ward's recipients (default: every configured recipient)")
    .option("--to <recipient>", "send to this recipient only")
    .option("--priority <priority>", "priority of the test message: high, medium or low", "high")
    .action(async (o: TestOptions) => {
      try {
        process.exitCode = await testChannel(o);
      } catch (e) {
        // Config problems (unknown channel, missing secret, bad file) are the installer's to fix: no stack.
        console.error(`error: ${isVitalsError(e) || e instanceof Error ? e.message : String(e)}`);
        process.exitCode = 2;
      }
    });
}
