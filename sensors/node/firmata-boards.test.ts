import { describe, expect, it } from "vitest";
import type { I2cIo } from "../i2c/i2c-register-port.js";
import type { SerialPortEntry } from "../serial/serial-port-lister.js";
import { FirmataBoards, type OpenBoard } from "./firmata-boards.js";

const port = (path: string, drivers: string[] = [], byId?: string): SerialPortEntry => ({
  path,
  drivers,
  byId,
});

function fakeConnect(fail: Set<string> = new Set()) {
  const opened: string[] = [];
  const closed: string[] = [];
  const connect = async (p: string): Promise<OpenBoard> => {
    opened.push(p);
    if (fail.has(p)) throw new Error(`cannot open ${p}`);
    return { io: { port: p } as unknown as I2cIo, close: async () => void closed.push(p) };
  };
  return { connect, opened, closed };
}

describe("FirmataBoards", () => {
  it("opens one board per port and shares it between sensors", async () => {
    const c = fakeConnect();
    const boards = new FirmataBoards({ connect: c.connect, listPorts: async () => [] });
    const a = await boards.open("/dev/ttyACM0");
    const b = await boards.open("/dev/ttyACM0");
    const other = await boards.open("/dev/ttyUSB3");
    expect(a).toBe(b);
    expect(other).not.toBe(a);
    expect(c.opened).toEqual(["/dev/ttyACM0", "/dev/ttyUSB3"]);
    await boards.close();
    expect(c.closed.sort()).toEqual(["/dev/ttyACM0", "/dev/ttyUSB3"]);
  });

  it("without port= picks the first USB serial port no oximeter driver claims, by its stable alias", async () => {
    const c = fakeConnect();
    const boards = new FirmataBoards({
      connect: c.connect,
      listPorts: async () => [
        port("/dev/ttyS0"),
        port("/dev/ttyUSB0", ["cms50-command", "cms50-legacy"]),
        port("/dev/ttyACM0", [], "/dev/serial/by-id/usb-Arduino_Uno_123-if00"),
        port("/dev/ttyACM1"),
      ],
    });
    await boards.open(undefined);
    expect(c.opened).toEqual(["/dev/serial/by-id/usb-Arduino_Uno_123-if00"]);
  });

  it("fails clearly when no port looks like a board, and does not cache a failed open", async () => {
    const none = new FirmataBoards({
      connect: fakeConnect().connect,
      listPorts: async () => [port("/dev/ttyS0")],
    });
    await expect(none.open(undefined)).rejects.toThrow(
      "no serial port looks like a Firmata board (found: /dev/ttyS0)",
    );
    const c = fakeConnect(new Set(["/dev/ttyACM0"]));
    const flaky = new FirmataBoards({ connect: c.connect });
    await expect(flaky.open("/dev/ttyACM0")).rejects.toThrow("cannot open");
    await expect(flaky.open("/dev/ttyACM0")).rejects.toThrow("cannot open");
    expect(c.opened).toEqual(["/dev/ttyACM0", "/dev/ttyACM0"]);
  });

  it("reports a port that does not exist as a device error (real johnny-five)", async () => {
    const boards = new FirmataBoards({ timeoutMs: 2000 });
    await expect(boards.open("/dev/ttyDOES-NOT-EXIST")).rejects.toThrow(
      /Firmata board on \/dev\/ttyDOES-NOT-EXIST/,
    );
    await boards.close();
  });
});
