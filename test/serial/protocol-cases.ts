import fc from "fast-check";
import type { KnownFlag } from "../../core/protocol/index.js";
import { BciDecoder } from "../../sensors/serial/bci-decoder.js";
import { Cms50CommandDecoder, cms50CommandBytes } from "../../sensors/serial/cms50-command-decoder.js";
import { Cms50LegacyDecoder } from "../../sensors/serial/cms50-legacy-decoder.js";
import { MasimoAscii1Decoder } from "../../sensors/serial/masimo-ascii1-decoder.js";
import { NoninDf2Decoder } from "../../sensors/serial/nonin-df2-decoder.js";
import { NoninDf8Decoder } from "../../sensors/serial/nonin-df8-decoder.js";
import type { OximeterDecoder } from "../../sensors/serial/oximeter-frame.js";
import { BciEmulator } from "../support/emulators/serial/bci-emulator.js";
import { Cms50CommandEmulator } from "../support/emulators/serial/cms50-command-emulator.js";
import { Cms50LegacyEmulator } from "../support/emulators/serial/cms50-legacy-emulator.js";
import { MasimoAscii1Emulator } from "../support/emulators/serial/masimo-emulator.js";
import { NoninDf2Emulator, NoninDf8Emulator } from "../support/emulators/serial/nonin-emulator.js";
import type { DeviceEmulator, PatientState } from "../support/emulators/serial/patient-state.js";

/** One protocol under test: how to make the device, the decoder and states the wire can carry. */
export interface ProtocolCase {
  name: string;
  device(): DeviceEmulator;
  decoder(): OximeterDecoder;
  /** Device periods (packets, frames or lines) per decoded reading. */
  periodsPerReading: number;
  /** Readings withheld while the decoder locks on (protocols without checksum). */
  lockReadings: number;
  /** Readings held back at the end of a stream until the next packet confirms where it ended. */
  heldBack: number;
  carriesPi: boolean;
  hr: fc.Arbitrary<number>;
  piHundredths: fc.Arbitrary<number>;
  /**
   * For checksum-less framings: could these bytes, by chance, contain `lockReadings + 1` well-formed
   * packets back to back? (Stated from the wire format, not from the decoder.)
   */
  mayLookReal?(bytes: Uint8Array): boolean;
}

/** `k` back-to-back packets of `len` bytes where only byte 0 has bit 7 set (Contec legacy, BCI, DF8). */
function bit7Run(len: number, k: number, plausible: (p: Uint8Array) => boolean) {
  return (bytes: Uint8Array): boolean => {
    for (let i = 0; i + len * k <= bytes.length; i++) {
      let ok = true;
      for (let j = 0; j < k && ok; j++) {
        const p = bytes.subarray(i + j * len, i + (j + 1) * len);
        ok = p.every((b, n) => (n === 0) === b >= 0x80) && plausible(p);
      }
      if (ok) return true;
    }
    return false;
  };
}

const spo2Ok = (v: number) => v <= 100 || v === 127;

export const CASES: ProtocolCase[] = [
  {
    name: "cms50-legacy",
    heldBack: 1,
    device: () => new Cms50LegacyEmulator(),
    decoder: () => new Cms50LegacyDecoder(),
    periodsPerReading: 1,
    lockReadings: 4,
    carriesPi: false,
    hr: fc.integer({ min: 1, max: 254 }),
    piHundredths: fc.constant(0),
    mayLookReal: bit7Run(5, 5, (p) => spo2Ok((p[4] ?? 0) & 0x7f)),
  },
  {
    name: "cms50-command",
    heldBack: 1,
    device: () => {
      const d = new Cms50CommandEmulator();
      d.receive(cms50CommandBytes(0xa1), 0);
      return d;
    },
    decoder: () => new Cms50CommandDecoder(),
    periodsPerReading: 1,
    lockReadings: 2,
    carriesPi: true,
    hr: fc.integer({ min: 1, max: 254 }),
    piHundredths: fc.integer({ min: 0, max: 2000 }),
    // A live packet is 0x01 then eight bytes with bit 7 set; locking needs three of them.
    mayLookReal: (bytes) => {
      let n = 0;
      for (let i = 0; i + 9 <= bytes.length; i++) {
        if (bytes[i] === 0x01 && bytes.subarray(i + 1, i + 9).every((b) => b >= 0x80)) n++;
      }
      return n >= 3;
    },
  },
  {
    name: "bci",
    heldBack: 1,
    device: () => new BciEmulator(),
    decoder: () => new BciDecoder(),
    periodsPerReading: 1,
    lockReadings: 4,
    carriesPi: false,
    hr: fc.integer({ min: 1, max: 254 }),
    piHundredths: fc.constant(0),
    mayLookReal: bit7Run(5, 5, (p) => spo2Ok((p[4] ?? 0) & 0x7f)),
  },
  {
    name: "nonin-df2",
    heldBack: 0,
    device: () => new NoninDf2Emulator(),
    decoder: () => new NoninDf2Decoder(),
    periodsPerReading: 25,
    lockReadings: 0,
    carriesPi: false,
    hr: fc.integer({ min: 0, max: 321 }),
    piHundredths: fc.constant(0),
  },
  {
    name: "nonin-df8",
    heldBack: 1,
    device: () => new NoninDf8Emulator(),
    decoder: () => new NoninDf8Decoder(),
    periodsPerReading: 1,
    lockReadings: 3,
    carriesPi: false,
    hr: fc.integer({ min: 0, max: 321 }),
    piHundredths: fc.constant(0),
    mayLookReal: bit7Run(4, 4, (p) => {
      const hr = (((p[0] ?? 0) & 3) << 7) | (p[1] ?? 0);
      return spo2Ok(p[2] ?? 0) && (hr <= 321 || hr === 511);
    }),
  },
  {
    name: "masimo-ascii1",
    heldBack: 0,
    device: () => new MasimoAscii1Emulator(),
    decoder: () => new MasimoAscii1Decoder(),
    periodsPerReading: 1,
    lockReadings: 0,
    carriesPi: true,
    hr: fc.integer({ min: 0, max: 300 }),
    piHundredths: fc.integer({ min: 0, max: 9999 }),
  },
];

/** Patient states a protocol can carry: values or nulls, any subset of its flags. */
export function stateArb(c: ProtocolCase): fc.Arbitrary<PatientState> {
  const flags = c.device().supportedFlags as KnownFlag[];
  return fc.record({
    hr: fc.option(c.hr, { nil: null }),
    spo2: fc.option(fc.integer({ min: 1, max: 100 }), { nil: null }),
    pi: c.carriesPi
      ? fc.option(
          c.piHundredths.map((h) => h / 100),
          { nil: null },
        )
      : fc.constant(null),
    flags: fc.subarray(flags),
  });
}

/** What the decoder must give back for a state: the values, and the flags sorted. */
export function expected(state: PatientState) {
  return {
    hr: state.hr,
    spo2: state.spo2,
    pi: state.pi,
    flags: [...new Set(state.flags)].sort(),
  };
}

/** Cuts `bytes` at the given fractions: arbitrary chunking as a serial port delivers it. */
export function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}
