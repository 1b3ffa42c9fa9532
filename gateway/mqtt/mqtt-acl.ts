import type { MqttConfig } from "./mqtt-config.js";
import { dummyHash, sameSecret, verifyPassword } from "./password-hash.js";
import { encodeLevel, parseTopic, TOPIC_ROOT } from "./topics.js";

/** Who an MQTT connection is, once authenticated. */
export type MqttPrincipal =
  | { kind: "node"; node: string; ward: string; bed: string; patient: string | null }
  | { kind: "observer"; name: string }
  | { kind: "anonymous"; node: string };

/** The account behind a principal: two connections of one account may take over each other's client id. */
export function accountOf(p: MqttPrincipal): string {
  return p.kind === "node" ? `node:${p.node}` : p.kind === "observer" ? `observer:${p.name}` : "anonymous";
}

/**
 * Node authentication and topic ACLs for the embedded broker. Given the config and the environment,
 * answers who a connection is and what it may publish and subscribe to. Every password check costs
 * one scrypt on the thread pool — for an unknown user or an environment-variable password too, so
 * that timing tells nothing about which accounts exist.
 */
export class MqttAccessControl {
  private readonly dummy: string;
  private checking = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly config: MqttConfig,
    private readonly env: NodeJS.ProcessEnv = {},
    /** scrypt checks at once (limits.maxConcurrentLoginChecks); the rest wait, up to maxWaiting. */
    private readonly concurrency = { maxChecks: 1, maxWaiting: 1_000 },
  ) {
    const hashed = [...config.nodes, ...config.observers].find((a) => a.passwordHash)?.passwordHash;
    this.dummy = dummyHash(hashed);
  }

  async authenticate(
    clientId: string,
    username?: string,
    password?: Buffer,
  ): Promise<MqttPrincipal | undefined> {
    if (username === undefined || username === "") {
      return this.config.anonymous && clientId ? { kind: "anonymous", node: clientId } : undefined;
    }
    if (!password) return undefined;
    const node = this.config.nodes.find((n) => n.username === username);
    const obs = node ? undefined : this.config.observers.find((o) => o.username === username);
    const ok = await this.oneAtATime(() => this.passwordOk(node ?? obs, password));
    if (!ok) return undefined;
    if (node)
      return { kind: "node", node: username, ward: node.ward, bed: node.bed, patient: node.patient ?? null };
    return { kind: "observer", name: username };
  }

  /** Runs a check when fewer than maxChecks run; false (refused) when too many are waiting. */
  private async oneAtATime(check: () => Promise<boolean>): Promise<boolean> {
    if (this.checking >= this.concurrency.maxChecks) {
      if (this.queue.length >= this.concurrency.maxWaiting) return false;
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.checking++;
    try {
      return await check();
    } finally {
      this.checking--;
      this.queue.shift()?.();
    }
  }

  private async passwordOk(
    a: { passwordHash?: string | undefined; passwordEnv?: string | undefined } | undefined,
    pw: Buffer,
  ): Promise<boolean> {
    if (a?.passwordHash) return verifyPassword(pw, a.passwordHash);
    await verifyPassword(pw, this.dummy);
    const plain = a?.passwordEnv ? this.env[a.passwordEnv] : undefined;
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
