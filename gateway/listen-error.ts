import { ErrorCodes, VitalsError } from "../core/errors.js";

/** Which listener failed, and what the user changes to fix it. */
export interface Listener {
  /** e.g. "TCP ingest", "HTTP (API and dashboard)", "MQTT". */
  what: string;
  host: string;
  port: number;
  /** The command-line flag and config key that set the port. */
  flag: string;
  key: string;
  /** More advice when the port is in use (e.g. "use that broker instead"). */
  inUseHint?: string;
}

/**
 * A listen() failure as one sentence that says which port, why, and which flag or config key
 * changes it (a port in use, an address that is not this machine's, a privileged port). Other
 * errors pass through unchanged.
 */
export function listenError(e: unknown, l: Listener): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  const where = `${l.host}:${l.port}`;
  const change = `choose another with ${l.flag} N or "${l.key}" in the config (0 picks a free port)`;
  const message =
    code === "EADDRINUSE"
      ? `${l.what} port ${where} is already in use (another gateway or service?): ${change}${l.inUseHint ? `; ${l.inUseHint}` : ""}`
      : code === "EADDRNOTAVAIL"
        ? `cannot listen on ${l.host}: that address is not on this machine; use one of its addresses with --host or "host" in the config`
        : code === "EACCES"
          ? `not allowed to listen on ${where} for ${l.what} (ports below 1024 need root or CAP_NET_BIND_SERVICE): ${change}`
          : undefined;
  if (message === undefined) return e;
  return new VitalsError(
    message,
    ErrorCodes.ListenFailed,
    { port: l.port, host: l.host, code },
    { cause: e },
  );
}
