import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { fakeDashboard } from "./auth-kit.js";

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ dashboardDir: fakeDashboard() });
});
afterAll(async () => {
  await gw?.stop();
});

describe("security headers (@fastify/helmet)", () => {
  it("sends a strict CSP, no framing, nosniff and no referrer on pages, API answers and errors", async () => {
    for (const path of ["/", "/index.html", "/api/beds", "/healthz", "/api/nope", "/fhir/x"]) {
      const r = await fetch(`${gw.url}${path}`);
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).not.toContain("unsafe-inline");
      expect(csp, path).not.toContain("unsafe-eval");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).toContain("object-src 'none'");
      expect(r.headers.get("x-frame-options"), path).toBe("DENY");
      expect(r.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(r.headers.get("referrer-policy"), path).toBe("no-referrer");
      // Plain HTTP: HSTS would be meaningless (and is only sent over TLS, see tls.test.ts).
      expect(r.headers.get("strict-transport-security"), path).toBeNull();
    }
  });
});
