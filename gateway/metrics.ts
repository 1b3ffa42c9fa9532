import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The gateway's Prometheus metrics, on a registry of its own (no global state). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({
    name: "vitals_readings_received_total",
    help: "Vitals lines received (valid or not)",
    registers: [this.registry],
  });
  readonly stored = new Counter({
    name: "vitals_readings_stored_total",
    help: "Readings committed to storage (resends excluded)",
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: "vitals_readings_duplicate_total",
    help: "Resent readings already stored, acknowledged again and not stored twice",
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: "vitals_readings_rejected_total",
    help: "Lines rejected, by protocol error code",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  private tcpConnections = 0;
  /** MQTT connections now (the embedded broker's clients), set by the gateway when MQTT is on. */
  mqttConnections: (() => number) | undefined;
  /** The TCP ingest server sets its session count here; vitals_connections adds MQTT's at scrape time. */
  readonly connections = {
    set: (n: number): void => {
      this.tcpConnections = n;
    },
  };
  private readonly connectionsGauge = new Gauge({
    name: "vitals_connections",
    help: "Open node connections by transport (tcp: protocol v1 sessions, mqtt: embedded broker clients)",
    labelNames: ["transport"] as const,
    registers: [this.registry],
    collect: () => {
      this.connectionsGauge.set({ transport: "tcp" }, this.tcpConnections);
      if (this.mqttConnections) this.connectionsGauge.set({ transport: "mqtt" }, this.mqttConnections());
    },
  });
  readonly alerts = new Counter({
    name: "vitals_alerts_total",
    help: "Patient alerts sent to the outputs (after rate limiting)",
    registers: [this.registry],
  });
  readonly ingestLatency = new Histogram({
    name: "vitals_ingest_latency_seconds",
    help: "Time from a line's arrival to its durable commit",
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly alarmIngest = new Histogram({
    name: "vitals_alarm_ingest_seconds",
    help: "Time the alarm engine takes per commit batch: the delay it adds to everything behind that batch",
    buckets: [
      0.00005, 0.0001, 0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
    ],
    registers: [this.registry],
  });

  readonly soundPriority = new Gauge({
    name: "vitals_sound_priority",
    help: "Alarm sound the central station is playing: 0 none, 1 low, 2 medium, 3 high",
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: "vitals_" });
      // prom-client's gauges named *_total break the Prometheus naming rule (promtool check metrics
      // fails on them); each is the sum of its by-type sibling (vitals_nodejs_active_handles{type}), kept.
      for (const what of ["handles", "requests", "resources"])
        this.registry.removeSingleMetric(`vitals_nodejs_active_${what}_total`);
    }
  }
}
