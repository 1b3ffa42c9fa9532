import five from "johnny-five";
import { ErrorCodes, VitalsError } from "../../core/errors.js";
import { type Logger, silentLogger } from "../../core/logger.js";
import type { I2cIo } from "../i2c/i2c-register-port.js";
import { listSerialPorts, type SerialPortEntry } from "../serial/serial-port-lister.js";

/** An open Firmata board: its johnny-five IO and a way to let go of the serial port. */
export interface OpenBoard {
  io: I2cIo;
  close(): Promise<void>;
}

export interface FirmataBoardsOptions {
  timeoutMs?: number;
  logger?: Logger;
  /** Serial ports present (default: sensors/serial's lister, with its sysfs fallback). */
  listPorts?: () => Promise<SerialPortEntry[]>;
  /** Opens the board on a port (default: johnny-five over firmata.js). */
  connect?: (port: string) => Promise<OpenBoard>;
}

// Arduino-style USB serial: ttyACM (native USB), ttyUSB (FTDI/CH340 bridges), macOS usbmodem, COM.
const BOARD_PORT = /acm|usb|^com/i;

/**
 * The Firmata boards the node's I2C sensors hang off, opened once per serial port and shared: a
 * MAX30102 and a MAX30205 on one Arduino are two `--sensor`s but one board.
 */
export class FirmataBoards {
  private readonly boards = new Map<string, Promise<OpenBoard>>();
  private readonly logger: Logger;

  constructor(private readonly opts: FirmataBoardsOptions = {}) {
    this.logger = opts.logger ?? silentLogger;
  }

  /** The IO of the board on `port`; without a port, the first USB serial port that is not an oximeter's. */
  async open(port: string | undefined): Promise<I2cIo> {
    const path = port ?? (await this.findPort());
    let board = this.boards.get(path);
    if (!board) {
      board = (this.opts.connect ?? ((p) => this.connectJohnnyFive(p)))(path);
      this.boards.set(path, board);
      // A failed open is not cached: the agent retries the sensor, and that retries the board.
      board.catch(() => this.boards.delete(path));
    }
    return (await board).io;
  }

  async close(): Promise<void> {
    const open = [...this.boards.values()];
    this.boards.clear();
    for (const p of open) await (await p.catch(() => undefined))?.close();
  }

  // johnny-five's own port search would retry forever and, on Linux without udevadm, crash the
  // process from an unhandled child-process error: search here instead and fail clearly.
  private async findPort(): Promise<string> {
    const ports = await (this.opts.listPorts ?? (async () => (await listSerialPorts()).ports))();
    const candidates = ports.filter((p) => BOARD_PORT.test(p.path) && p.drivers.length === 0);
    const chosen = candidates[0];
    if (!chosen) {
      throw new VitalsError(
        `no serial port looks like a Firmata board (found: ${ports.map((p) => p.path).join(", ") || "none"}); give port=… (see vitals ports)`,
        ErrorCodes.DeviceIo,
      );
    }
    if (candidates.length > 1)
      this.logger.warn(
        { chosen: chosen.path, candidates: candidates.map((p) => p.path) },
        "several candidate boards; give port=…",
      );
    return chosen.byId ?? chosen.path;
  }

  private connectJohnnyFive(port: string): Promise<OpenBoard> {
    const timeout = this.opts.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      // sigint: false — the agent owns shutdown (johnny-five would otherwise exit the process on ^C).
      const options = { port, repl: false, debug: false, sigint: false, timeout };
      const board = new five.Board(options as ConstructorParameters<typeof five.Board>[0]);
      board.once("ready", () => {
        this.logger.info({ port }, "Firmata board ready");
        const transport = (board.io as { transport?: { close?(cb: () => void): void } }).transport;
        resolve({
          io: board.io,
          close: () =>
            new Promise<void>((done) => (transport?.close ? transport.close(() => done()) : done())),
        });
      });
      // johnny-five keeps emitting "error" after the first (a connect timeout follows a failed open,
      // an unplugged cable later): keep listening, or one of them would crash the agent.
      let settled = false;
      board.once("ready", () => {
        settled = true;
      });
      board.on("error", (e: unknown) => {
        const message = (e as Error)?.message ?? String(e);
        if (settled) {
          this.logger.warn({ port, err: message }, "Firmata board error");
          return;
        }
        settled = true;
        reject(new VitalsError(`Firmata board on ${port}: ${message}`, ErrorCodes.DeviceIo, { port }));
      });
    });
  }
}
