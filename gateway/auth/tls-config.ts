import { readFileSync } from "node:fs";
import { z } from "zod";
import { ErrorCodes, VitalsError } from "../../core/errors.js";

/** `tls` in the gateway config (`--tls-cert/--tls-key`, `vitals certs init`): docs/security.md. */
export const tlsConfigSchema = z
  .object({
    /** PEM certificate chain for the dashboard/API (and TCP ingest with `ingest`). */
    certFile: z.string().min(1),
    keyFile: z.string().min(1),
    /** Serve TCP node ingest over TLS too; nodes then connect with `vitals node --tls-ca ca.crt`. */
    ingest: z.boolean().default(false),
  })
  .strict();

export type TlsConfig = z.infer<typeof tlsConfigSchema>;

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
}

export function loadTls(cfg: TlsConfig): TlsMaterial {
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      throw new VitalsError(
        `cannot read the TLS ${what} ${file}: ${(e as Error).message}`,
        ErrorCodes.ConfigInvalid,
      );
    }
  };
  return { cert: read("certificate", cfg.certFile), key: read("key", cfg.keyFile) };
}
