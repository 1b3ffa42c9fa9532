import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import firmataIo from "firmata-io";
import five from "johnny-five";
import { AvrBoard } from "../support/emulators/avr/avr-board.js";
import { I2cBus } from "../support/emulators/i2c/i2c-bus.js";
import type { I2cDevice } from "../support/emulators/i2c/i2c-device.js";

export const STANDARD_FIRMATA_HEX = fileURLToPath(
  new URL("../support/emulators/avr/firmware/StandardFirmata.uno.hex", import.meta.url),
);

export interface FirmataRig {
  board: AvrBoard;
  bus: I2cBus;
  j5: InstanceType<typeof five.Board>;
  /** Await a host-side promise while the emulated board runs (nothing happens on the wire otherwise). */
  settle<T>(p: Promise<T>, maxMs?: number): Promise<T>;
}

/**
 * StandardFirmata on an emulated Uno with the given I2C devices on its TWI bus, and johnny-five
 * connected through firmata.js to the emulated UART; resolves once johnny-five says "ready".
 */
export async function bootFirmataRig(devices: I2cDevice[]): Promise<FirmataRig> {
  const board = new AvrBoard({ hex: readFileSync(STANDARD_FIRMATA_HEX, "utf8") });
  let bus: I2cBus | undefined;
  board.attachTwi((twi) => {
    bus = new I2cBus(twi);
    return bus;
  });
  if (!bus) throw new Error("TWI bus not attached");
  for (const d of devices) bus.add(d);
  // Firmata is created before the board runs, so it hears the version report sent at boot.
  const io = new firmataIo.Firmata(board.serial);
  const j5 = new five.Board({ io, repl: false, debug: false, timeout: 60_000 });
  let ready = false;
  j5.on("ready", () => {
    ready = true;
  });
  if (!(await board.runUntil(() => ready, 10_000))) throw new Error("no Firmata handshake in 10 s emulated");
  const settle = async <T>(p: Promise<T>, maxMs = 5_000): Promise<T> => {
    let done = false;
    const tracked = p.finally(() => {
      done = true;
    });
    tracked.catch(() => undefined); // rejection is re-thrown below; don't let it count as unhandled
    await board.runUntil(() => done, maxMs);
    if (!done) throw new Error(`host promise still pending after ${maxMs} ms emulated`);
    return tracked;
  };
  return { board, bus, j5, settle };
}
