import type { Duplex } from "node:stream";
import pino, { type Logger } from "pino";
import { SerialPort } from "serialport";
import { ErrorCodes, VitalsError } from "../../gateway/errors.js";
import type { Clock } from "../../gateway/model.js";
import {
  encodeFrame,
  type HelloFrame,
  LineSplitter,
  type SoundPriority,
} from "../../gateway/protocol/index.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { decodeFirmwareLine, vitalsToSample } from "./firmware-line-decoder.js";

export const FIRMWARE_BAUD_RATE = 115_200;
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
}

export interface SerialFirmwareDriverDeps {
  clock?: Clock;
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
  private readonly clock: Clock;
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
    this.clock = deps.clock ?? { now: () => Date.now() };
    this.logger = (deps.logger ?? pino({ level: "silent" })).child({ ns: "serial-firmware" });
    this.openPort = deps.openPort ?? openSerialPort;
  }

  private onSample: (sample: SensorSample) => void = () => {};

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    if (this.link) throw new VitalsError("driver already started", ErrorCodes.Internal);
    this.onSample = onSample;
    const { path, stream } = this.options;
    if (stream) {
      this.link = stream;
    } else {
      try {
        this.link = await this.openPort({
          path: path as string,
          baudRate: this.options.baudRate ?? FIRMWARE_BAUD_RATE,
        });
      } catch (err) {
        throw new VitalsError(
          `cannot open ${path}: ${(err as Error).message}`,
          ErrorCodes.DeviceIo,
          { path },
          {
            cause: err,
          },
        );
      }
    }
    this.link.on("data", this.onData);
    this.link.on("error", (err: Error) => this.logger.warn({ err: err.message }, "serial error"));
  }

  async stop(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    if (!link) return;
    link.off("data", this.onData);
    // A stream handed in belongs to the caller; a port we opened is ours to close.
    if (!this.options.stream) await new Promise<void>((resolve) => link.end(() => resolve()));
  }

  /** Plays an IEC 60601-1-8 pattern on the board's buzzer ("none" silences) until the next call. */
  setAlarm(priority: SoundPriority): void {
    this.alarm = priority;
    this.send(encodeFrame({ type: "alarm", priority }));
  }

  private send(line: string): void {
    if (!this.link) throw new VitalsError("driver is not started", ErrorCodes.Internal);
    this.link.write(line);
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
            this.onSample(vitalsToSample(line.frame, this.name, this.clock.now()));
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
