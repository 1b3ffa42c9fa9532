import type { FastifyInstance } from "fastify";
import { type Logger, silentLogger } from "../core/logger.js";
import type { Alert, ClassifiedReading } from "../core/reading.js";
import { systemTime, type TimeSource } from "../core/time.js";
import { registerAlarmMetrics } from "./alarms/alarm-metrics.js";
import { AlarmService } from "./alarms/alarm-service.js";
import { type EscalatedEvent, PRIORITY_RANK, type Priority } from "./alarms/types.js";
import { registerAlarmRoutes } from "./api/alarm-routes.js";
import { createHttpServer, listen } from "./api/http-server.js";
import { LiveHub } from "./api/live-hub.js";
import { registerNoticeRoutes } from "./api/notice-routes.js";
import { registerNotificationRoutes } from "./api/notification-routes.js";
import { registerStayRoutes } from "./api/stay-routes.js";
import { registerTrendRoutes } from "./api/trend-routes.js";
import { GatewayAccess } from "./auth/gateway-access.js";
import { loadTls } from "./auth/tls-config.js";
import { BedRegistry } from "./beds.js";
import type { GatewayConfig } from "./config.js";
import { registerGatewayGauges } from "./gateway-gauges.js";
import { BedAdmission } from "./ingest/bed-admission.js";
import { NodeBudgets } from "./ingest/node-budgets.js";
import { NodeClocks } from "./ingest/node-clocks.js";
import { NodePresence } from "./ingest/node-presence.js";
import type { SessionHost } from "./ingest/node-session.js";
import { ReadingIntake } from "./ingest/reading-intake.js";
import { SessionDirectory } from "./ingest/session-directory.js";
import { TcpIngestServer } from "./ingest/tcp-server.js";
import { InteropService } from "./interop/interop-service.js";
import { GatewayMetrics } from "./metrics.js";
import { MqttService } from "./mqtt/mqtt-service.js";
import { alarmEventToNotification, notifiedBy } from "./notify/alarm-notification.js";
import { registerNotificationMetrics } from "./notify/notification-metrics.js";
import { NotificationService } from "./notify/notification-service.js";
import { AlertDispatcher } from "./outputs/alert-dispatcher.js";
import type { AlertOutput } from "./outputs/alert-output.js";
import { ConsoleAlertOutput } from "./outputs/console-alert.js";
import { AlarmSoundController, createSoundOutputs } from "./outputs/sound/index.js";
import { StayService } from "./stays/stay-service.js";
import { AlarmStore, eventView } from "./store/alarm-store.js";
import { Checkpointer } from "./store/checkpointer.js";
import { InfluxForwarder } from "./store/influx-forwarder.js";
import { InfluxHistory } from "./store/influx-history.js";
import { createInfluxClient } from "./store/influx-schema.js";
import type { ReadingHistory } from "./store/reading-history.js";
import { SqliteStore } from "./store/sqlite-store.js";
import { StayHistory } from "./store/stay-history.js";
import { StayStore } from "./store/stay-store.js";
import { StorageHealth } from "./store/storage-health.js";

export interface GatewayDeps {
  config: GatewayConfig;
  time?: TimeSource;
  logger?: Logger;
  /** Where the console alert output writes (default: process.stdout). */
  console?: { write(s: string): unknown };
  /** Extra outputs for messages about alarm events (besides the console). */
  outputs?: AlertOutput[];
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

/** A part of the gateway with a lifetime: started in list order, stopped in reverse. */
interface Service {
  name: string;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

/**
 * The composition root: builds the parts and wires one reading's path through them — ingest (TCP,
 * MQTT) → intake (seq ledger, alarm engine judging each reading, group commit) → fan-out (bed
 * registry, alarm events to console/notifications/MQTT, live hub, InfluxDB) — and nothing else.
 * The alarm engine is the only source of severity: every status, count and message derives from it. Everything is injected, so tests and
 * embedders can run several gateways in one process. docs/architecture.md walks through it.
 */
export class Gateway {
  readonly config: GatewayConfig;
  readonly metrics: GatewayMetrics;
  readonly store: SqliteStore;
  readonly beds = new BedRegistry();
  readonly notifications: NotificationService | undefined;
  readonly mqtt: MqttService | undefined;
  readonly influx: InfluxForwarder | undefined;
  readonly stays: StayService;
  readonly interop: InteropService;
  address: GatewayAddress | undefined;
  /** Staff sign-in, tokens, node credentials, audit log (docs/security.md). */
  readonly access: GatewayAccess;
  private readonly time: TimeSource;
  private readonly logger: Logger;
  private readonly intake: ReadingIntake;
  private readonly alerts: AlertDispatcher;
  private readonly alarms: AlarmService;
  private readonly presence: NodePresence;
  private readonly live: LiveHub;
  private readonly services: Service[];
  private sound: AlarmSoundController | undefined;
  private http: FastifyInstance | undefined;
  private tcpPort = 0;
  private httpPort = 0;

