import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { formatPortTable } from "../../cli/commands/ports.js";
import { listSerialPorts } from "../../sensors/serial/serial-port-lister.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A sysfs + /dev tree shaped like a Raspberry Pi with a CMS50 cable (CP2102) and an FTDI RS-232 adapter. */
function fakeMachine() {
  const root = mkdtempSync(join(tmpdir(), "vitals-ports-"));
  dirs.push(root);
  const sys = join(root, "sys");
  const dev = join(root, "dev");
  const usbDevice = (bus: string, vid: string, pid: string, maker: string, tty: string) => {
    const devDir = join(sys, "devices", "platform", "usb", bus);
    const ifaceDir = join(devDir, `${bus}:1.0`, tty);
    mkdirSync(ifaceDir, { recursive: true });
    writeFileSync(join(devDir, "idVendor"), `${vid}\n`);
    writeFileSync(join(devDir, "idProduct"), `${pid}\n`);
    writeFileSync(join(devDir, "manufacturer"), `${maker}\n`);
    mkdirSync(join(sys, "class", "tty", tty), { recursive: true });
    symlinkSync(ifaceDir, join(sys, "class", "tty", tty, "device"));
  };
  usbDevice("1-1.2", "10c4", "ea60", "Silicon Labs", "ttyUSB0");
  usbDevice("1-1.3", "0403", "6001", "FTDI", "ttyUSB1");
  // A legacy 8250 placeholder (no USB ids) and a virtual console (no device): neither is listed.
  mkdirSync(join(sys, "devices", "platform", "serial8250", "tty", "ttyS0"), { recursive: true });
  mkdirSync(join(sys, "class", "tty", "ttyS0"), { recursive: true });
  symlinkSync(
    join(sys, "devices", "platform", "serial8250", "tty", "ttyS0"),
    join(sys, "class", "tty", "ttyS0", "device"),
  );
  mkdirSync(join(sys, "class", "tty", "tty1"), { recursive: true });
  mkdirSync(join(dev, "serial", "by-id"), { recursive: true });
  symlinkSync("../../ttyUSB0", join(dev, "serial", "by-id", "usb-Silicon_Labs_CP2102_0001-if00-port0"));
  return { sys, dev };
}

describe("listSerialPorts", () => {
  it("falls back to sysfs when SerialPort.list() fails, and recognises the CMS50's CP210x", async () => {
    const { sys, dev } = fakeMachine();
    const listing = await listSerialPorts({
      list: () => Promise.reject(new Error("spawn udevadm ENOENT")),
      sysRoot: sys,
      devRoot: dev,
    });
    expect(listing.source).toBe("sysfs");
    expect(listing.warning).toContain("udevadm");
    expect(listing.ports).toEqual([
      {
        path: join(dev, "ttyUSB0"),
        byId: join(dev, "serial", "by-id", "usb-Silicon_Labs_CP2102_0001-if00-port0"),
        manufacturer: "Silicon Labs",
        serialNumber: undefined,
        vendorId: "10c4",
        productId: "ea60",
        drivers: ["cms50-command", "cms50-legacy"],
      },
      {
        path: join(dev, "ttyUSB1"),
        byId: undefined,
        manufacturer: "FTDI",
        serialNumber: undefined,
        vendorId: "0403",
        productId: "6001",
        drivers: [],
      },
    ]);
    const table = formatPortTable(listing.ports);
    expect(table).toMatch(
      /usb-Silicon_Labs_CP2102_0001-if00-port0\s+10c4:ea60\s+Silicon Labs\s+cms50-command or cms50-legacy/,
    );
    expect(table).toMatch(/ttyUSB1\s+0403:6001\s+FTDI\s+-/);
  });

  it("uses SerialPort.list() when it works, normalising USB ids to lower case", async () => {
    const listing = await listSerialPorts({
      list: async () => [
        { path: "/dev/ttyUSB7", vendorId: "10C4", productId: "EA60", manufacturer: "Silicon Labs" },
      ],
      devRoot: join(tmpdir(), "no-such-dev-root"),
    });
    expect(listing).toMatchObject({
      source: "serialport",
      ports: [{ vendorId: "10c4", drivers: ["cms50-command", "cms50-legacy"] }],
    });
  });
});

describe("vitals ports (the real CLI)", () => {
  it("prints JSON with a ports array", () => {
    const out = execFileSync(process.execPath, ["bin/vitals.js", "ports", "--json"], { encoding: "utf8" });
    const parsed = JSON.parse(out);
    expect(Array.isArray(parsed.ports)).toBe(true);
    expect(["serialport", "sysfs"]).toContain(parsed.source);
  });
});
