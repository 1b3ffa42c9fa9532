import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlarmActions } from "./alarm-actions.js";

/** A real HTTP server on loopback standing in for the gateway, recording what the dashboard sends. */
let server: Server;
let base: string;
const seen: { method: string; url: string; body: unknown }[] = [];
const csrfSeen: (string | undefined)[] = [];

async function bodyOf(req: IncomingMessage): Promise<unknown> {
  let s = "";
  for await (const chunk of req) s += chunk;
  return s ? JSON.parse(s) : null;
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    seen.push({ method: req.method ?? "", url: req.url ?? "", body });
    csrfSeen.push(req.headers["x-csrf-token"] as string | undefined);
    res.setHeader("content-type", "application/json");
    if (req.url?.startsWith("/prefix/api/alarms/gone")) {
      res.statusCode = 404;
      res.end(JSON.stringify({ error: "not_found", message: "no listed alarm gone" }));
    } else if (req.url?.startsWith("/prefix/api/broken")) {
      res.statusCode = 502;
      res.end("<html>bad gateway</html>");
    } else res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("AlarmActions", () => {
  it("posts each action relative to the page, with ids escaped and no typed user", async () => {
    const api = new AlarmActions(base);
    await api.acknowledge("Bed-5#1");
    await api.pause("Bed 7", 60);
    await api.observe("Bed-2", { rr: 22 });
    await api.history(50);
    expect(seen.splice(0)).toEqual([
      { method: "POST", url: "/prefix/api/alarms/Bed-5%231/ack", body: {} },
      { method: "POST", url: "/prefix/api/beds/Bed%207/pause", body: { duration_s: 60 } },
      { method: "POST", url: "/prefix/api/beds/Bed-2/observations", body: { rr: 22 } },
      { method: "GET", url: "/prefix/api/alarms?state=all&limit=50", body: null },
    ]);
  });

  it("sends the session's CSRF token with changes once it has one", async () => {
    const api = new AlarmActions(base);
    csrfSeen.splice(0);
    await api.acknowledge("Bed-1#1");
    api.csrf = "token-from-session";
    await api.pause("Bed-1");
    await api.requeue(3);
    expect(csrfSeen).toEqual([undefined, "token-from-session", "token-from-session"]);
    seen.splice(0);
  });

  it("rejects with the gateway's message, or the status when the answer is not JSON", async () => {
    const api = new AlarmActions(base);
    await expect(api.acknowledge("gone")).rejects.toThrow("no listed alarm gone");
    await expect(new AlarmActions(`${base}api/broken/`).acknowledge("x")).rejects.toThrow("HTTP 502");
  });
});