  constructor(deps: GatewayDeps) {
    const config = deps.config;
    const env = deps.env ?? process.env;
    this.config = config;
    this.time = deps.time ?? systemTime;
    this.logger = deps.logger ?? silentLogger;
    this.metrics = deps.metrics ?? new GatewayMetrics();
    const time = this.time;
    const logger = this.logger;

    // ---- storage ----
    this.store = SqliteStore.open(config.dataDir, {
      synchronous: config.storage.synchronous,
      checkpointInWorker: true,
    });
    this.access = new GatewayAccess(this.store.db, config.auth, time, logger.child({ ns: "auth" }));
    const checkpointer = new Checkpointer(this.store.path, logger.child({ ns: "store" }));
    const restored = this.store.beds();
    this.beds.restore(restored);
    const alarmStore = new AlarmStore(this.store.db);
    let history: ReadingHistory = this.store;
    if (config.influx.enabled) {
      const client = createInfluxClient(config.influx, env);
      const gateway = config.influx.gateway ?? config.mqtt.ward;
      const influxLogger = logger.child({ ns: "influx" });
      this.influx = new InfluxForwarder({
        db: this.store.db,
        influx: client,
        config: config.influx,
        gateway,
        logger: influxLogger,
        time,
      });
      history = new InfluxHistory(client, gateway, this.store, influxLogger);
    }

    this.interop = new InteropService({
      db: this.store.db,
      beds: this.beds,
      hl7: config.hl7,
      fhir: config.fhir,
      time,
      logger,
      env,
    });

    // ---- outputs ----
    this.live = new LiveHub(this.beds, time, config.live);
    const outputs = [...(deps.outputs ?? [])];
    if (config.alerts.console) {
      outputs.unshift(
        new ConsoleAlertOutput(deps.console ?? process.stdout, {
          bell: config.alerts.bell,
          showPatient: config.alerts.showPatient,
        }),
      );
    }
    if (config.notifications.enabled) {
      this.notifications = new NotificationService({
        db: this.store.db,
        time,
        logger: logger.child({ ns: "notify" }),
        config: config.notifications,
        publicUrl: config.publicUrl,
        ...(deps.env ? { env: deps.env } : {}),
      });
      registerNotificationMetrics(this.metrics.registry, this.notifications);
    }
    this.alerts = new AlertDispatcher({
      time,
      intervalMs: config.alerts.perPatientIntervalMs,
      minPriority: config.alerts.minPriority,
      outputs,
      logger: logger.child({ ns: "alerts" }),
      describe: (bed) => ({
        ward: this.beds.view(bed)?.ward ?? null,
        status: this.alarms.classify(bed).status,
      }),
      onAlert: (a) => this.onAlert(a),
    });

    // ---- alarms ----
    let sessions: SessionDirectory | undefined;
    this.alarms = new AlarmService({
      config: config.alarms,
      time,
      logger: logger.child({ ns: "alarms" }),
      store: alarmStore,
      beds: this.beds,
      live: this.live,
      toBed: (bed, frame) => sessions?.sendToBed(bed, frame),
      onSound: (p) => {
        this.metrics.soundPriority.set(p === null ? 0 : PRIORITY_RANK[p]);
        this.sound?.set(p);
        deps.onSound?.(p);
      },
      ...(deps.onEscalation ? { onEscalation: deps.onEscalation } : {}),
      onAlarmEvent: (e) => {
        this.interop.alarmEvent(e);
        const ward = this.beds.view(e.bed)?.ward ?? null;
        if (e.type !== "limits_changed")
          this.mqtt?.alarmEvent({
            bed: e.bed,
            patient: e.patient,
            ward,
            status: this.alarms.classify(e.bed).status,
            event: eventView(e),
          });
        if (this.notifications && notifiedBy(config.notifyOn, e)) {
          const n = alarmEventToNotification(e, ward);
          if (n) this.notifications.enqueue(n);
        }
      },
      onAlarmEvents: (events) => this.alerts.consider(events),
    });
    const stayStore = new StayStore(this.store.db);
    this.stays = new StayService({
      store: stayStore,
      alarms: this.alarms,
      beds: this.beds,
      time,
      logger: logger.child({ ns: "stays" }),
      removed: (bed) => this.live.broadcast({ type: "removed", beds: [bed] }),
    });
    const stayHistory = new StayHistory(this.store.db, stayStore);
    this.beds.decorate = {
      alarm: (b) => this.alarms.summary(b),
      news2: (b) => this.alarms.news2(b),
      classify: (b) => (config.alarmEngine ? this.alarms.classify(b) : { status: "UNKNOWN", reasons: [] }),
      stay: (b) => this.stays.stayOf(b),
    };
    this.beds.onBedChange = (bed) => this.mqtt?.bedChanged(bed);
    if (config.alarmEngine) this.live.notices = () => this.alarms.notices();
    registerAlarmMetrics(this.metrics.registry, {
      alarms: () => this.beds.all().flatMap((b) => b.alarm?.alarms ?? []),
      statuses: () => this.beds.all().map((b) => b.status),
    });
    const engine = config.alarmEngine ? this.alarms : undefined;
    const storageHealth = new StorageHealth({
      dataDir: config.dataDir,
      minFreeBytes: config.storage.minFreeBytes,
      checkIntervalMs: config.storage.checkIntervalMs,
      logger: logger.child({ ns: "store" }),
      alarmLog: alarmStore,
      onChange: (failing) => this.alarms.stationCondition("storage_failing", failing),
    });
    alarmStore.onBacklogChange = (waiting, error) => storageHealth.alarmLogChanged(waiting, error);

    // ---- ingest ----
    const nodeClocks = new NodeClocks(config.limits);
    const admission = new BedAdmission(config, restored);
    this.intake = new ReadingIntake({
      store: this.store,
      // The alarm engine judges each batch just before its commit: readings are stored with the status
      // derived right after them. With the engine off (benchmarks only) nothing is judged: UNKNOWN.
      judge: (rs) => {
        if (!config.alarmEngine) return;
        const t0 = performance.now();
        this.alarms.judge(rs);
        this.metrics.alarmIngest.observe((performance.now() - t0) / 1000);
      },
      // Alarm events and state are as durable as the readings that caused them: one transaction.
      inTransaction: () => {
        if (config.alarmEngine) this.alarms.writePending();
      },
      rolledBack: () => this.alarms.rolledBack(),
      metrics: this.metrics,
      logger: logger.child({ ns: "store" }),
      time,
      maxBatch: config.storage.maxBatch,
      maxSeqJump: config.limits.maxSeqJump,
      onStored: (rs) => this.onStored(rs),
      clocks: nodeClocks,
      commits: storageHealth,
    });
    this.presence = new NodePresence({
      beds: this.beds,
      alarms: engine,
      heartbeatMs: config.heartbeatMs,
      changed: (bed) => this.mqtt?.bedChanged(bed),
      admission,
    });
    sessions = new SessionDirectory(this.presence);
    const ingestHost: Pick<SessionHost, "config" | "time" | "metrics" | "submit" | "rejected" | "budgets"> = {
      config,
      time,
      metrics: this.metrics,
      budgets: new NodeBudgets(config.limits),
      submit: (r, waiter, arrived) => this.intake.submit(this.interop.admitted(r), waiter, arrived),
      rejected: (bed, parameter, value, why) => engine?.rejected(bed, parameter, value, why),
    };
    const tcpSessions: SessionHost = {
      ...ingestHost,
      logger: logger.child({ ns: "ingest" }),
      lastSeq: (node, boot) => this.intake.lastSeq(node, boot),
      nextLegacySeq: (node) => this.intake.nextLegacySeq(node),
      submitNumbered: (r, arrived) => this.intake.submitNumbered(this.interop.admitted(r), arrived),
      attach: (s) => sessions.attach(s),
      detach: (s) => sessions.detach(s),
      authorizeHello: (hello, session) => this.access.nodes.hello(hello, session),
      authorizeLegacy: (bed, session) => this.access.nodes.legacy(bed, session),
      admission,
    };
    const tcp = new TcpIngestServer(tcpSessions, config.tls?.ingest ? loadTls(config.tls) : undefined);
    const https = config.tls ? loadTls(config.tls) : undefined;
    if (config.mqtt.mode !== "off") {
      this.mqtt = new MqttService(
        {
          ...ingestHost,
          config: { ...config, mqtt: config.mqtt },
          logger: logger.child({ ns: "mqtt" }),
          beds: this.beds,
          nodeOnline: (bed, node, meta) => this.presence.online(bed, node, meta),
          nodeOffline: (bed, node) => this.presence.offline(bed, node),
        },
        env,
      );
      this.metrics.mqttConnections = () => this.mqtt?.brokerStats?.clients ?? 0;
    }
    const influx = this.influx;
    registerGatewayGauges(this.metrics.registry, {
      ...(this.mqtt ? { broker: () => this.mqtt?.brokerStats } : {}),
      ...(influx
        ? { influx: { backlog: () => influx.backlog, oldestPendingAt: () => influx.oldestPendingAt } }
        : {}),
      webSocketClients: () => this.live.size,
      now: () => time.now(),
    });

    // Started top to bottom, stopped bottom to top: ingest stops first, storage last.
    this.services = [
      { name: "store", stop: () => this.store.close() },
      { name: "checkpointer", stop: () => checkpointer.stop() },
      { name: "storage-health", start: () => storageHealth.start(), stop: () => storageHealth.stop() },
      {
        name: "notifications",
        start: () => this.notifications?.start(),
        stop: () => this.notifications?.stop(),
      },
      {
        name: "sound",
        start: async () => {
          const soundOutputs = await createSoundOutputs(config.sound, {
            logger,
            time,
            ...(deps.soundStream ? { stream: deps.soundStream } : {}),
          });
          this.sound = new AlarmSoundController({
            outputs: soundOutputs,
            logger: logger.child({ ns: "sound" }),
            time,
          });
          this.sound.set(this.alarms.sound);
        },
        stop: () => this.sound?.close(),
      },
      { name: "outputs", stop: async () => void (await Promise.all(outputs.map((o) => o.close?.()))) },
      { name: "alerts", stop: () => this.alerts.flush() },
      { name: "influx", start: () => this.influx?.start(), stop: () => this.influx?.stop() },
      { name: "interop", start: () => this.interop.start(), stop: () => this.interop.stop() },
      // Whatever the ingest servers handed over before they closed is committed (and acknowledged).
      { name: "intake", stop: () => this.intake.flush() },
      { name: "live", start: () => this.live.start(), stop: () => this.live.stop() },
      { name: "alarms", start: () => this.alarms.start(), stop: () => this.alarms.stop() },
      {
        name: "http",
        start: async () => {
          const http = await createHttpServer({
            store: this.store,
            history,
            beds: this.beds,
            live: this.live,
            metrics: this.metrics,
            time,
            logger: logger.child({ ns: "http" }),
            access: this.access,
            dataDir: config.dataDir,
            https,
            storage: () => storageHealth.view(),
            nodes: () => nodeClocks.views(),
            ...(deps.dashboardDir ? { dashboardDir: deps.dashboardDir } : {}),
          });
          this.http = http;
          registerNotificationRoutes(http, this.notifications);
          registerAlarmRoutes(http, { alarms: this.alarms, store: alarmStore, beds: this.beds, time });
          registerNoticeRoutes(http, { alarms: this.alarms });
          registerStayRoutes(http, { stays: this.stays, history: stayHistory, time });
          registerTrendRoutes(http, { store: this.store, beds: this.beds, time });
          this.interop.registerRoutes(http);
          // Before listen: the broker registers its WebSocket route (/mqtt) on the HTTP server.
          await this.mqtt?.start(http);
          this.httpPort = await listen(http, config.httpPort, config.host);
          this.access.start(config.dataDir);
          this.notifications?.watch((s) => this.live.broadcast({ type: "notifications", ...s }));
        },
        stop: async () => {
          await this.mqtt?.stop();
          this.access.stop();
          await this.http?.close();
        },
      },
      {
        name: "tcp",
        start: async () => {
          this.tcpPort = await tcp.listen(config.tcpPort, config.host);
        },
        stop: () => tcp.close(),
      },
    ];
  }

