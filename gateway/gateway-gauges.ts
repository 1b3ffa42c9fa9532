import { Counter, Gauge, type Registry } from "prom-client";

/** What the scrape-time figures are read from; each is optional, as its subsystem may be off. */
export interface GaugeSources {
  broker?: () => { clients: number; messagesReceived: number } | undefined;
  influx?: { backlog: () => number; oldestPendingAt: () => number | undefined };
  webSocketClients: () => number;
  now: () => number;
}

/**
 * Figures read from their owners when /metrics is scraped (no second bookkeeping to drift): the embedded MQTT broker, InfluxDB forwarding, the live WebSocket hub.
 */
export function registerGatewayGauges(registry: Registry, src: GaugeSources): void {
  if (src.broker) {
    const broker = src.broker;
    new Gauge({
      name: "vitals_mqtt_clients",
      help: "MQTT clients connected to the embedded broker",
      registers: [registry],
      collect() {
        this.set(broker()?.clients ?? 0);
      },
    });
    let seen = 0;
    const received = new Counter({
      name: "vitals_mqtt_messages_received_total",
      help: "PUBLISH packets MQTT clients sent to the embedded broker",
      registers: [registry],
      collect() {
        const now = broker()?.messagesReceived ?? seen;
        if (now > seen) received.inc(now - seen);
        seen = now;
      },
    });
  }
  if (src.influx) {
    const influx = src.influx;
    new Gauge({
      name: "vitals_influx_backlog_readings",
      help: "Readings stored in SQLite and not yet written to InfluxDB",
      registers: [registry],
      collect() {
        this.set(influx.backlog());
      },
    });
    new Gauge({
      name: "vitals_influx_lag_seconds",
      help: "Age of the oldest reading not yet written to InfluxDB (0 when it is caught up)",
      registers: [registry],
      collect() {
        const at = influx.oldestPendingAt();
        this.set(at === undefined ? 0 : Math.max(0, (src.now() - at) / 1000));
      },
    });
  }
  new Gauge({
    name: "vitals_websocket_clients",
    help: "Dashboards connected to the live WebSocket (/api/live)",
    registers: [registry],
    collect() {
      this.set(src.webSocketClients());
    },
  });
}
