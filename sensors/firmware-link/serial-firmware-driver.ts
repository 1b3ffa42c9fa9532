import type { Duplex } from "node:stream";
import pino, { type Logger } from "pino";
import { SerialPort } from "serialport";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { encodeFrame, type HelloFrame, LineSplitter, type SoundPriority } from "../../core/protocol/index.js";
import { systemTime, type Timer, type TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { decodeFirmwareLine, vitalsToSample } from "./firmware-line-decoder.js";

const FIRMWARE_BAUD_RATE = 115_200;
/** The board reads lines of at most 64 bytes; it prints frames of at most ~180. */
const MAX_BOARD_LINE = 512;
/** Seqs remembered to recognise the board's resends of frames already handed on. */
const SEEN_SEQS = 64;

export interface SerialFirmwareDriverOptions {
  /** Serial device of the board, e.g. /dev/ttyACM0 (Uno) or /dev/ttyUSB0 (Nano with a CH340). */
  path?: string;
  /** Or any Duplex already connected to the board (the emulator's `board.serial` in tests). */
  stream?: Duplex;
  baudRate?: number;
  /** Reopen delays after a cable pull or a failed open: doubling from initialMs up to maxMs. */
  reconnect?: { initialMs: number; maxMs: number };
}

export interface SerialFirmwareDriverDeps {
  time?: TimeSource;
  logger?: Logger;
  /** Opens `path`; the real serialport by default. */
  openPort?: (options: { path: string; baudRate: number }) => Promise<Duplex>;
}

export interface SerialFirmwareCounters {
  frames: number;
  duplicates: number;
  discarded: number;
  hellos: number;
}

const openSerialPort = (o: { path: string; baudRate: number }): Promise<Duplex> =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ path: o.path, baudRate: o.baudRate, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port)));
  });

/**
 * Reads a board running the vitals AVR firmware: its protocol-v1 `vitals` frames become SensorSamples,
 * each acknowledged once handed on (the board resends unacknowledged frames; resends of a frame already
 * handed on are acknowledged again but not repeated), and alarm commands go down to its buzzer.
 */
export class SerialFirmwareDriver implements SensorDriver {
  readonly name = "serial-firmware";
  readonly counters: SerialFirmwareCounters = { frames: 0, duplicates: 0, discarded: 0, hellos: 0 };
  /** The board's last hello (firmware version, node id), once it has booted. */
  hello: HelloFrame | undefined;
  private readonly time: TimeSource;
  private readonly logger: Logger;
  private readonly openPort: (options: { path: string; baudRate: number }) => Promise<Duplex>;
  private link: Duplex | undefined;
  private splitter = new LineSplitter(MAX_BOARD_LINE);
  private seen: number[] = [];
  private alarm: SoundPriority = "none";
  private readonly onData = (chunk: Buffer) => this.receive(chunk);

  constructor(
    private readonly options: SerialFirmwareDriverOptions,
    deps: SerialFirmwareDriverDeps = {},
  ) {
    if (!options.path === !options.stream) {
      throw new VitalsError("serial-firmware needs exactly one of path or stream", ErrorCodes.ConfigInvalid);
    }
    this.time = deps.time ?? systemTime;
    this.logger = (deps.logger ?? pino({ level: "silent" })).child({ ns: "serial-firmware" });
    this.openPort = deps.openPort ?? openSerialPort;
  }

  private onSample: (sample: SensorSample) => void = () => {};
  private started = false;
  private attempt = 0;
  private reopenTimer: Timer | undefined;
  /** Why the port is not open, while the driver retries (null when open). */
  lastError: Error | null = null;

  get connected(): boolean {
    return this.link !== undefined;
  }

