/**
 * Local stand-ins for the notification providers: real servers on 127.0.0.1 that check what the
 * provider checks (method, path, credentials, body shape) and answer in the provider's format. Request
 * and response shapes follow the providers' documentation cited in docs/notifications.md.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { verifyWebhook } from "../../gateway/notify/index.js";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A fault injected before the normal answer: an HTTP answer, or "hang" (never answer). */
export type Fault = Answer | "hang";

export interface HttpStandIn {
  url: string;
  /** Requests the stand-in accepted as well-formed and answered with success. */
  accepted: RecordedRequest[];
  /** Every request, whatever the answer. */
  all: RecordedRequest[];
  faults: Fault[];
  close(): Promise<void>;
}

export async function startHttpStandIn(check: (r: RecordedRequest) => Answer): Promise<HttpStandIn> {
  const accepted: RecordedRequest[] = [];
  const all: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const r: RecordedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      all.push(r);
      const fault = faults.shift();
      if (fault === "hang") return;
      const answer = fault ?? check(r);
      if (fault === undefined && answer.status >= 200 && answer.status < 300) accepted.push(r);
      reply(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    accepted,
    all,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, a: Answer): void {
  const body = a.body === undefined ? "" : typeof a.body === "string" ? a.body : JSON.stringify(a.body);
  res.writeHead(a.status, { "content-type": "application/json", ...(a.headers ?? {}) });
  res.end(body);
}

const graphError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { error: { message, type: "OAuthException", code, fbtrace_id: "AbCdEf123" } },
});

/** WhatsApp Business Cloud API: POST /{version}/{phone-number-id}/messages, bearer token, JSON. */
export function whatsappCheck(phoneNumberId: string, token: string) {
  return (r: RecordedRequest): Answer => {
    const m = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(r.path);
    if (r.method !== "POST" || !m || m[2] !== phoneNumberId)
      return graphError(400, 100, "Unsupported post request");
    if (r.headers.authorization !== `Bearer ${token}`)
      return graphError(401, 190, "Invalid OAuth access token");
    if (!String(r.headers["content-type"]).startsWith("application/json"))
      return graphError(400, 100, "bad type");
    const b = JSON.parse(r.body) as {
      messaging_product?: unknown;
      to?: unknown;
      type?: unknown;
      text?: { body?: unknown };
      template?: { name?: unknown; language?: { code?: unknown }; components?: unknown };
    };
    const okText = b.type === "text" && typeof b.text?.body === "string" && b.text.body !== "";
    const okTemplate =
      b.type === "template" &&
      typeof b.template?.name === "string" &&
      typeof b.template?.language?.code === "string" &&
      Array.isArray(b.template?.components);
    if (
      b.messaging_product !== "whatsapp" ||
      !/^\+?\d{6,15}$/.test(String(b.to)) ||
      !(okText || okTemplate)
    ) {
      return graphError(400, 100, "(#100) Invalid parameter");
    }
    return {
      status: 200,
      body: {
        messaging_product: "whatsapp",
        contacts: [{ input: b.to, wa_id: String(b.to).replace("+", "") }],
        messages: [{ id: `wamid.TEST${Math.random().toString(36).slice(2)}` }],
      },
    };
  };
}

