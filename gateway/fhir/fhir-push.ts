import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import { type DeliveryOutcome, DeliveryPump, type OutboxTransport } from "../interop/delivery-pump.js";
import type { InteropOutbox, OutboxRow } from "../interop/interop-outbox.js";
import type { ReadingFeed, StoredReading } from "../interop/reading-feed.js";
import { SecretStore } from "../notify/secrets.js";
import type { FhirPushConfig } from "./fhir-config.js";
import { type FhirResource, toDevice, toObservations, toPatient } from "./fhir-resources.js";

const SCAN = 500;

/**
 * A FHIR transaction Bundle of readings: PUT of every Observation under its stable id (so a resent
 * Bundle replaces, never duplicates), with the Patients and Devices they reference.
 */
export function transactionBundle(
  id: string,
  readings: StoredReading[],
  patientSystem: string,
): FhirResource {
  const entries: { resource: FhirResource; request: { method: "PUT"; url: string } }[] = [];
  const seen = new Set<string>();
  const put = (resource: FhirResource) => {
    const url = `${resource.resourceType}/${resource.id}`;
    if (seen.has(url)) return;
    seen.add(url);
    entries.push({ resource, request: { method: "PUT", url } });
  };
  for (const r of readings) {
    if (!r.patient) continue;
    put(toPatient(r.patient, patientSystem));
    put(toDevice(r.node));
    for (const o of toObservations(r)) put(o);
  }
  return { resourceType: "Bundle", id, type: "transaction", entry: entries };
}

/** POSTs Bundles and judges the answer: 2xx delivered, 408/429/5xx retried, other 4xx dead-lettered. */
export class FhirTransport implements OutboxTransport {
  private readonly headers: Record<string, string>;

  constructor(
    readonly name: string,
    private readonly config: FhirPushConfig,
    private readonly secrets: SecretStore,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.headers = { "content-type": "application/fhir+json", accept: "application/fhir+json" };
    const auth = config.auth;
    if (auth && "bearer" in auth) {
      this.headers.authorization = `Bearer ${secrets.resolve(auth.bearer, "fhir.push.auth.bearer")}`;
    } else if (auth) {
      const pass = secrets.resolve(auth.basic.password, "fhir.push.auth.basic.password");
      const cred = Buffer.from(`${auth.basic.username}:${pass}`).toString("base64");
      secrets.remember(cred);
      this.headers.authorization = `Basic ${cred}`;
    }
  }

  async deliver(row: OutboxRow): Promise<DeliveryOutcome> {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.config.timeoutMs);
    try {
      let res: Response;
      let text: string;
      try {
        res = await this.fetchImpl(this.config.baseUrl, {
          method: "POST",
          headers: this.headers,
          body: row.payload,
          signal: ac.signal,
          redirect: "manual",
        });
        text = await res.text();
      } catch (e) {
        const err = e as { name?: string; message?: string; cause?: { code?: string } };
        return {
          kind: "unreachable",
          error: this.secrets.redact(
            err.name === "AbortError"
              ? `no answer within ${this.config.timeoutMs} ms`
              : (err.cause?.code ?? err.message ?? String(e)),
          ),
        };
      }
      const response = this.secrets.redact(text.slice(0, 20_000));
      if (res.status >= 200 && res.status < 300) return { kind: "delivered", response };
      const error = `HTTP ${res.status}${outcomeText(text)}`;
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        const ra = Number(res.headers.get("retry-after"));
        return {
          kind: "retry",
          error,
          response,
          ...(Number.isFinite(ra) && ra > 0 ? { retryAfterMs: Math.min(ra * 1000, 600_000) } : {}),
        };
      }
      return { kind: "dead", error, response };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The first issue's diagnostics of an OperationOutcome body, for the dead letter's one-line reason. */
function outcomeText(body: string): string {
  try {
    const o = JSON.parse(body) as {
      resourceType?: string;
      issue?: { diagnostics?: string; code?: string }[];
    };
    const i = o.resourceType === "OperationOutcome" ? o.issue?.[0] : undefined;
    return i ? `: ${i.code ?? ""} ${i.diagnostics ?? ""}`.trimEnd() : "";
  } catch {
    return "";
  }
}

/** Pushes new readings to a FHIR server as transaction Bundles, through the durable outbox. */
export class FhirPush {
  readonly channel: string;
  readonly pump: DeliveryPump;

  constructor(
    private readonly d: {
      config: FhirPushConfig;
      patientSystem: string;
      outbox: InteropOutbox;
      feed: ReadingFeed;
      time: TimeSource;
      logger: Logger;
      controlPrefix: string;
      env: NodeJS.ProcessEnv;
      fetchImpl?: typeof fetch;
    },
  ) {
    this.channel = `fhir:${d.config.baseUrl}`;
    this.pump = new DeliveryPump(
      new FhirTransport(this.channel, d.config, new SecretStore(d.env), d.fetchImpl),
      { outbox: d.outbox, time: d.time, logger: d.logger, retry: d.config.retry },
    );
  }

  start(): void {
    if (this.d.outbox.cursor(this.channel) === undefined)
      this.d.outbox.setCursor(this.channel, this.d.feed.lastId());
    this.catchUp();
    this.pump.start();
  }

  stop(): Promise<void> {
    return this.pump.stop();
  }

  readingsStored(): void {
    this.catchUp();
    this.pump.kick(0);
  }

  /** New readings after the cursor become Bundles of up to batchSize readings each. */
  catchUp(): void {
    const { outbox, feed, config } = this.d;
    for (;;) {
      const from = outbox.cursor(this.channel) ?? 0;
      const rows = feed.after(from, SCAN);
      if (rows.length === 0) return;
      const withPatient = rows.filter((r) => r.patient);
      outbox.transaction(() => {
        for (let i = 0; i < withPatient.length; i += config.batchSize) {
          const batch = withPatient.slice(i, i + config.batchSize);
          outbox.enqueue(
            this.channel,
            "all",
            "Bundle",
            this.d.controlPrefix,
            (id) => JSON.stringify(transactionBundle(id, batch, this.d.patientSystem)),
            this.d.time.now(),
          );
        }
        outbox.setCursor(this.channel, (rows[rows.length - 1] as StoredReading).id);
      });
      if (rows.length < SCAN) return;
    }
  }
}
