/**
 * A local stand-in for a FHIR server (no FHIR server from npm runs here without PostgreSQL/Redis or a
 * storage plugin of its own): accepts POSTed transaction Bundles on loopback, validates each one with
 * the @medplum/core R4 validator, stores PUT resources by type/id, and answers like a FHIR server —
 * a transaction-response Bundle, or an OperationOutcome with 400 (invalid) / 401 / a scripted 5xx.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { fhirProblems } from "./fhir-validator.js";

export interface FhirStandIn {
  url: string;
  bundles: { id: string; entries: number }[];
  resources: Map<string, Record<string, unknown>>;
  rejected: string[][];
  /** The next n requests get this status (e.g. 503). */
  failNext(status: number, n: number): void;
  close(): Promise<void>;
}

const outcome = (code: string, diagnostics: string) =>
  JSON.stringify({ resourceType: "OperationOutcome", issue: [{ severity: "error", code, diagnostics }] });

async function body(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

export async function startFhirStandIn(opts: { bearer?: string } = {}): Promise<FhirStandIn> {
  const bundles: FhirStandIn["bundles"] = [];
  const resources = new Map<string, Record<string, unknown>>();
  const rejected: string[][] = [];
  let failing = { status: 0, n: 0 };
  const server: Server = createServer(async (req, res) => {
    const text = await body(req);
    const reply = (status: number, json: string) => {
      res.writeHead(status, { "content-type": "application/fhir+json" });
      res.end(json);
    };
    if (opts.bearer && req.headers.authorization !== `Bearer ${opts.bearer}`) {
      return reply(401, outcome("login", "bearer token required"));
    }
    if (failing.n > 0) {
      failing.n--;
      return reply(failing.status, outcome("transient", "try again later"));
    }
    if (req.method !== "POST" || req.headers["content-type"] !== "application/fhir+json") {
      return reply(415, outcome("not-supported", "POST application/fhir+json"));
    }
    let bundle: {
      resourceType?: string;
      type?: string;
      id?: string;
      entry?: { resource: Record<string, unknown>; request: { method: string; url: string } }[];
    };
    try {
      bundle = JSON.parse(text);
    } catch {
      return reply(400, outcome("structure", "not JSON"));
    }
    const problems = fhirProblems(bundle);
    if (bundle.resourceType !== "Bundle" || bundle.type !== "transaction")
      problems.push("not a transaction Bundle");
    if (problems.length) {
      rejected.push(problems);
      return reply(400, outcome("invalid", problems.join("; ")));
    }
    const entry = (bundle.entry ?? []).map((e) => {
      const created = !resources.has(e.request.url);
      resources.set(e.request.url, e.resource);
      return {
        response: { status: created ? "201 Created" : "200 OK", location: `${e.request.url}/_history/1` },
      };
    });
    bundles.push({ id: bundle.id ?? "", entries: entry.length });
    reply(200, JSON.stringify({ resourceType: "Bundle", type: "transaction-response", entry }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/fhir`,
    bundles,
    resources,
    rejected,
    failNext(status, n) {
      failing = { status, n };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
