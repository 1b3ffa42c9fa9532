import mqtt, { type IPublishPacket, type MqttClient } from "mqtt";
import type { BridgeHost, MqttReadingBridge } from "./reading-bridge.js";
import { decodeNodeStatus, parseTopic, wardFilter } from "./topics.js";

/**
 * External broker mode: the gateway is an MQTT client of Mosquitto/EMQX… and subscribes to its
 * ward's readings with QoS 1. mqtt.js sends the PUBACK of an incoming QoS 1 message only after
 * `handleMessage`'s callback (its documented backpressure hook; lib/handlers/publish.js), so the
 * callback is called once the reading is durable. The broker redelivers anything unacknowledged
 * to this persistent session (clean: false) after a restart.
 *
 * mqtt.js handles one incoming message at a time, so each reading waits for its own commit: the
 * throughput of this mode is bounded by commit latency (see the bench).
 *
 * The broker does not tell a subscriber who published, so a reading's node id is `<ward>/<bed>`
 * from its topic; the broker's ACLs must keep each node to its own bed (docs/deployment.md).
 */
export class ExternalBrokerClient {
  private client: MqttClient | undefined;

  constructor(
    private readonly host: BridgeHost,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  publish(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): void {
    this.client?.publish(topic, payload, opts, (err) => {
      if (err) this.host.logger.debug({ err: err.message, topic }, "mqtt publish failed");
    });
  }

  async start(bridge: MqttReadingBridge): Promise<void> {
    const { mqtt: cfg } = this.host.config;
    const ext = cfg.external;
    if (!ext) throw new Error("mqtt.external is not configured");
    const log = this.host.logger;
    const password = ext.passwordEnv ? this.env[ext.passwordEnv] : undefined;
    const client = mqtt.connect(ext.url, {
      clientId: ext.clientId ?? `vitals-gateway-${cfg.ward}`,
      clean: false,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...(ext.username ? { username: ext.username } : {}),
      ...(password ? { password } : {}),
    });
    this.client = client;
    client.handleMessage = (packet: IPublishPacket, callback) => {
      this.onMessage(bridge, client, packet, callback);
    };
    client.on("error", (e) => log.warn({ err: e.message }, "mqtt broker error"));
    client.on("offline", () => log.warn({ url: redact(ext.url) }, "mqtt broker unreachable; retrying"));
    client.on("connect", () => log.info({ url: redact(ext.url) }, "connected to mqtt broker"));
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      client.once("error", fail);
      client.once("connect", () => {
        client.off("error", fail);
        resolve();
      });
    });
    await client.subscribeAsync({
      [wardFilter("reading", cfg.ward)]: { qos: 1 },
      [wardFilter("node", cfg.ward)]: { qos: 1 },
    });
  }

  private onMessage(
    bridge: MqttReadingBridge,
    client: MqttClient,
    packet: IPublishPacket,
    callback: (err?: Error) => void,
  ): void {
    const topic = parseTopic(packet.topic);
    const payload =
      typeof packet.payload === "string" ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
    if (!topic || topic.ward !== this.host.config.mqtt.ward) return callback();
    const node = `${topic.ward}/${topic.bed}`;
    if (topic.kind === "node") {
      const status = decodeNodeStatus(payload);
      if (status) bridge.onNodeStatus(topic.ward, topic.bed, node, status);
      return callback();
    }
    if (topic.kind !== "reading") return callback();
    bridge.onReading({ node, ward: topic.ward, bed: topic.bed, patient: null }, payload, (err) => {
      if (!err) return callback();
      // Not stored: withhold the PUBACK and drop the connection, so the broker redelivers.
      this.host.logger.error({ err: err.message }, "reading from the broker not stored; reconnecting");
      callback(err);
      client.stream.destroy();
    });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
