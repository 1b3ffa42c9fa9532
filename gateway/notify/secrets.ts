import { readFileSync, statSync } from "node:fs";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { SecretRef } from "./config.js";

/**
 * Resolves secrets and remembers every value it handed out, so that error texts can be scrubbed before
 * they are logged or stored (a provider or library may echo a token back).
 */
export class SecretStore {
  private readonly values = new Set<string>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** `what` names the setting in errors ("channel wa: accessToken"); the value never appears. */
  resolve(ref: SecretRef, what: string): string {
    const value = "env" in ref ? this.fromEnv(ref.env, what) : this.fromFile(ref.file, what);
    this.values.add(value);
    return value;
  }

  /** Registers a derived secret (e.g. a base64 credential) for redaction. */
  remember(value: string): void {
    if (value.length >= 4) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) {
      if (v.length > 0) out = out.split(v).join("[redacted]");
    }
    return out;
  }

  private fromEnv(name: string, what: string): string {
    const v = this.env[name];
    if (v === undefined || v === "") {
      throw new VitalsError(
        `${what}: the environment variable ${name} is not set`,
        ErrorCodes.ConfigInvalid,
        { env: name },
      );
    }
    return v;
  }

  private fromFile(path: string, what: string): string {
    let mode: number;
    try {
      mode = statSync(path).mode;
    } catch (e) {
      throw new VitalsError(
        `${what}: cannot read secrets file ${path}: ${(e as NodeJS.ErrnoException).code ?? "error"}`,
        ErrorCodes.ConfigInvalid,
        { file: path },
      );
    }
    // Same rule as ssh for private keys: nobody but the owner may read it.
    if (process.platform !== "win32" && (mode & 0o077) !== 0) {
      throw new VitalsError(
        `${what}: secrets file ${path} is accessible by group/others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
        ErrorCodes.ConfigInvalid,
        { file: path },
      );
    }
    const v = readFileSync(path, "utf8").trim();
    if (v === "") throw new VitalsError(`${what}: secrets file ${path} is empty`, ErrorCodes.ConfigInvalid);
    return v;
  }
}
