import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeGatewayLine, encodeFrame } from "../../core/protocol/codec.js";
import type { GatewayFrame, HelloFrame, LegacyFrame, NodeFrame } from "../../core/protocol/frames.js";
import { PROTO_VERSION } from "../../core/protocol/frames.js";
import { LineSplitter } from "../../core/protocol/line-splitter.js";
import { hashPassword } from "../../gateway/auth/password.js";
import type { Role } from "../../gateway/auth/roles.js";
import { type GatewayConfigInput, parseConfig } from "../../gateway/config.js";
import { Gateway, type GatewayDeps } from "../../gateway/gateway.js";

export interface TestGateway {
  gateway: Gateway;
  tcpPort: number;
  httpPort: number;
  /** Embedded MQTT broker port (undefined when MQTT is off or external). */
  mqttPort: number | undefined;
  dataDir: string;
  /** http://127.0.0.1:<httpPort> */
  url: string;
  /** Lines the console alert output printed. */
  consoleLines: string[];
  /** What the console sound output wrote (bells and status lines). */
  soundLines: string[];
  /** A new API token for a role (as `vitals tokens add` makes). */
  token(role: Role, name?: string): string;
  /** A new user with a password (as `vitals users add` makes). */
  addUser(name: string, role: Role, password: string): Promise<void>;
  stop(opts?: { keepData?: boolean }): Promise<void>;
}

type Sections =
  | "limits"
  | "auth"
  | "alerts"
  | "storage"
  | "live"
  | "alarms"
  | "notifications"
  | "mqtt"
  | "influx"
  | "sound";
export type TestConfig = Omit<GatewayConfigInput, Sections> & {
  [K in Sections]?: Partial<NonNullable<GatewayConfigInput[K]>>;
};

/**
 * Boots the real gateway on free loopback ports with a temporary SQLite directory, so a test is a
 * few lines of scenario (after zwave-js's integrationTest harness).
 */
export async function startTestGateway(
  opts: { config?: TestConfig; dataDir?: string } & Omit<GatewayDeps, "config"> = {},
): Promise<TestGateway> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "vitals-gw-"));
  const { config: over = {}, dataDir: _d, ...deps } = opts;
  const config = parseConfig({
    host: "127.0.0.1",
    tcpPort: 0,
    httpPort: 0,
    logLevel: "silent",
    ...over,
    dataDir,
    alerts: { bell: false, ...over.alerts },
    // The embedded MQTT broker listens on 1883 by default: tests take a free port.
    mqtt: { port: 0, ...over.mqtt },
    // Lab defaults, so scenarios stay a few lines: nodes need no credential (unless the test sets a
    // shared token, which it means to test) and loopback requests are the demo user. Access-control
    // tests turn both off.
    auth: { openNodes: over.auth?.nodeToken === undefined, demo: true, ...over.auth },
  });
  const consoleLines: string[] = [];
  const soundLines: string[] = [];
  const gateway = new Gateway({
    console: { write: (s: string) => consoleLines.push(s) },
    soundStream: { write: (s: string) => soundLines.push(s) },
    ...deps,
    config,
  });
  const addr = await gateway.start();
  return {
    gateway,
    tcpPort: addr.tcpPort,
    httpPort: addr.httpPort,
    mqttPort: addr.mqttPort,
    dataDir,
    url: `http://127.0.0.1:${addr.httpPort}`,
    consoleLines,
    soundLines,
    token: (role, name) => gateway.access.control.tokens.add(role, name, Date.now()).token,
    async addUser(name, role, password) {
      gateway.access.control.users.add(name, role, await hashPassword(password), Date.now());
    },
    async stop(o = {}) {
      await gateway.stop();
      if (!o.keepData && !opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A raw protocol-v1 client on a real socket, for tests. */
export class TestNode {
  readonly frames: GatewayFrame[] = [];
  readonly lines: string[] = [];
  private readonly waiters: { pred: (f: GatewayFrame) => boolean; resolve: (f: GatewayFrame) => void }[] = [];
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    const splitter = new LineSplitter(1 << 20);
    socket.on("data", (chunk: Buffer) => {
      for (const ev of splitter.push(chunk)) {
        if (ev.kind !== "line") continue;
        this.lines.push(ev.line);
        const d = decodeGatewayLine(ev.line);
        if (d.kind !== "frame") continue;
        this.frames.push(d.frame);
        for (const w of [...this.waiters]) {
          if (w.pred(d.frame)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(d.frame);
          }
        }
      }
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
  }

  static async connect(port: number): Promise<TestNode> {
    const socket = connect(port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    return new TestNode(socket);
  }

  /** Sends a frame through the codec's encoder, or a raw string (malformed input, batches) as-is. */
  send(frame: NodeFrame | LegacyFrame | string): void {
    this.socket.write(typeof frame === "string" ? frame : encodeFrame(frame));
  }

  /** Resolves with the first frame (already received or future) matching `pred`. */
  next<T extends GatewayFrame>(pred: (f: GatewayFrame) => boolean, timeoutMs = 5_000): Promise<T> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen as T);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${this.lines.join(" | ")}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (f) => {
          clearTimeout(timer);
          resolve(f as T);
        },
      });
    });
  }

  waitAck(seq: number, timeoutMs?: number): Promise<GatewayFrame> {
    return this.next((f) => f.type === "ack" && f.seq >= seq, timeoutMs);
  }

  waitError(code?: string, timeoutMs?: number): Promise<GatewayFrame & { type: "error" }> {
    return this.next((f) => f.type === "error" && (code === undefined || f.code === code), timeoutMs);
  }

  close(): void {
    this.socket.end();
  }
}

/** Connects and completes the hello/welcome handshake. */
export async function connectNode(
  tcpPort: number,
  hello: Partial<Omit<HelloFrame, "type">> & { node: string; bed: string },
): Promise<TestNode> {
  const n = await TestNode.connect(tcpPort);
  n.send({ type: "hello", proto: PROTO_VERSION, ...hello });
  await n.next((f) => f.type === "welcome" || f.type === "error");
  return n;
}
