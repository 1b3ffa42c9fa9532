import type { FastifyInstance } from "fastify";
import { type Logger, silentLogger } from "../core/logger.js";
import type { AlarmCommandFrame, HelloFrame, VitalParameter } from "../core/protocol/frames.js";
import {
  type Alert,
  type ClassifiedReading,
  type Clock,
  type Reading,
  systemClock,
} from "../core/reading.js";
import { AlarmService } from "./alarms/alarm-service.js";
import { type EscalatedEvent, PRIORITY_RANK, type Priority } from "./alarms/types.js";
import { registerAlarmRoutes } from "./api/alarm-routes.js";
import { createHttpServer, listen } from "./api/http-server.js";
import { LiveHub } from "./api/live-hub.js";
import { registerNotificationRoutes } from "./api/notification-routes.js";
import { GatewayAccess } from "./auth/gateway-access.js";
import { loadTls } from "./auth/tls-config.js";
import { BedRegistry } from "./beds.js";
import type { Classifier } from "./classify/classifier.js";
import { OriginalPresetClassifier } from "./classify/original-preset.js";
import type { GatewayConfig } from "./config.js";
import type { CommitWaiter } from "./ingest/commit-queue.js";
import type { NodeSession, SessionHost } from "./ingest/node-session.js";
import { ReadingIntake } from "./ingest/reading-intake.js";
import { TcpIngestServer } from "./ingest/tcp-server.js";
import { GatewayMetrics } from "./metrics.js";
import { MqttService } from "./mqtt/mqtt-service.js";
import { alarmEventToNotification } from "./notify/alarm-notification.js";
import { NotificationAlertOutput } from "./notify/notification-alert-output.js";
import { registerNotificationMetrics } from "./notify/notification-metrics.js";
import { NotificationService } from "./notify/notification-service.js";
import { AlertDispatcher } from "./outputs/alert-dispatcher.js";
import type { AlertOutput } from "./outputs/alert-output.js";
import { ConsoleAlertOutput } from "./outputs/console-alert.js";
import { AlarmSoundController, createSoundOutputs } from "./outputs/sound/index.js";
import { AlarmStore } from "./store/alarm-store.js";
import { Checkpointer } from "./store/checkpointer.js";
import { InfluxForwarder } from "./store/influx-forwarder.js";
import { InfluxHistory } from "./store/influx-history.js";
import { createInfluxClient } from "./store/influx-schema.js";
import type { ReadingHistory } from "./store/reading-history.js";
import { SqliteStore } from "./store/sqlite-store.js";

export interface GatewayDeps {
  config: GatewayConfig;
  clock?: Clock;
  logger?: Logger;
  /** Where the console alert output writes (default: process.stdout). */
  console?: { write(s: string): unknown };
  /** Extra alert outputs (buzzer, notifications…). */
  outputs?: AlertOutput[];
  classifier?: Classifier;
  metrics?: GatewayMetrics;
  /** The ward's loudest audible alarm priority changed (central-station buzzer). */
  onSound?: (priority: Priority | null) => void;
  /** An alarm went unacknowledged too long (remote notification). */
  onEscalation?: (event: EscalatedEvent) => void;
  /** Where the console sound output writes its bell and status lines (default: process.stdout). */
  soundStream?: { write(s: string): unknown };
  /** The built dashboard to serve at / (default: dashboard/dist of this checkout). */
  dashboardDir?: string;
  /** Where secrets referenced as {env: NAME} (and MQTT/InfluxDB …Env passwords) come from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface GatewayAddress {
  tcpPort: number;
  httpPort: number;
  host: string;
  /** Embedded MQTT broker's port (absent in external mode or when MQTT is off). */
  mqttPort?: number | undefined;
}

/**
 * The gateway: TCP ingest → validate → classify → store (group commit) → fan out (acks, live API,
 * alerts). Everything it depends on is injected, so tests and embedders can run several in one process.
 */