  /**
   * Starts reading. With a `path`, resolves once the first open succeeded or a retry is scheduled
   * (never rejects): a board that is unplugged, or not plugged in yet, is reopened with capped
   * exponential backoff until stop(), as the serial oximeter driver does.
   */
  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    if (this.started) throw new VitalsError("driver already started", ErrorCodes.Internal);
    this.started = true;
    this.onSample = onSample;
    if (this.options.stream) this.attach(this.options.stream);
    else await this.connect();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.reopenTimer?.cancel();
    const link = this.link;
    this.link = undefined;
    if (!link) return;
    link.off("data", this.onData);
    // A stream handed in belongs to the caller; a port we opened is ours to close.
    if (!this.options.stream && !link.destroyed) {
      await new Promise<void>((resolve) => {
        link.once("close", () => resolve());
        link.destroy();
      });
    }
  }

  private async connect(): Promise<void> {
    const path = this.options.path as string;
    try {
      const port = await this.openPort({ path, baudRate: this.options.baudRate ?? FIRMWARE_BAUD_RATE });
      if (!this.started) {
        port.destroy();
        return;
      }
      this.attempt = 0;
      this.lastError = null;
      this.logger.info({ path }, "port open");
      this.attach(port);
    } catch (err) {
      this.lastError = new VitalsError(
        `cannot open ${path}: ${(err as Error).message}`,
        ErrorCodes.DeviceIo,
        {
          path,
        },
      );
      this.logger.warn({ path, err: (err as Error).message }, "cannot open the port; retrying");
      this.scheduleReopen();
    }
  }

  private attach(link: Duplex): void {
    this.link = link;
    this.splitter = new LineSplitter(MAX_BOARD_LINE);
    link.on("data", this.onData);
    link.on("error", (err: Error) => this.logger.warn({ err: err.message }, "serial error"));
    link.on("close", () => {
      if (this.link !== link) return; // closed by stop()
      this.link = undefined;
      this.lastError = new VitalsError("the port closed (board unplugged?)", ErrorCodes.DeviceIo);
      this.logger.warn("port closed; reopening");
      this.scheduleReopen();
    });
  }

  private scheduleReopen(): void {
    if (!this.started || !this.options.path) return;
    const { initialMs, maxMs } = this.options.reconnect ?? { initialMs: 500, maxMs: 10_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempt++);
    this.reopenTimer = this.time.after(delay, () => void this.connect());
  }

  /** Plays an IEC 60601-1-8 pattern on the board's buzzer ("none" silences) until the next call. */
  setAlarm(priority: SoundPriority): void {
    this.alarm = priority;
    this.send(encodeFrame({ type: "alarm", priority }));
  }

  /** Lines for a board that is not connected are dropped: a board that comes back says hello first. */
  private send(line: string): void {
    this.link?.write(line);
  }

  private receive(chunk: Buffer): void {
    for (const event of this.splitter.push(chunk)) {
      if (event.kind === "too_long") {
        this.counters.discarded++;
        this.logger.debug({ bytes: event.bytes }, "discarded an overlong line");
        continue;
      }
      const line = decodeFirmwareLine(event.line);
      switch (line.kind) {
        case "hello":
          // A hello means the board (re)booted: its seqs start again and its buzzer is silent.
          this.counters.hellos++;
          this.hello = line.frame;
          this.seen = [];
          this.logger.info({ node: line.frame.node, fw: line.frame.fw }, "board started");
          if (this.alarm !== "none") this.send(encodeFrame({ type: "alarm", priority: this.alarm }));
          break;
        case "vitals": {
          const seq = line.frame.seq;
          if (this.seen.includes(seq)) {
            this.counters.duplicates++;
          } else {
            this.seen.push(seq);
            if (this.seen.length > SEEN_SEQS) this.seen.shift();
            this.counters.frames++;
            this.onSample(vitalsToSample(line.frame, this.name, this.time.now()));
          }
          this.send(encodeFrame({ type: "ack", seq }));
          break;
        }
        case "pong":
          break;
        case "discarded":
          this.counters.discarded++;
          this.logger.debug({ bytes: line.bytes, why: line.why }, "discarded a line");
          break;
      }
    }
  }
}

/** The factory the node agent registers as "serial-firmware". */
export function createSerialFirmwareDriver(
  options: SerialFirmwareDriverOptions,
  deps: SerialFirmwareDriverDeps = {},
): SerialFirmwareDriver {
  return new SerialFirmwareDriver(options, deps);
}
