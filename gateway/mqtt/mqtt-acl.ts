import type { MqttConfig } from "./mqtt-config.js";
import { sameSecret, verifyPassword } from "./password-hash.js";
import { encodeLevel, parseTopic, TOPIC_ROOT } from "./topics.js";

/** Who an MQTT connection is, once authenticated. */
export type MqttPrincipal =
  | { kind: "node"; node: string; ward: string; bed: string; patient: string | null }
  | { kind: "observer"; name: string }
  | { kind: "anonymous"; node: string };

/**
 * Node authentication and topic ACLs for the embedded broker. Pure: given the config and the
 * environment, answers who a connection is and what it may publish and subscribe to.
 */
export class MqttAccessControl {
  constructor(
    private readonly config: MqttConfig,
    private readonly env: NodeJS.ProcessEnv = {},
  ) {}

  authenticate(clientId: string, username?: string, password?: Buffer): MqttPrincipal | undefined {
    if (username === undefined || username === "") {
      return this.config.anonymous && clientId ? { kind: "anonymous", node: clientId } : undefined;
    }
    if (!password) return undefined;
    const node = this.config.nodes.find((n) => n.username === username);
    if (node) {
      if (!this.passwordOk(node, password)) return undefined;
      return { kind: "node", node: username, ward: node.ward, bed: node.bed, patient: node.patient ?? null };
    }
    const obs = this.config.observers.find((o) => o.username === username);
    if (obs && this.passwordOk(obs, password)) return { kind: "observer", name: username };
    return undefined;
  }

  private passwordOk(a: { passwordHash?: string | undefined; passwordEnv?: string | undefined }, pw: Buffer) {
    if (a.passwordHash) return verifyPassword(pw, a.passwordHash);
    const plain = a.passwordEnv ? this.env[a.passwordEnv] : undefined;
    return plain !== undefined && plain !== "" && sameSecret(pw, plain);
  }

  /** Nodes publish readings and their status for their own bed only; nobody else publishes. */
  canPublish(p: MqttPrincipal, topic: string): boolean {
    const t = parseTopic(topic);
    if (!t || (t.kind !== "reading" && t.kind !== "node")) return false;
    if (p.kind === "anonymous") return true;
    if (p.kind === "node") return t.ward === p.ward && t.bed === p.bed;
    return false;
  }

  /** Nodes may read their own bed's topics; observers (and lab anonymous clients) the whole tree. */
  canSubscribe(p: MqttPrincipal, filter: string): boolean {
    const levels = filter.split("/");
    if (levels[0] !== TOPIC_ROOT) return false;
    if (p.kind !== "node") return true;
    // vitals/<ward>/<bed>/<kind | + | #>: the first three levels must be literally the node's own.
    return levels.length === 4 && levels[1] === encodeLevel(p.ward) && levels[2] === encodeLevel(p.bed);
  }
}
