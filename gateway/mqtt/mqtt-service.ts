import type { FastifyInstance } from "fastify";
import type { AlarmTopicView } from "../../core/api-types.js";
import type { ClassifiedReading } from "../../core/reading.js";
import { EmbeddedBroker } from "./embedded-broker.js";
import { ExternalBrokerClient } from "./external-broker.js";
import { type BridgeHost, MqttReadingBridge } from "./reading-bridge.js";

/** The gateway's MQTT side: the embedded broker or an external broker's client, plus the bridge. */
export class MqttService {
  readonly bridge: MqttReadingBridge;
  private readonly transport: EmbeddedBroker | ExternalBrokerClient;

  /** `host` is what MQTT nodes get of the gateway: the same entry points TCP sessions use. */
  constructor(host: BridgeHost, env: NodeJS.ProcessEnv = process.env) {
    const scoped = host;
    this.transport =
      host.config.mqtt.mode === "external"
        ? new ExternalBrokerClient(scoped, env)
        : new EmbeddedBroker(scoped, env);
    this.bridge = new MqttReadingBridge(scoped, (topic, payload, opts) =>
      this.transport.publish(topic, payload, opts),
    );
  }

  /** Starts before the HTTP server listens: the WebSocket route must be registered first. */
  async start(http?: FastifyInstance): Promise<void> {
    if (this.transport instanceof EmbeddedBroker) await this.transport.start(this.bridge, http);
    else await this.transport.start(this.bridge);
    this.bridge.start();
  }

  /** The embedded broker's MQTT/TCP port (undefined in external mode). */
  get port(): number | undefined {
    return this.transport instanceof EmbeddedBroker ? this.transport.port : undefined;
  }

  /** Embedded broker figures for /metrics (undefined in external mode: the broker reports its own). */
  get brokerStats(): { clients: number; messagesReceived: number } | undefined {
    const t = this.transport;
    return t instanceof EmbeddedBroker
      ? { clients: t.connectedClients, messagesReceived: t.messagesReceived }
      : undefined;
  }

  get tlsPort(): number | undefined {
    return this.transport instanceof EmbeddedBroker ? this.transport.tlsPort : undefined;
  }

  readingsStored(readings: readonly ClassifiedReading[]): void {
    if (!this.stopped) this.bridge.readingsStored(readings);
  }

  /** Nodes disconnecting while the gateway shuts down change beds after the broker is gone: ignored. */
  bedChanged(bed: string): void {
    if (!this.stopped) this.bridge.bedChanged(bed);
  }

  /** An alarm event for `vitals/<ward>/<bed>/alarm` (ignored once stopping, like bed changes). */
  alarmEvent(a: AlarmTopicView): void {
    if (!this.stopped) this.bridge.alarmEvent(a);
  }

  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    this.bridge.stop();
    await this.transport.stop();
  }
}
