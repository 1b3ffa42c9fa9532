import type { AccessControl } from "./access-control.js";
import type { LiveCredentialWatch } from "./live-credential-watch.js";

/** What the HTTP sign-in, guards and auth routes need (one file, so neither imports the other). */
export interface HttpAuthDeps {
  access: AccessControl;
  live: LiveCredentialWatch;
  /** Served over TLS: adds HSTS. */
  tls: boolean;
  /** Shown in the 503 while there is no administrator. */
  dataDir: string;
}
