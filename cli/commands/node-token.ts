import { readFileSync } from "node:fs";

export const tokenFileHelp =
  "file holding the node token from `vitals nodes add` (or set VITALS_NODE_TOKEN; both stay out of `ps`)";
export const tokenHelp =
  "node token on the command line (visible in `ps`: prefer --token-file or VITALS_NODE_TOKEN)";

/** The node token: --token-file, else VITALS_NODE_TOKEN, else --token. */
export function nodeToken(o: { token?: string; tokenFile?: string }): string | undefined {
  if (o.tokenFile) {
    try {
      return readFileSync(o.tokenFile, "utf8").trim() || undefined;
    } catch (e) {
      throw new Error(`cannot read --token-file ${o.tokenFile}: ${(e as Error).message}`);
    }
  }
  return process.env.VITALS_NODE_TOKEN || o.token;
}
