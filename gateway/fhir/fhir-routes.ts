import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ReadingFeed } from "../interop/reading-feed.js";
import { capabilityStatement } from "./capability-statement.js";
import type { FhirConfig } from "./fhir-config.js";
import {
  type FhirResource,
  fromFhirId,
  OBSERVATION_KEYS,
  observationId,
  parseObservationId,
  toDevice,
  toObservation,
  toPatient,
} from "./fhir-resources.js";
import { ObservationSearch, parseObservationSearch, SearchError } from "./observation-search.js";

export const FHIR_JSON = "application/fhir+json";

export interface FhirRouteDeps {
  feed: ReadingFeed;
  config: FhirConfig;
  /** Whether a patient is known (has readings or a stay). */
  knowsPatient(patient: string): boolean;
  knowsNode(node: string): boolean;
  startedAt: string;
}

export function operationOutcome(code: string, diagnostics: string): FhirResource {
  return { resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] };
}

/** application/fhir+json, application/json, or anything that accepts them; absent Accept is fine too. */
function acceptable(req: FastifyRequest): boolean {
  const fmt = (req.query as Record<string, unknown>)._format;
  if (typeof fmt === "string" && !["json", "application/json", FHIR_JSON].includes(fmt)) return false;
  const accept = req.headers.accept;
  if (!accept) return true;
  return accept
    .split(",")
    .map((p) => (p.split(";")[0] as string).trim().toLowerCase())
    .some((t) => t === FHIR_JSON || t === "application/json" || t === "*/*" || t === "application/*");
}

function send(reply: FastifyReply, status: number, body: FhirResource): FhirResource {
  reply.code(status).type(`${FHIR_JSON}; charset=utf-8`);
  return body;
}

function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.headers.host ?? "localhost"}/fhir`;
}

/** Query string → name → values (repeated parameters such as date=ge…&date=le… kept). */
function params(req: FastifyRequest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const q = new URL(req.url, "http://x").searchParams;
  for (const [k, v] of q) {
    const list = out[k] ?? [];
    list.push(v);
    out[k] = list;
  }
  return out;
}

/**
 * The FHIR R4 read API under /fhir (guarded like /api/* once access control lands: every route is
 * registered here). JSON only, answered as application/fhir+json; errors are OperationOutcomes.
 */
export function registerFhirRoutes(app: FastifyInstance, d: FhirRouteDeps): void {
  const search = new ObservationSearch(d.feed.db);

  app.register(
    async (fhir) => {
      fhir.addHook("onRequest", async (req, reply) => {
        if (!acceptable(req)) {
          return reply
            .code(406)
            .type(`${FHIR_JSON}; charset=utf-8`)
            .send(operationOutcome("not-supported", "only application/fhir+json is served"));
        }
      });
      fhir.setNotFoundHandler((_req, reply) =>
        send(reply, 404, operationOutcome("not-supported", "no such FHIR interaction here")),
      );

      fhir.get("/metadata", async (req, reply) =>
        send(
          reply,
          200,
          capabilityStatement({
            baseUrl: baseUrl(req),
            software: "vitals",
            version: "0.1.0",
            date: d.startedAt,
          }),
        ),
      );

      fhir.get("/Observation", async (req, reply) => {
        let q: ReturnType<typeof parseObservationSearch>;
        try {
          q = parseObservationSearch(params(req), d.config);
        } catch (e) {
          if (e instanceof SearchError) return send(reply, 400, operationOutcome("invalid", e.message));
          throw e;
        }
        const { hits, more } = q.count === 0 ? { hits: [], more: false } : search.page(q);
        const base = baseUrl(req);
        const self = new URL(req.url, "http://x");
        const link = [{ relation: "self", url: `${base}/Observation${self.search}` }];
        const first = new URLSearchParams(self.search);
        first.delete("_cursor");
        link.push({ relation: "first", url: `${base}/Observation?${first}` });
        const last = hits[hits.length - 1];
        if (more && last) {
          const next = new URLSearchParams(first);
          next.set("_cursor", `${last.reading.id}.${OBSERVATION_KEYS.indexOf(last.key)}`);
          link.push({ relation: "next", url: `${base}/Observation?${next}` });
        }
        return send(reply, 200, {
          resourceType: "Bundle",
          type: "searchset",
          total: search.total(q),
          link,
          entry: hits.map((h) => ({
            fullUrl: `${base}/Observation/${observationId(h.reading.id, h.key)}`,
            resource: toObservation(h.reading, h.key),
            search: { mode: "match" },
          })),
        });
      });

      fhir.get("/Observation/:id", async (req, reply) => {
        const id = (req.params as { id: string }).id;
        const ref = parseObservationId(id);
        const r = ref ? d.feed.byId(ref.readingId) : undefined;
        const obs = ref && r ? toObservation(r, ref.key) : undefined;
        if (!obs) return send(reply, 404, operationOutcome("not-found", `Observation/${id} is not known`));
        return send(reply, 200, obs);
      });

      fhir.get("/Patient/:id", async (req, reply) => {
        const id = (req.params as { id: string }).id;
        const patient = fromFhirId(id);
        if (patient === undefined || !d.knowsPatient(patient)) {
          return send(reply, 404, operationOutcome("not-found", `Patient/${id} is not known`));
        }
        return send(reply, 200, toPatient(patient, d.config.patientIdentifierSystem));
      });

      fhir.get("/Device/:id", async (req, reply) => {
        const id = (req.params as { id: string }).id;
        const node = fromFhirId(id);
        if (node === undefined || !d.knowsNode(node)) {
          return send(reply, 404, operationOutcome("not-found", `Device/${id} is not known`));
        }
        return send(reply, 200, toDevice(node));
      });
    },
    { prefix: "/fhir" },
  );
}