export class Gateway implements SessionHost {
  readonly config: GatewayConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: GatewayMetrics;
  readonly store: SqliteStore;
  private readonly checkpointer: Checkpointer;
  readonly beds = new BedRegistry();
  readonly classifier: Classifier;
  readonly alerts: AlertDispatcher;
  readonly alarms: AlarmService;
  private readonly alarmStore: AlarmStore;
  private readonly dashboardDir: string | undefined;
  readonly notifications: NotificationService | undefined;
  /** Plays the ward's loudest audible alarm on the configured outputs (created in start()). */
  sound: AlarmSoundController | undefined;
  private outboxWatch: NodeJS.Timeout | undefined;
  private stopping = false;
  private outboxPrune: NodeJS.Timeout | undefined;
  private readonly soundStream: { write(s: string): unknown } | undefined;
  readonly intake: ReadingIntake;
  private readonly live: LiveHub;
  private readonly tcp: TcpIngestServer;
  private readonly outputs: AlertOutput[];
  private readonly nodes = new Map<string, NodeSession>();
  private http: FastifyInstance | undefined;
  // MQTT bridge and InfluxDB forwarding (docs/mqtt.md, docs/deployment.md).
  readonly mqtt: MqttService | undefined;
  readonly influx: InfluxForwarder | undefined;
  private readonly history: ReadingHistory;
  address: GatewayAddress | undefined;
  /** Staff sign-in, tokens, node credentials, audit log (docs/security.md). */
  readonly access: GatewayAccess;

  constructor(deps: GatewayDeps) {
    this.config = deps.config;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.metrics = deps.metrics ?? new GatewayMetrics();
    this.store = SqliteStore.open(this.config.dataDir, {
      synchronous: this.config.storage.synchronous,
      checkpointInWorker: true,
    });
    this.access = new GatewayAccess(
      this.store.db,
      this.config.auth,
      this.clock,
      this.logger.child({ ns: "auth" }),
    );
    this.checkpointer = new Checkpointer(this.store.path, this.logger.child({ ns: "store" }));
    this.beds.restore(this.store.beds());
    this.classifier = deps.classifier ?? new OriginalPresetClassifier(this.config.classification);
    this.live = new LiveHub(this.beds, this.clock, this.config.live.throttleMs);
    this.outputs = [...(deps.outputs ?? [])];
    if (this.config.alerts.console) {
      this.outputs.unshift(
        new ConsoleAlertOutput(deps.console ?? process.stdout, { bell: this.config.alerts.bell }),
      );
    }
    const env = deps.env ?? process.env;
    this.soundStream = deps.soundStream;
    this.dashboardDir = deps.dashboardDir;
    if (this.config.mqtt.mode !== "off") {
      this.mqtt = new MqttService(this, env);
      this.outputs.push(this.mqtt.bridge);
    }
    this.history = this.store;
    if (this.config.influx.enabled) {
      const client = createInfluxClient(this.config.influx, env);
      const logger = this.logger.child({ ns: "influx" });
      const gateway = this.config.influx.gateway ?? this.config.mqtt.ward;
      this.influx = new InfluxForwarder({
        db: this.store.db,
        influx: client,
        config: this.config.influx,
        gateway,
        logger,
      });
      this.history = new InfluxHistory(client, gateway, this.store, logger);
    }
    if (this.config.notifications.enabled) {
      this.notifications = new NotificationService({
        db: this.store.db,
        clock: this.clock,
        logger: this.logger.child({ ns: "notify" }),
        config: this.config.notifications,
        publicUrl: this.config.publicUrl,
        ...(deps.env ? { env: deps.env } : {}),
      });
      if (this.config.notifyOn === "critical")
        this.outputs.push(new NotificationAlertOutput(this.notifications));
      registerNotificationMetrics(this.metrics.registry, this.notifications);
    }
    this.alerts = new AlertDispatcher({
      clock: this.clock,
      intervalMs: this.config.alerts.perPatientIntervalMs,
      outputs: this.outputs,
      logger: this.logger.child({ ns: "alerts" }),
      onAlert: (a) => this.onAlert(a),
    });
    this.intake = new ReadingIntake({
      store: this.store,
      classifier: this.classifier,
      metrics: this.metrics,
      logger: this.logger.child({ ns: "store" }),
      maxBatch: this.config.storage.maxBatch,
      maxSeqJump: this.config.limits.maxSeqJump,
      onStored: (rs) => this.onStored(rs),
    });
    this.alarmStore = new AlarmStore(this.store.db);
    this.alarms = new AlarmService({
      config: this.config.alarms,
      clock: this.clock,
      logger: this.logger.child({ ns: "alarms" }),
      store: this.alarmStore,
      beds: this.beds,
      live: this.live,
      toBed: (bed, frame) => this.sendToBed(bed, frame),
      onSound: (p) => {
        this.metrics.soundPriority.set(p === null ? 0 : PRIORITY_RANK[p]);
        this.sound?.set(p);
        deps.onSound?.(p);
      },
      ...(deps.onEscalation ? { onEscalation: deps.onEscalation } : {}),
      onAlarmEvent: (e) => {
        if (!this.notifications || this.config.notifyOn !== "alarms") return;
        // High-priority alarms go out at once; others only when they escalate (left unacknowledged).
        if (e.type === "escalated" || (e.type === "raised" && e.priority === "high")) {
          const n = alarmEventToNotification(e, this.beds.view(e.bed)?.ward ?? null);
          if (n) this.notifications.enqueue(n);
        }
      },
    });
    this.beds.decorate = { alarm: (b) => this.alarms.summary(b), news2: (b) => this.alarms.news2(b) };
    this.tcp = new TcpIngestServer(this, this.config.tls?.ingest ? loadTls(this.config.tls) : undefined);
  }

