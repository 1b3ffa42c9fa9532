import type { FastifyInstance } from "fastify";
import type { ClassifiedReading } from "../../core/reading.js";
import type { Gateway } from "../gateway.js";
import { EmbeddedBroker } from "./embedded-broker.js";
import { ExternalBrokerClient } from "./external-broker.js";
import { type BridgeHost, MqttReadingBridge } from "./reading-bridge.js";

/** The gateway's MQTT side: the embedded broker or an external broker's client, plus the bridge. */
export class MqttService {
  readonly bridge: MqttReadingBridge;
  private readonly transport: EmbeddedBroker | ExternalBrokerClient;

  constructor(host: Gateway, env: NodeJS.ProcessEnv = process.env) {
    const logger = host.logger.child({ ns: "mqtt" });
    const scoped: BridgeHost = {
      config: host.config,
      time: host.time,
      metrics: host.metrics,
      beds: host.beds,
      logger,
      submit: (r, w, a) => host.submit(r, w, a),
      nodeOnline: (bed, node, meta) => {
        host.beds.connected(bed, node, meta, 1);
        // MQTT nodes get no welcome frame: they are held to the gateway's heartbeat all the same.
        host.alarms.connected(bed, node, host.config.heartbeatMs);
      },
      nodeOffline: (bed, node) => {
        host.beds.connected(bed, node, { ward: null, patient: null }, -1);
        host.alarms.disconnected(bed, node);
      },
      rejected: (bed, p, v, why) => host.rejected(bed, p, v, why),
    };
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

  private stopped = false;

  async stop(): Promise<void> {
    this.stopped = true;
    this.bridge.stop();
    await this.transport.stop();
  }
}
