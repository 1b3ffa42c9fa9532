import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { AuthConfig } from "./auth-config.js";
import { isLoopbackHost } from "./loopback.js";

/**
 * Refuses set-ups that would expose staff credentials or patient data by accident: demo mode beyond
 * loopback, and plain HTTP on a network address without an explicit `--insecure-http`.
 */
export function assertSafeExposure(
  host: string,
  auth: AuthConfig,
  tls: boolean,
  opts: { mqttAnonymous?: boolean } = {},
): void {
  if (isLoopbackHost(host)) return;
  if (opts.mqttAnonymous)
    throw new VitalsError(
      `mqtt.anonymous lets anyone publish readings for any bed and read every patient's topics, so the ` +
        `embedded broker allows it on loopback only, not ${host}: give nodes MQTT accounts (docs/mqtt.md)`,
      ErrorCodes.ConfigInvalid,
    );
  if (auth.demo)
    throw new VitalsError(
      `demo mode signs in everyone on this computer automatically, so it listens on loopback only, not ${host}; ` +
        "for a network, add real users (`vitals users add`) and run `vitals gateway`",
      ErrorCodes.ConfigInvalid,
    );
  if (!tls && !auth.insecureHttp)
    throw new VitalsError(
      `refusing plain HTTP on ${host}: passwords, session cookies, tokens and patient data would cross the ` +
        "network unencrypted. Give --tls-cert/--tls-key (see `vitals certs init`), or --insecure-http when a " +
        "reverse proxy in front terminates TLS (docs/security.md)",
      ErrorCodes.ConfigInvalid,
    );
}
