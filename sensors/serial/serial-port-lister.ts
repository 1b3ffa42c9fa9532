import { readdir, readFile, readlink, realpath, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { driversForUsb } from "./serial-driver-registry.js";

/** One serial port as `vitals ports` shows it. */
export interface SerialPortEntry {
  path: string;
  /** Stable /dev/serial/by-id/… alias, when udev made one: use it in config, ttyUSB numbers move. */
  byId?: string | undefined;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
  /** Registered drivers known to use this USB id (empty: unknown adapter or a plain UART). */
  drivers: string[];
}

/** What serialport's SerialPort.list() returns (the fields we use). */
interface PortInfoLike {
  path: string;
  manufacturer?: string | undefined;
  serialNumber?: string | undefined;
  vendorId?: string | undefined;
  productId?: string | undefined;
}

export interface ListOptions {
  /** SerialPort.list by default; it needs `udevadm` on Linux. */
  list?: () => Promise<PortInfoLike[]>;
  /** Where sysfs and /dev live (tests point these at a temp dir). */
  sysRoot?: string;
  devRoot?: string;
}

export interface PortListing {
  ports: SerialPortEntry[];
  source: "serialport" | "sysfs";
  /** Why the fallback was used. */
  warning?: string;
}

/**
 * Lists serial ports with their USB ids and the driver each id suggests. Falls back to reading
 * sysfs when SerialPort.list() fails (on Linux it shells out to `udevadm`, absent from minimal
 * containers and some embedded images).
 */
export async function listSerialPorts(opts: ListOptions = {}): Promise<PortListing> {
  const devRoot = opts.devRoot ?? "/dev";
  const byId = await byIdAliases(join(devRoot, "serial", "by-id"), devRoot);
  let infos: PortInfoLike[];
  let source: PortListing["source"] = "serialport";
  let warning: string | undefined;
  try {
    const list = opts.list ?? (await import("serialport")).SerialPort.list;
    infos = await list();
  } catch (err) {
    source = "sysfs";
    warning = `SerialPort.list() failed (${(err as Error).message}); read ${opts.sysRoot ?? "/sys"} instead`;
    infos = await listFromSysfs(opts.sysRoot ?? "/sys", devRoot);
  }
  const ports = infos
    .map((p) => ({
      path: p.path,
      byId: byId.get(p.path),
      manufacturer: p.manufacturer,
      serialNumber: p.serialNumber,
      vendorId: p.vendorId?.toLowerCase(),
      productId: p.productId?.toLowerCase(),
      drivers: driversForUsb(p.vendorId, p.productId),
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
  return warning ? { ports, source, warning } : { ports, source };
}

async function byIdAliases(dir: string, devRoot: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const target = await readlink(join(dir, name)).catch(() => null);
    if (target) out.set(join(devRoot, basename(target)), join(dir, name));
  }
  return out;
}

/** /sys/class/tty/<name>/device → the USB interface → its parent device with idVendor/idProduct. */
async function listFromSysfs(sysRoot: string, devRoot: string): Promise<PortInfoLike[]> {
  const classDir = join(sysRoot, "class", "tty");
  const out: PortInfoLike[] = [];
  for (const name of await readdir(classDir).catch(() => [] as string[])) {
    const device = await realpath(join(classDir, name, "device")).catch(() => null);
    if (!device) continue; // virtual consoles and ptys have no device
    const usb = await findUp(device, "idVendor", 4);
    // The 32 legacy 8250 placeholders (ttyS*) exist on every PC whether wired or not: list real ones only.
    if (!usb && /^ttyS\d+$/.test(name)) continue;
    const info: PortInfoLike = { path: join(devRoot, name) };
    if (usb) {
      info.vendorId = await attr(usb, "idVendor");
      info.productId = await attr(usb, "idProduct");
      info.manufacturer = await attr(usb, "manufacturer");
      info.serialNumber = await attr(usb, "serial");
    }
    out.push(info);
  }
  return out;
}

async function findUp(dir: string, file: string, levels: number): Promise<string | null> {
  let d = dir;
  for (let i = 0; i <= levels; i++) {
    if (
      await stat(join(d, file)).then(
        () => true,
        () => false,
      )
    )
      return d;
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return null;
}

async function attr(dir: string, name: string): Promise<string | undefined> {
  const v = await readFile(join(dir, name), "utf8").catch(() => undefined);
  return v?.trim() || undefined;
}