const twilioError = (status: number, code: number, message: string): Answer => ({
  status,
  body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

/** Twilio Messages API: POST /2010-04-01/Accounts/{Sid}/Messages.json, basic auth, form-encoded. */
export function twilioCheck(accountSid: string, authToken: string) {
  return (r: RecordedRequest): Answer => {
    if (r.method !== "POST" || r.path !== `/2010-04-01/Accounts/${accountSid}/Messages.json`) {
      return twilioError(404, 20404, "The requested resource was not found");
    }
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    if (r.headers.authorization !== expected) return twilioError(401, 20003, "Authenticate");
    if (r.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return twilioError(400, 21601, "bad content type");
    }
    const f = new URLSearchParams(r.body);
    const to = f.get("To") ?? "";
    if (!f.get("Body")) return twilioError(400, 21602, "Message body is required.");
    if (!f.get("From") && !f.get("MessagingServiceSid"))
      return twilioError(400, 21603, "A 'From' is required.");
    if (!/^(whatsapp:)?\+\d{6,15}$/.test(to))
      return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    const from = f.get("From");
    if (from !== null && to.startsWith("whatsapp:") !== from.startsWith("whatsapp:")) {
      return twilioError(400, 63007, "Twilio could not find a Channel with the specified From address");
    }
    return {
      status: 201,
      body: { sid: `SM${"0".repeat(32)}`, status: "queued", to, from: f.get("From"), body: f.get("Body") },
    };
  };
}

/** ntfy: POST /{topic}, body = message, Title/Priority/Tags headers, optional bearer token. */
export function ntfyCheck(token?: string) {
  return (r: RecordedRequest): Answer => {
    const topic = /^\/([-_A-Za-z0-9]{1,64})$/.exec(r.path)?.[1];
    if (r.method !== "POST" || !topic)
      return { status: 404, body: { code: 40401, http: 404, error: "not found" } };
    if (token !== undefined && r.headers.authorization !== `Bearer ${token}`) {
      return { status: 403, body: { code: 40301, http: 403, error: "forbidden" } };
    }
    if (r.body === "") return { status: 400, body: { code: 40000, http: 400, error: "empty message" } };
    const p = Number(r.headers.priority ?? 3);
    if (!(p >= 1 && p <= 5))
      return { status: 400, body: { code: 40007, http: 400, error: "invalid priority" } };
    return {
      status: 200,
      body: { id: "hwQ2YpKdmg", time: 1, event: "message", topic, message: r.body, title: r.headers.title },
    };
  };
}

/** A receiver that verifies the signature the way docs/notifications.md tells integrators to. */
export function webhookCheck(secret: string, nowSeconds: () => number) {
  return (r: RecordedRequest): Answer => {
    const v = verifyWebhook({
      secret,
      body: r.body,
      timestamp: r.headers["x-vitals-timestamp"] as string | undefined,
      signature: r.headers["x-vitals-signature"] as string | undefined,
      nowSeconds: nowSeconds(),
    });
    if (r.method !== "POST") return { status: 405 };
    if (!v.ok) return { status: 401, body: { error: v.why } };
    return { status: 204 };
  };
}

export interface SmtpStandIn {
  port: number;
  messages: { from: string; to: string[]; raw: string; secure: boolean }[];
  close(): Promise<void>;
}

/** SMTP submission server with STARTTLS (smtp-server's built-in localhost certificate) and AUTH. */
export async function startSmtpStandIn(
  user: string,
  pass: string,
  opts: { implicitTls?: boolean; noStartTls?: boolean } = {},
): Promise<SmtpStandIn> {
  const messages: SmtpStandIn["messages"] = [];
  const server = new SMTPServer({
    secure: opts.implicitTls ?? false,
    // A server without TLS at all (hiding STARTTLS is not enough: clients that require it send it anyway).
    disabledCommands: opts.noStartTls ? ["STARTTLS"] : [],
    // Lets a client that does not insist on TLS authenticate in the clear: the downgrade test needs it.
    allowInsecureAuth: opts.noStartTls ?? false,
    logger: false,
    authMethods: ["PLAIN", "LOGIN"],
    onAuth(auth, _session, cb) {
      if (auth.username === user && auth.password === pass) return cb(null, { user });
      const err = new Error("Invalid username or password") as Error & { responseCode: number };
      err.responseCode = 535;
      cb(err);
    },
    onRcptTo(address, _session, cb) {
      if (address.address.startsWith("nobody@")) {
        const err = new Error("Mailbox unavailable") as Error & { responseCode: number };
        err.responseCode = 550;
        return cb(err);
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          secure: session.secure,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
