import { BciDecoder } from "./bci-decoder.js";
import {
  CMS50_COMMAND_SERIAL,
  Cms50Command,
  Cms50CommandDecoder,
  cms50CommandBytes,
} from "./cms50-command-decoder.js";
import { CMS50_LEGACY_SERIAL, Cms50LegacyDecoder } from "./cms50-legacy-decoder.js";
import { MASIMO_SERIAL, MasimoAscii1Decoder } from "./masimo-ascii1-decoder.js";
import { NoninDf2Decoder } from "./nonin-df2-decoder.js";
import { NoninDf8Decoder } from "./nonin-df8-decoder.js";
import type { OximeterDecoder } from "./oximeter-frame.js";

export interface SerialSettings {
  baudRate: number;
  dataBits: 8;
  parity: "none" | "odd" | "even";
  stopBits: 1;
}

/** A USB vendor/product pair (lower-case hex, as SerialPort.list() reports them) a device is known to use. */
interface UsbId {
  vendorId: string;
  productId: string;
  chip: string;
}

export interface SerialDriverSpec {
  name: string;
  description: string;
  serial: SerialSettings;
  decoder(): OximeterDecoder;
  usb: UsbId[];
  /** Readings per second the device produces (the driver summarises them to ~1/s). */
  readingsPerSecond: number;
  /** Host → device traffic for devices that stream only on request. */
  handshake?: {
    onOpen: Uint8Array[];
    keepAlive: Uint8Array;
    keepAliveEveryMs: number;
    /** Re-send onOpen when no reading came for this long (the device dropped the request). */
    restartIfSilentMs: number;
  };
}

// Contec cables carry a Silicon Labs CP210x bridge (OSCAR cms50f37_loader.cpp: m_vendorID 0x10c4,
// m_productID 0xea60).
const CP210X: UsbId = { vendorId: "10c4", productId: "ea60", chip: "Silicon Labs CP210x" };

const SERIAL_8N1 = (baudRate: number): SerialSettings => ({
  baudRate,
  dataBits: 8,
  parity: "none",
  stopBits: 1,
});

export const SERIAL_DRIVERS: Readonly<Record<string, SerialDriverSpec>> = {
  "cms50-command": {
    name: "cms50-command",
    description:
      "Contec CMS50D+ (firmware 4.6+), CMS50E/F/I: 0x7D 0x81 command protocol, live data on request",
    serial: CMS50_COMMAND_SERIAL,
    decoder: () => new Cms50CommandDecoder(),
    usb: [CP210X],
    readingsPerSecond: 60,
    handshake: {
      onOpen: [cms50CommandBytes(Cms50Command.StartRealtime)],
      keepAlive: cms50CommandBytes(Cms50Command.KeepAlive),
      // The device stops live data ~30 s after the request (bedsidemon re-requests every ~15 s);
      // headrotor/contec_data sends 0xAF every ~1.7 s. 5 s leaves a wide margin either way.
      keepAliveEveryMs: 5_000,
      restartIfSilentMs: 2_000,
    },
  },
  "cms50-legacy": {
    name: "cms50-legacy",
    description: "Contec CMS50D+/CMS50E older firmware: 5-byte live stream at 19200 8O1, no commands",
    serial: CMS50_LEGACY_SERIAL,
    decoder: () => new Cms50LegacyDecoder(),
    usb: [CP210X],
    readingsPerSecond: 60,
  },
  bci: {
    name: "bci",
    description: "Berry/BerryMed BCI protocol modules (BM1000 family, OEM boards): 5-byte stream, 9600 8N1",
    serial: SERIAL_8N1(9600),
    decoder: () => new BciDecoder(),
    usb: [],
    readingsPerSecond: 60,
  },
  "nonin-df2": {
    name: "nonin-df2",
    description: "Nonin OEM III / serial oximeters, Data Format 2 (75 checksummed frames/s), 9600 8N1",
    serial: SERIAL_8N1(9600),
    decoder: () => new NoninDf2Decoder(),
    usb: [],
    readingsPerSecond: 3,
  },
  "nonin-df8": {
    name: "nonin-df8",
    description: "Nonin serial Data Format 8 (one 4-byte frame/s, no checksum), 9600 8N1",
    serial: SERIAL_8N1(9600),
    decoder: () => new NoninDf8Decoder(),
    usb: [],
    readingsPerSecond: 1,
  },
  "masimo-ascii1": {
    name: "masimo-ascii1",
    description: "Masimo Rad-8 / Radical-7 serial output in ASCII 1 mode (one line/s), 9600 8N1, RS-232",
    serial: MASIMO_SERIAL,
    decoder: () => new MasimoAscii1Decoder(),
    usb: [],
    readingsPerSecond: 1,
  },
};

export function serialDriverSpec(name: string): SerialDriverSpec | undefined {
  return Object.hasOwn(SERIAL_DRIVERS, name) ? SERIAL_DRIVERS[name] : undefined;
}

/** Drivers whose known USB ids match a port (several when vendors share a bridge chip). */
export function driversForUsb(vendorId?: string, productId?: string): string[] {
  if (!vendorId || !productId) return [];
  const v = vendorId.toLowerCase();
  const p = productId.toLowerCase();
  return Object.values(SERIAL_DRIVERS)
    .filter((d) => d.usb.some((u) => u.vendorId === v && u.productId === p))
    .map((d) => d.name);
}
