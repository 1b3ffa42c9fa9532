import type { Logger } from "../../../core/logger.js";
import type { PiezoIo } from "./piezo-output.js";
import type { PiezoConfig } from "./sound-config.js";

/** A connected johnny-five board: its IO plugin, and how to let go of it. */
export interface PiezoBoard {
  io: PiezoIo;
  close(): Promise<void>;
}

interface J5Board {
  io: unknown;
  once(event: "ready", fn: () => void): unknown;
  once(event: "error", fn: (err: unknown) => void): unknown;
}

const READY_TIMEOUT_MS = 15_000;

/**
 * johnny-five on the configured IO plugin, resolved once the board says "ready". Firmata: the serial
 * port, firmata.js and johnny-five are imported only here, so a gateway without a buzzer never loads
 * them. pi-io is optional (it builds native GPIO code only on a Pi): it is imported by name at run time
 * and reported if missing.
 */
export async function openPiezoBoard(config: PiezoConfig, logger: Logger): Promise<PiezoBoard> {
  const five = (await import("johnny-five")).default;
  let io: unknown;
  let closeTransport = async () => {};
  if (config.io === "firmata") {
    const { SerialPort } = await import("serialport");
    const firmata = (await import("firmata-io")).default;
    const port = new SerialPort({ path: config.port ?? "", baudRate: config.baudRate });
    io = new firmata.Firmata(port);
    closeTransport = () =>
      new Promise<void>((resolve) => {
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      });
  } else {
    const moduleName = "pi-io"; // a variable, so TypeScript does not need the optional package's types
    const PiIO = ((await import(moduleName)) as { default: new () => unknown }).default;
    io = new PiIO();
  }
  // firmata.js re-emits serial errors ("cannot open", cable pulled) as "error": unheard, they would crash
  // the gateway. Before "ready" one fails the connection; after it, the buzzer is lost but alarms go on
  // sounding on the other outputs, so log it.
  const emitter = io as { on(event: "error", fn: (err: unknown) => void): unknown };
  let failConnect: ((err: unknown) => void) | null = null;
  emitter.on("error", (err) => {
    if (failConnect) failConnect(err);
    else logger.error({ err, port: config.port }, "piezo board error");
  });
  const board = new five.Board({
    io,
    repl: false,
    debug: false,
    timeout: READY_TIMEOUT_MS,
  }) as unknown as J5Board;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`board not ready after ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      failConnect = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      board.once("ready", () => {
        clearTimeout(timer);
        resolve();
      });
      board.once("error", (err) => failConnect?.(err));
    });
  } catch (err) {
    await closeTransport();
    throw err;
  } finally {
    failConnect = null;
  }
  logger.debug({ io: config.io, port: config.port }, "piezo board ready");
  return { io: board.io as PiezoIo, close: closeTransport };
}
