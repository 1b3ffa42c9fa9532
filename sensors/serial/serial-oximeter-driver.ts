import pino, { type Logger } from "pino";
import { SerialPort } from "serialport";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import type { OximeterDecoder } from "./oximeter-frame.js";
import { SampleSummarizer } from "./sample-summarizer.js";
import {
  SERIAL_DRIVERS,
  type SerialDriverSpec,
  type SerialSettings,
  serialDriverSpec,
} from "./serial-driver-registry.js";

/** The part of a serialport stream the driver uses; `SerialPort` and `SerialPortMock` both fit. */
export interface SerialLink {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  write(data: Uint8Array): boolean;
  close(cb?: (err: Error | null) => void): void;
  on(event: "data", listener: (chunk: Buffer) => void): unknown;
  on(event: "close", listener: (err?: Error | null) => void): unknown;
  on(event: "error", listener: (err: Error) => void): unknown;
  removeAllListeners(): unknown;
}

export type OpenSerialLink = (options: SerialSettings & { path: string }) => SerialLink;

export interface SerialDriverOptions {
  /** Device path, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-Silicon_Labs_CP2102_… */
  path: string;
  /** Override the device's usual baud rate (e.g. 4800 for a Setocare BCI board). */
  baudRate?: number;
  /** One summary sample per interval (the devices stream up to 75 Hz). */
  summaryIntervalMs?: number;
  /** After this long without a reading, samples say "sensor_off" with no values. */
  staleAfterMs?: number;
  /**
   * Close and reopen a port that has delivered no byte at all for this long. A USB unplug normally
   * closes the port at once, but a hung adapter or a hang-up that races a pending write can leave
   * it "open" and dead.
   */
  reopenIfSilentMs?: number;
  /** Reopen delays after a cable pull or a failed open: doubling from initialMs up to maxMs. */
  reconnect?: { initialMs: number; maxMs: number };
}

export interface SerialDriverHost {
  time?: TimeSource;
  logger?: Logger;
  /** How to open the port; the real `serialport` package by default, a mock binding in unit tests. */
  openLink?: OpenSerialLink;
}

export type SerialDriverState = "stopped" | "opening" | "open" | "reconnecting";

const openRealPort: OpenSerialLink = (o) =>
  new SerialPort({
    path: o.path,
    baudRate: o.baudRate,
    dataBits: o.dataBits,
    parity: o.parity,
    stopBits: o.stopBits,
    autoOpen: false,
  });

/**
 * Reads one serial pulse oximeter: opens the port with the device's settings, feeds the bytes to
 * the protocol's decoder, talks the handshake for devices that stream only on request, and emits
 * one summary SensorSample per interval. A closed port (cable pulled) or failed open is retried
 * with capped exponential backoff until stop().
 */
export class SerialOximeterDriver implements SensorDriver {
  readonly name: string;
  private readonly decoder: OximeterDecoder;
  private readonly time: TimeSource;
  private readonly logger: Logger;
  private readonly openLink: OpenSerialLink;
  private readonly intervalMs: number;
  private readonly reconnect: { initialMs: number; maxMs: number };
  private onSample: (s: SensorSample) => void = () => {};
  private summarizer: SampleSummarizer | null = null;
  private port: SerialLink | null = null;
  private attempt = 0;
  private lastReadingAt = 0;
  private lastByteAt = 0;
  private readonly reopenIfSilentMs: number;
  private lastStartSentAt = 0;
  private summaryTimer: Timer | null = null;
  private keepAliveTimer: Timer | null = null;
  private reopenTimer: Timer | null = null;
  private stateV: SerialDriverState = "stopped";
  lastError: Error | null = null;

  constructor(
    private readonly spec: SerialDriverSpec,
    private readonly options: SerialDriverOptions,
    host: SerialDriverHost = {},
  ) {
    this.name = spec.name;
    this.decoder = spec.decoder();
    this.time = host.time ?? systemTime;
    this.logger = (host.logger ?? pino({ level: "silent" })).child({ ns: "serial", driver: spec.name });
    this.openLink = host.openLink ?? openRealPort;
    this.intervalMs = options.summaryIntervalMs ?? 1000;
    this.reconnect = options.reconnect ?? { initialMs: 500, maxMs: 10_000 };
    this.reopenIfSilentMs = options.reopenIfSilentMs ?? (spec.readingsPerSecond >= 10 ? 5_000 : 10_000);
  }

  device(): { open: boolean; error?: string | undefined } {
    return { open: this.stateV === "open", error: this.lastError?.message };
  }

  get state(): SerialDriverState {
    return this.stateV;
  }

