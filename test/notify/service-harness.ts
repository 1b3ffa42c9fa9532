import { join } from "node:path";
import Database from "better-sqlite3";
import { systemTime } from "../../core/time.js";
import {
  NotificationService,
  type NotificationsConfigInput,
  notificationsConfigSchema,
} from "../../gateway/notify/index.js";
import { capturedLogger } from "./helpers.js";
import { type HttpStandIn, startHttpStandIn, whatsappCheck } from "./stand-ins.js";

export const WA_TOKEN = "EAAG-service-test-token-42";

/** A NotificationService on a real SQLite file, delivering to a WhatsApp Cloud stand-in. */
export interface ServiceRig {
  wa: HttpStandIn;
  dbPath: string;
  service: NotificationService;
  db: Database.Database;
  logs(): string;
  /** Stops the service and closes the database, like a gateway shutting down. */
  shutdown(): Promise<void>;
  /** Opens the same database file with a new service (a restarted gateway). */
  restart(): Promise<void>;
}

type ChannelInput = NonNullable<NotificationsConfigInput["channels"]>[string];

export function waChannel(wa: HttpStandIn, over: Record<string, unknown> = {}): ChannelInput {
  return {
    type: "whatsapp_cloud",
    apiBaseUrl: wa.url,
    phoneNumberId: "1098765",
    accessToken: { env: "WA_TOKEN" },
    recipients: { ICU: ["+491511111111"], "*": ["+491519999999"] },
    timeoutMs: 1_000,
    ...over,
  } as ChannelInput;
}

export function baseConfig(
  wa: HttpStandIn,
  over: Partial<NotificationsConfigInput> = {},
): NotificationsConfigInput {
  return {
    enabled: true,
    minimisation: "no_patient_id",
    channels: { wa: waChannel(wa) },
    retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 8_000, jitter: 0 },
    ...over,
  };
}

export async function startRig(
  dir: string,
  config: (wa: HttpStandIn) => NotificationsConfigInput = (wa) => baseConfig(wa),
): Promise<ServiceRig> {
  const wa = await startHttpStandIn(whatsappCheck("1098765", WA_TOKEN));
  const dbPath = join(dir, "gateway.db");
  const log = capturedLogger();
  const make = () => {
    const db = new Database(dbPath);
    const service = new NotificationService({
      db,
      time: systemTime,
      logger: log.logger,
      config: notificationsConfigSchema.parse(config(wa)),
      publicUrl: "https://icu.example/vitals",
      env: { WA_TOKEN },
      random: () => 0.5,
    });
    return { db, service };
  };
  const rig: ServiceRig = {
    wa,
    dbPath,
    ...make(),
    logs: log.text,
    async shutdown() {
      await rig.service.stop();
      rig.db.close();
    },
    async restart() {
      await rig.shutdown();
      Object.assign(rig, make());
      rig.service.start();
    },
  };
  return rig;
}
