import type { FastifyRequest } from "fastify";
import type { Permission, PrincipalRole } from "./roles.js";

/** Who is asking, once the HTTP guard has authenticated the request. */
export interface Principal {
  kind: "user" | "token" | "demo" | "loopback";
  /** As written to the alarm log and the audit log: the user name, `token:<name or id>`, `demo`. */
  actor: string;
  role: PrincipalRole | null;
  permissions: ReadonlySet<Permission>;
  userId?: number;
  /** Hash of the session id (kind "user"). */
  sessionHash?: string;
  tokenId?: number;
}

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * The signed-in actor of a request, for alarm-log entries. Typed names in request bodies carry no
 * authority: who acknowledged is who signed in.
 */
export function actorOf(req: FastifyRequest): string {
  return req.principal?.actor ?? "-";
}