  async start(): Promise<GatewayAddress> {
    const { host } = this.config;
    const https = this.config.tls ? loadTls(this.config.tls) : undefined;
    this.access.check(host, https !== undefined, {
      mqttAnonymous: this.config.mqtt.mode === "embedded" && this.config.mqtt.anonymous,
    });
    const tcpPort = await this.tcp.listen(this.config.tcpPort, host);
    this.http = await createHttpServer({
      store: this.store,
      history: this.history,
      beds: this.beds,
      live: this.live,
      metrics: this.metrics,
      clock: this.clock,
      logger: this.logger.child({ ns: "http" }),
      access: this.access,
      dataDir: this.config.dataDir,
      https,
      ...(this.dashboardDir ? { dashboardDir: this.dashboardDir } : {}),
    });
    registerNotificationRoutes(this.http, this.notifications);
    registerAlarmRoutes(this.http, {
      alarms: this.alarms,
      store: this.alarmStore,
      beds: this.beds,
      clock: this.clock,
    });
    // Before listen: the broker registers its WebSocket route (/mqtt) on the HTTP server.
    await this.mqtt?.start(this.http);
    const httpPort = await listen(this.http, this.config.httpPort, host);
    this.live.start();
    this.access.start(this.config.dataDir);
    const soundOutputs = await createSoundOutputs(this.config.sound, {
      logger: this.logger,
      ...(this.soundStream ? { stream: this.soundStream } : {}),
    });
    this.sound = new AlarmSoundController({
      outputs: soundOutputs,
      logger: this.logger.child({ ns: "sound" }),
    });
    this.sound.set(this.alarms.sound);
    this.alarms.start();
    this.notifications?.start();
    if (this.notifications) {
      // Tell the dashboard when the outbox's pending or dead-letter counts change (checked every 5 s).
      let last = "";
      this.outboxWatch = setInterval(() => {
        const s = this.notifications?.stats();
        if (!s) return;
        const now = `${s.pending}/${s.dead}`;
        if (now === last) return;
        last = now;
        this.live.broadcast({ type: "notifications", pending: s.pending, dead: s.dead });
      }, 5_000);
      this.outboxWatch.unref();
      // Delivered messages are kept 30 days (to answer "was the charge nurse told?"), then pruned.
      this.outboxPrune = setInterval(() => this.notifications?.prune(30 * 24 * 3_600_000), 3_600_000);
      this.outboxPrune.unref();
    }
    this.influx?.start();
    const mqttPort = this.mqtt?.port;
    this.address = { tcpPort, httpPort, host, mqttPort };
    this.logger.info(
      { tcpPort, httpPort, mqttPort, host, dataDir: this.config.dataDir },
      "gateway listening",
    );
    return this.address;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.mqtt?.stop();
    this.alarms.stop();
    await this.tcp.close();
    this.intake.flush();
    await this.influx?.stop();
    this.live.stop();
    this.access.stop();
    await this.http?.close();
    for (const o of this.outputs) await o.close?.();
    clearInterval(this.outboxWatch);
    clearInterval(this.outboxPrune);
    await this.notifications?.stop();
    await this.sound?.close();
    await this.checkpointer.stop();
    this.store.close();
  }

