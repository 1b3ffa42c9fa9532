import pino, { type Logger } from "pino";

export type { Logger };

/** The root logger; subsystems take `logger.child({ ns: "ingest" })`. Never log secrets or tokens. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ["token", "*.token", "auth", "*.auth", "password", "*.password"],
        censor: "[redacted]",
      },
    },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

export const silentLogger: Logger = pino({ level: "silent" });
