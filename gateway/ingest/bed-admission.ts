import type { WireErrorCode } from "../../core/protocol/frames.js";
import { normalizeLabel } from "../../core/protocol/label.js";
import type { GatewayConfig } from "../config.js";

const LEGACY_PREFIX = "legacy:";

export interface Refusal {
  code: WireErrorCode;
  message: string;
  /** Close the connection (otherwise only this line is refused). */
  close: boolean;
}

const canonical = (label: string) => {
  const r = normalizeLabel(label);
  return "label" in r ? r.label : label;
};

/** IPv4 clients of a dual-stack socket appear as ::ffff:a.b.c.d. */
const plainAddress = (a: string) => (a.startsWith("::ffff:") ? a.slice(7) : a);

/**
 * Which beds a hello or a flat-JSON line may write to. An open gateway (no node authentication)
 * creates at most `limits.maxBedsWithoutAuth` beds; with authentication on, flat JSON — which carries
 * no token — is taken only from the beds and addresses in `auth.legacy`; and flat JSON never writes
 * to a bed a protocol-v1 node (TCP or MQTT) has come online for.
 */
export class BedAdmission {
  private readonly known = new Set<string>();
  private readonly v1Beds = new Set<string>();
  private readonly legacyBeds: Set<string>;
  private readonly legacyAddresses: Set<string>;

  constructor(
    private readonly config: Pick<GatewayConfig, "auth" | "limits">,
    restored: readonly { bed: string; node: string | null }[] = [],
  ) {
    for (const r of restored) this.online(r.bed, r.node);
    this.legacyBeds = new Set(config.auth.legacy.beds.map(canonical));
    this.legacyAddresses = new Set(config.auth.legacy.addresses.map(plainAddress));
  }

  private get authenticated(): boolean {
    return this.config.auth.nodeToken !== undefined;
  }

  /** A node (or a restored bed row) is online for a bed. */
  online(bed: string, node: string | null): void {
    this.known.add(bed);
    if (node !== null && !node.startsWith(LEGACY_PREFIX)) this.v1Beds.add(bed);
  }

  /** Whether a hello that passed authentication may name this bed. */
  hello(bed: string): Refusal | undefined {
    if (this.authenticated) return undefined;
    return this.newBed(bed);
  }

  /** Whether a flat-JSON line from this address may write to this bed. */
  legacy(bed: string, address: string | undefined): Refusal | undefined {
    if (this.authenticated) {
      const listed =
        this.legacyBeds.has(bed) ||
        (address !== undefined && this.legacyAddresses.has(plainAddress(address)));
      if (!listed) {
        return {
          code: "unauthorized",
          message:
            "flat JSON carries no token: send hello with a token, or list the bed or address in auth.legacy",
          close: true,
        };
      }
    }
    if (this.v1Beds.has(bed)) {
      return {
        code: "unauthorized",
        message: `bed ${bed} belongs to a protocol-v1 node; flat JSON cannot write to it`,
        close: false,
      };
    }
    return this.authenticated ? undefined : this.newBed(bed);
  }

  private newBed(bed: string): Refusal | undefined {
    if (this.known.has(bed)) return undefined;
    const max = this.config.limits.maxBedsWithoutAuth;
    if (this.known.size >= max) {
      return {
        code: "bed_limit",
        message: `this gateway has no node authentication and already ${max} beds (limits.maxBedsWithoutAuth); set VITALS_NODE_TOKEN or raise the limit`,
        close: true,
      };
    }
    this.known.add(bed);
    return undefined;
  }
}