  // ---- SessionHost ----

  lastSeq(node: string, boot: string): number | undefined {
    return this.intake.lastSeq(node, boot);
  }

  nextLegacySeq(node: string): number {
    return this.intake.nextLegacySeq(node);
  }

  attach(session: NodeSession): NodeSession | undefined {
    const node = session.node as string;
    const bed = session.bed as string;
    const h = session.hello;
    this.beds.connected(bed, node, { ward: h?.ward ?? null, patient: h?.patient ?? null }, 1);
    this.mqtt?.bedChanged(bed);
    if (this.config.alarmEngine) this.alarms.connected(bed, node, this.config.heartbeatMs);
    if (!h) return undefined; // legacy clients may share a node id across connections
    const previous = this.nodes.get(node);
    this.nodes.set(node, session);
    return previous;
  }

  detach(session: NodeSession): void {
    const node = session.node;
    const bed = session.bed;
    if (!node || !bed) return;
    this.beds.connected(bed, node, { ward: null, patient: null }, -1);
    this.mqtt?.bedChanged(bed);
    // Connections the gateway closes itself on the way down are not nodes going missing.
    if (this.config.alarmEngine && !this.stopping) this.alarms.disconnected(bed, node);
    if (this.nodes.get(node) === session) this.nodes.delete(node);
  }

  submit(reading: Reading, waiter: CommitWaiter | undefined, arrived: number): string | undefined {
    return this.intake.submit(reading, waiter, arrived);
  }

  submitNumbered(reading: Reading, arrived: number): void {
    this.intake.submitNumbered(reading, arrived);
  }

  authorizeHello(hello: HelloFrame, session: NodeSession): string | undefined {
    return this.access.nodes.hello(hello, session);
  }

  authorizeLegacy(bed: string, session: NodeSession): string | undefined {
    return this.access.nodes.legacy(bed, session);
  }

  rejected(bed: string, parameter: VitalParameter, value: number | null, why: string): void {
    if (this.config.alarmEngine) this.alarms.rejected(bed, parameter, value, why);
  }

  // ---- fan-out ----

  private onStored(readings: ClassifiedReading[]): void {
    for (const r of readings) {
      this.beds.onReading(r);
      this.alerts.consider(r);
    }
    this.mqtt?.readingsStored(readings);
    this.influx?.kick();
    if (this.config.alarmEngine) {
      const t0 = performance.now();
      this.alarms.ingest(readings);
      this.metrics.alarmIngest.observe((performance.now() - t0) / 1000);
    }
  }

  /** Sends a frame to every node connected for a bed (e.g. a bedside buzzer command). */
  sendToBed(bed: string, frame: AlarmCommandFrame): void {
    for (const s of this.nodes.values()) if (s.bed === bed) s.send(frame);
  }

  private onAlert(a: Alert): void {
    this.metrics.alerts.inc();
    try {
      this.store.recordAlert(a);
    } catch (e) {
      this.logger.error({ err: e }, "could not record alert");
    }
    this.live.broadcast({
      type: "alert",
      alert: { bed: a.bed, patient: a.patient, ward: a.ward, status: a.status, reasons: a.reasons, at: a.at },
    });
  }
}