  /** Decoder counters (readings, discarded bytes, checksum errors) since the driver was made. */
  get counters() {
    return { ...this.decoder.counters };
  }

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    if (this.stateV !== "stopped") throw new VitalsError("driver already started", ErrorCodes.Internal);
    this.onSample = onSample;
    // Slow devices (1 reading/s, several needed to lock on) get longer before "sensor_off".
    const staleAfterMs = this.options.staleAfterMs ?? (this.spec.readingsPerSecond >= 10 ? 3000 : 6000);
    this.summarizer = new SampleSummarizer(this.name, staleAfterMs, this.time.now());
    this.summaryTimer = this.time.every(this.intervalMs, () => this.tick());
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stateV = "stopped";
    for (const t of [this.summaryTimer, this.keepAliveTimer, this.reopenTimer]) t?.cancel();
    this.summaryTimer = this.keepAliveTimer = this.reopenTimer = null;
    const port = this.port;
    this.port = null;
    if (port) await closeQuietly(port);
  }

  /** Resolves once this open attempt has succeeded or a retry is scheduled; never rejects. */
  private connect(): Promise<void> {
    this.stateV = "opening";
    const settings = { ...this.spec.serial, path: this.options.path };
    if (this.options.baudRate) settings.baudRate = this.options.baudRate;
    let port: SerialLink;
    try {
      port = this.openLink(settings);
    } catch (err) {
      this.scheduleReopen(err as Error);
      return Promise.resolve();
    }
    this.port = port;
    port.on("data", (chunk) => this.onData(chunk));
    port.on("error", (err) => this.logger.warn({ err: err.message }, "serial port error"));
    port.on("close", (err) => {
      if (this.port === port && this.stateV !== "stopped")
        this.scheduleReopen(err ?? new Error("port closed"));
    });
    return new Promise((resolve) => {
      port.open((err) => {
        if (this.stateV === "stopped") {
          if (!err) void closeQuietly(port);
        } else if (err) {
          this.scheduleReopen(err);
        } else {
          this.onOpened(port);
        }
        resolve();
      });
    });
  }

  private onOpened(port: SerialLink): void {
    this.stateV = "open";
    this.lastByteAt = this.time.now();
    this.decoder.reset();
    this.logger.info({ path: this.options.path, baudRate: this.spec.serial.baudRate }, "serial port open");
    const hs = this.spec.handshake;
    if (!hs) return;
    this.sendStart(port);
    this.keepAliveTimer = this.time.every(hs.keepAliveEveryMs, () => {
      if (port.isOpen) port.write(hs.keepAlive);
    });
  }

  private sendStart(port: SerialLink): void {
    for (const cmd of this.spec.handshake?.onOpen ?? []) port.write(cmd);
    this.lastStartSentAt = this.time.now();
  }

  private scheduleReopen(err: Error): void {
    if (this.stateV === "stopped") return;
    this.lastError = err;
    this.keepAliveTimer?.cancel();
    this.keepAliveTimer = null;
    const old = this.port;
    this.port = null;
    if (old) {
      old.removeAllListeners();
      old.on("error", () => {}); // a late error from a dead port must not crash the process
      if (old.isOpen) void closeQuietly(old);
    }
    const delay = Math.min(this.reconnect.maxMs, this.reconnect.initialMs * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    this.stateV = "reconnecting";
    this.logger.warn(
      { err: err.message, path: this.options.path, retryInMs: delay },
      "serial port lost; reopening",
    );
    this.reopenTimer = this.time.after(delay, () => {
      this.reopenTimer = null;
      void this.connect();
    });
  }

  private onData(chunk: Buffer): void {
    const now = this.time.now();
    this.lastByteAt = now;
    for (const frame of this.decoder.push(chunk)) {
      if (frame.kind === "reading") {
        this.summarizer?.add(frame, now);
        this.lastReadingAt = now;
        this.attempt = 0;
      } else if (this.logger.isLevelEnabled("debug")) {
        this.logger.debug({ why: frame.why, bytes: frame.bytes.length }, "discarded bytes");
      }
    }
  }

  private tick(): void {
    const now = this.time.now();
    const hs = this.spec.handshake;
    const port = this.port;
    if (port && this.stateV === "open" && now - this.lastByteAt >= this.reopenIfSilentMs) {
      this.scheduleReopen(new Error(`no data for ${now - this.lastByteAt} ms`));
    } else if (
      hs &&
      port?.isOpen &&
      now - Math.max(this.lastReadingAt, this.lastStartSentAt) >= hs.restartIfSilentMs
    ) {
      this.logger.debug("device silent; asking for live data again");
      this.sendStart(port);
    }
    const sample = this.summarizer?.summarize(now);
    if (sample) this.onSample(sample);
  }
}

function closeQuietly(port: SerialLink): Promise<void> {
  return new Promise((resolve) => {
    if (!port.isOpen) return resolve();
    port.close(() => resolve());
  });
}

/** Makes the driver for a registered device name ("cms50-command", "nonin-df2", …). */
export function createSerialDriver(
  name: string,
  options: SerialDriverOptions,
  host: SerialDriverHost = {},
): SerialOximeterDriver {
  const spec = serialDriverSpec(name);
  if (!spec) {
    throw new VitalsError(`unknown serial driver "${name}"`, ErrorCodes.ConfigInvalid, {
      known: Object.keys(SERIAL_DRIVERS),
    });
  }
  return new SerialOximeterDriver(spec, options, host);
}
