import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import type { Duplex } from "node:stream";
import { createServer as createTlsServer } from "node:tls";
import { Aedes, type Client } from "aedes";
import type { FastifyInstance } from "fastify";
import { createWebSocketStream } from "ws";
import { TokenBucket } from "../ingest/token-bucket.js";
import { listenError } from "../listen-error.js";
import { LoginThrottle } from "./login-throttle.js";
import { accountOf, MqttAccessControl, type MqttPrincipal } from "./mqtt-acl.js";
import { guardPacketSizes } from "./packet-size-guard.js";
import type { BridgeHost, MqttReadingBridge } from "./reading-bridge.js";
import { decodeNodeStatus, parseTopic } from "./topics.js";

type AuthError = Error & { returnCode: number };

function refusal(message: string, returnCode: number): AuthError {
  return Object.assign(new Error(message), { returnCode });
}

/** The remote address of a client over TCP, TLS or WebSocket. */
function addressOf(client: Client): string {
  const c = client as Client & {
    conn?: { remoteAddress?: string };
    req?: { socket?: { remoteAddress?: string } };
  };
  return c.conn?.remoteAddress ?? c.req?.socket?.remoteAddress ?? "unknown";
}

interface ClientState {
  principal: MqttPrincipal;
  bucket: TokenBucket;
  /** Beds this connection announced online, to mark them disconnected when it goes. */
  beds: Set<string>;
}

/**
 * The aedes broker inside the gateway. Readings are submitted from authorizePublish, whose callback
 * aedes waits for before it writes the PUBACK (lib/handlers/publish.js: authorizePublish, then
 * enqueuePublish writes PubAck): calling it from the commit waiter makes the PUBACK mean "stored".
 */
export class EmbeddedBroker {
  private aedes: Aedes | undefined;
  /** PUBLISH packets clients sent that the broker accepted (vitals_mqtt_messages_received_total). */
  messagesReceived = 0;

  /** Clients connected now. */
  get connectedClients(): number {
    return this.aedes?.connectedClients ?? 0;
  }
  private readonly servers: Server[] = [];
  private readonly clients = new WeakMap<Client, ClientState>();
  /** Payloads of rejected readings: acknowledged, but not forwarded to subscribers (aedes keeps the Buffer). */
  private readonly rejected = new WeakSet<Buffer>();
  private readonly acl: MqttAccessControl;
  private readonly logins: LoginThrottle;
  port: number | undefined;
  tlsPort: number | undefined;

  constructor(
    private readonly host: BridgeHost,
    env: NodeJS.ProcessEnv,
  ) {
    this.acl = new MqttAccessControl(host.config.mqtt, env, {
      maxChecks: host.config.limits.maxConcurrentLoginChecks,
      maxWaiting: 1_000,
    });
    this.logins = new LoginThrottle(host.config.limits);
  }

  /** Broker-originated publishes (state, alarms, errors). */
  publish(topic: string, payload: string, opts: { retain: boolean; qos: 0 | 1 }): void {
    this.aedes?.publish(
      {
        cmd: "publish",
        topic,
        payload: Buffer.from(payload),
        qos: opts.qos,
        retain: opts.retain,
        dup: false,
      },
      (err) => {
        if (err) this.host.logger.warn({ err: err.message, topic }, "mqtt publish failed");
      },
    );
  }

