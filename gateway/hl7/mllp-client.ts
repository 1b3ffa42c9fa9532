import { readFileSync } from "node:fs";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { DEFAULT_MAX_MLLP_BYTES, MllpDecoder, mllpFrame } from "./mllp.js";

export interface MllpTlsOptions {
  /** PEM CA bundle to trust (default: the system's). */
  caFile?: string | undefined;
  /** Client certificate and key, when the receiver asks for one. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  servername?: string | undefined;
}

export interface MllpClientOptions {
  host: string;
  port: number;
  connectTimeoutMs: number;
  tls?: MllpTlsOptions | undefined;
  maxBytes?: number;
}

export class MllpUnreachableError extends Error {
  override readonly name = "MllpUnreachableError";
}

/**
 * One persistent MLLP connection, used stop-and-wait: send a message, wait for the one frame that
 * answers it. Connects on first use and again after any failure; the caller paces reconnects.
 */
export class MllpClient {
  private socket: Socket | undefined;
  private decoder = new MllpDecoder(DEFAULT_MAX_MLLP_BYTES);
  private waiter: { resolve: (t: string) => void; reject: (e: Error) => void } | undefined;
  private readonly tls: { ca?: Buffer; cert?: Buffer; key?: Buffer } | undefined;

  constructor(private readonly o: MllpClientOptions) {
    if (o.tls) {
      this.tls = {
        ...(o.tls.caFile ? { ca: readFileSync(o.tls.caFile) } : {}),
        ...(o.tls.certFile ? { cert: readFileSync(o.tls.certFile) } : {}),
        ...(o.tls.keyFile ? { key: readFileSync(o.tls.keyFile) } : {}),
      };
    }
  }

  /** Sends one message and resolves with the receiver's answer; rejects with MllpUnreachableError. */
  async exchange(text: string, timeoutMs: number): Promise<string> {
    const socket = this.socket ?? (await this.open());
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        this.drop();
        reject(new MllpUnreachableError(`no acknowledgment within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = {
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      socket.write(mllpFrame(text));
    });
  }

  close(): void {
    this.drop();
  }

  private open(): Promise<Socket> {
    return new Promise<Socket>((resolve, reject) => {
      const { host, port } = this.o;
      const event = this.tls ? "secureConnect" : "connect";
      const s = this.tls
        ? tlsConnect({
            host,
            port,
            ...this.tls,
            ...(this.o.tls?.servername ? { servername: this.o.tls.servername } : {}),
          })
        : netConnect({ host, port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new MllpUnreachableError(`connect to ${host}:${port} timed out`));
      }, this.o.connectTimeoutMs);
      s.once(event, () => {
        clearTimeout(timer);
        s.setNoDelay(true);
        s.setKeepAlive(true, 30_000);
        this.socket = s;
        this.decoder = new MllpDecoder(this.o.maxBytes ?? DEFAULT_MAX_MLLP_BYTES);
        resolve(s);
      });
      s.on("data", (chunk: Buffer) => {
        for (const ev of this.decoder.push(chunk)) {
          if (ev.kind !== "message") continue;
          const w = this.waiter;
          this.waiter = undefined;
          w?.resolve(ev.text);
        }
      });
      s.on("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const err = new MllpUnreachableError(`${host}:${port}: ${e.code ?? e.message}`);
        if (this.socket !== s) reject(err);
        this.fail(s, err);
      });
      s.on("close", () => this.fail(s, new MllpUnreachableError(`${host}:${port}: connection closed`)));
    });
  }

  private fail(s: Socket, err: Error): void {
    if (this.socket === s) this.socket = undefined;
    s.destroy();
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }
}
