import five from "johnny-five";
import { ErrorCodes, VitalsError } from "../../gateway/errors.js";
import { type Logger, silentLogger } from "../../gateway/logger.js";
import type { I2cIo } from "../i2c/i2c-register-port.js";

type Board = InstanceType<typeof five.Board>;

/**
 * The Firmata boards the node's I2C sensors hang off, opened once per serial port and shared: a
 * MAX30102 and a MAX30205 on one Arduino are two `--sensor`s but one board.
 */
export class FirmataBoards {
  private readonly boards = new Map<string, Promise<Board>>();

  constructor(private readonly opts: { timeoutMs?: number; logger?: Logger } = {}) {}

  async open(port: string | undefined): Promise<I2cIo> {
    const key = port ?? "(auto)";
    let board = this.boards.get(key);
    if (!board) {
      board = this.connect(port);
      this.boards.set(key, board);
      // A failed open is not cached: the next attempt (the agent retries drivers) tries again.
      board.catch(() => this.boards.delete(key));
    }
    return (await board).io;
  }

  private connect(port: string | undefined): Promise<Board> {
    const logger = this.opts.logger ?? silentLogger;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      // sigint: false — the agent owns shutdown (johnny-five would otherwise exit the process on ^C).
      const options = {
        repl: false,
        debug: false,
        sigint: false,
        timeout: timeoutMs,
        ...(port ? { port } : {}),
      };
      const board = new five.Board(options as ConstructorParameters<typeof five.Board>[0]);
      board.once("ready", () => {
        logger.info({ port: port ?? "auto" }, "Firmata board ready");
        resolve(board);
      });
      board.once("error", (e: unknown) =>
        reject(
          new VitalsError(
            `Firmata board on ${port ?? "an auto-detected port"}: ${(e as Error)?.message ?? String(e)}`,
            ErrorCodes.DeviceIo,
            { port },
          ),
        ),
      );
    });
  }

  /** Closes the serial ports (best effort: johnny-five has no close of its own). */
  async close(): Promise<void> {
    for (const p of this.boards.values()) {
      const board = await p.catch(() => undefined);
      const transport = (board?.io as { transport?: { close?(cb?: () => void): void } } | undefined)
        ?.transport;
      await new Promise<void>((resolve) => (transport?.close ? transport.close(() => resolve()) : resolve()));
    }
    this.boards.clear();
  }
}