  async start(bridge: MqttReadingBridge, http: FastifyInstance | undefined): Promise<void> {
    const log = this.host.logger;
    const limits = this.host.config.limits;
    const aedes = await Aedes.createBroker({
      // A node that does not read its socket must not pin memory forever.
      drainTimeout: limits.idleTimeoutMs,
      authenticate: (client, username, password, done) => {
        type AuthDone = Parameters<typeof done>[0];
        const address = addressOf(client);
        const account = (username ?? "").slice(0, 64);
        const refuse = (why: string, code = 4) => {
          this.host.metrics.rejected.inc({ code: "unauthorized" });
          log.info(
            { clientId: client.id.slice(0, 64), user: account, address },
            `mqtt connection refused: ${why}`,
          );
          done(
            refusal(code === 2 ? "client id in use" : "bad username or password", code) as AuthDone,
            false,
          );
        };
        if (!this.logins.allowed(account, address, this.host.time.now())) {
          return refuse("too many failed logins (limits.failedLoginsPer…)");
        }
        this.acl.authenticate(client.id, username, password).then(
          (p) => {
            if (!p) {
              if (account !== "") this.logins.failed(account, address, this.host.time.now());
              return refuse("bad credentials");
            }
            // aedes lets a new connection take over a client id: only the same account may do that.
            // `clients` is aedes's registry of connected clients by id (not in its type definitions).
            const holder = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[
              client.id
            ];
            const held = holder && holder !== client ? this.clients.get(holder) : undefined;
            if (held && accountOf(held.principal) !== accountOf(p)) {
              return refuse(`client id in use by another account (${accountOf(held.principal)})`, 2);
            }
            this.admit(client, p);
            done(null, true);
          },
          (e: Error) => done(e as AuthDone, false),
        );
      },
      authorizePublish: (client, packet, done) => {
        const topic = parseTopic(packet.topic);
        if (client === null) {
          // An obsolete will published after its client is gone: only node status is expected.
          if (topic?.kind === "node") bridge.nodeGone(topic.ward, topic.bed);
          return done(topic?.kind === "node" ? null : new Error("not allowed"));
        }
        const st = this.clients.get(client);
        if (!st || !topic || !this.acl.canPublish(st.principal, packet.topic)) {
          this.host.metrics.rejected.inc({ code: "unauthorized" });
          log.info(
            { clientId: client.id.slice(0, 64), topic: packet.topic.slice(0, 128) },
            "mqtt publish denied",
          );
          return done(new Error("publish not allowed on this topic"));
        }
        const now = this.host.time.now();
        const node = st.principal.kind === "node" ? st.principal.node : client.id;
        const over = !st.bucket.take(now)
          ? `more than ${limits.linesPerSecond} messages/s`
          : (this.host.budgets.line(node, now) ??
            (topic.kind === "reading" ? this.host.budgets.reading(node, now) : undefined));
        if (over !== undefined) {
          this.host.metrics.rejected.inc({ code: "flood" });
          return done(new Error(over));
        }
        if (topic.kind === "node") {
          const decoded = decodeNodeStatus(packet.payload as Buffer);
          if (!decoded) return done(new Error("node status must be online/offline JSON"));
          // The account's configured patient stands; a node's status cannot name another one.
          const configured = st.principal.kind === "node" ? st.principal.patient : null;
          const status = configured !== null ? { ...decoded, patient: configured } : decoded;
          const key = `${topic.ward}\u0000${topic.bed}`;
          if (status.status === "online") st.beds.add(key);
          else st.beds.delete(key);
          bridge.onNodeStatus(topic.ward, topic.bed, node, status);
          return done(null);
        }
        const patient = st.principal.kind === "node" ? st.principal.patient : null;
        const payload = packet.payload as Buffer;
        bridge.onReading({ node, ward: topic.ward, bed: topic.bed, patient }, payload, (err, rejected) => {
          if (err) return done(err);
          // Subscribers get accepted readings as received; a rejected one only as the …/error event.
          if (rejected) this.rejected.add(payload);
          done(null);
        });
      },
      authorizeForward: (_client, packet) =>
        Buffer.isBuffer(packet.payload) && this.rejected.has(packet.payload) ? null : packet,
      authorizeSubscribe: (client, sub, done) => {
        const st = this.clients.get(client);
        const ok = st !== undefined && this.acl.canSubscribe(st.principal, sub.topic);
        if (!ok)
          log.info(
            { clientId: client.id.slice(0, 64), filter: sub.topic.slice(0, 128) },
            "mqtt subscribe denied",
          );
        // Negated, not an error: the client stays connected and sees SUBACK 0x80 for that filter.
        done(null, ok ? sub : null);
      },
    });
    this.aedes = aedes;
    aedes.on("publish", (_packet, client) => {
      if (client) this.messagesReceived++;
    });
    aedes.on("clientDisconnect", (client) => {
      const st = this.clients.get(client);
      if (!st) return;
      for (const key of st.beds) {
        const [ward, bed] = key.split("\u0000") as [string, string];
        bridge.nodeGone(ward, bed);
      }
      st.beds.clear();
    });
    aedes.on("clientError", (client, err) => {
      log.debug({ clientId: client.id?.slice(0, 64), err: err.message }, "mqtt client error");
    });

    const { mqtt } = this.host.config;
    const handle = (conn: Duplex, req?: IncomingMessage) => {
      guardPacketSizes(conn, (why) => {
        this.host.metrics.rejected.inc({ code: "too_long" });
        log.info({ why }, "mqtt connection closed: packet too large");
      });
      aedes.handle(conn, req);
    };
    const tcp = createServer(handle);
    this.port = await listenOn(tcp, mqtt.port, this.host.config.host);
    this.servers.push(tcp);
    if (mqtt.tls) {
      const tls = createTlsServer(
        { cert: readFileSync(mqtt.tls.certFile), key: readFileSync(mqtt.tls.keyFile) },
        handle,
      );
      this.tlsPort = await listenOn(tls, mqtt.tls.port, this.host.config.host, true);
      this.servers.push(tls);
    }
    if (http && mqtt.websocket) {
      http.get("/mqtt", { websocket: true }, (socket, req) => {
        handle(createWebSocketStream(socket), req.raw);
      });
    }
  }

  private admit(client: Client, principal: MqttPrincipal): void {
    const limits = this.host.config.limits;
    this.clients.set(client, {
      principal,
      bucket: new TokenBucket(limits.linesPerSecond, limits.burstLines, this.host.time.now()),
      beds: new Set(),
    });
  }

  async stop(): Promise<void> {
    for (const s of this.servers) s.close();
    const a = this.aedes;
    if (a) await new Promise<void>((resolve) => a.close(() => resolve()));
    await Promise.all(
      this.servers.map((s) => new Promise<void>((r) => (s.listening ? s.once("close", r) : r()))),
    );
  }
}

function listenOn(server: Server, port: number, host: string, tls = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) =>
      reject(
        listenError(e, {
          what: tls ? "MQTT over TLS" : "MQTT",
          host,
          port,
          flag: tls ? "(no flag)" : "--mqtt-port",
          key: tls ? "mqtt.tls.port" : "mqtt.port",
          // The usual cause of a busy 1883: a system Mosquitto, which the gateway can use instead.
          inUseHint: 'or use that broker with mqtt.mode "external", or turn MQTT off with mqtt.mode "off"',
        }),
      );
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