  async start(): Promise<GatewayAddress> {
    // Refuses an unsafe exposure (plain HTTP beyond loopback, no admin…) before anything listens.
    this.access.check(this.config.host, this.config.tls !== undefined, {
      mqttAnonymous: this.config.mqtt.mode === "embedded" && this.config.mqtt.anonymous,
    });
    for (const s of this.services) await s.start?.();
    const { host } = this.config;
    const mqttPort = this.mqtt?.port;
    this.address = { tcpPort: this.tcpPort, httpPort: this.httpPort, host, mqttPort };
    this.logger.info(
      { tcpPort: this.tcpPort, httpPort: this.httpPort, mqttPort, host, dataDir: this.config.dataDir },
      "gateway listening",
    );
    return this.address;
  }

  async stop(): Promise<void> {
    this.presence.shuttingDown();
    for (const s of [...this.services].reverse()) await s.stop?.();
  }

  /** A reading's fan-out, once it is durable. */
  private onStored(readings: ClassifiedReading[]): void {
    for (const r of readings) this.beds.onReading(r);
    this.mqtt?.readingsStored(readings);
    this.influx?.kick();
    this.interop.readingsStored();
    // The events judging caused go out now that their readings are durable.
    if (this.config.alarmEngine) this.alarms.settle();
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
      alert: {
        bed: a.bed,
        patient: a.patient,
        ward: a.ward,
        status: a.status,
        reasons: a.reasons,
        priority: a.priority,
        at: a.at,
      },
    });
  }
}
