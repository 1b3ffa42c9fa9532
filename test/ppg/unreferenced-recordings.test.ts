import { describe, expect, it } from "vitest";
import { PpgProcessor } from "../../sensors/ppg/ppg-processor.js";
import {
  csvColumnsOf,
  externalCapturePath,
  fixtureColumns,
  fixturePath,
  onExternalCapture,
  requireColumn,
} from "../support/fixtures.js";

const REAL_MAX30102 = externalCapturePath("max30102_ExpectedGoodQualitySignals.csv");
const REAL_CMS50E_PLETH = externalCapturePath("cms50e_ppg2.txt");

/**
 * Recordings without a reference: the output must at least be plausible and steady, and a channel
 * without a pulse must say so. Sources: test/fixtures/PROVENANCE.md. (The MAX30102-format recording
 * generated from BIDMC has an ECG reference: heart-rate-accuracy.test.ts.)
 */
describe("PPG on recordings without a reference", () => {
  // aromring/MAX30102_by_RF ExpectedGoodQualitySignals.csv: 100 raw MAX30102 samples, 25 Hz, the
  // author's finger; no reference HR or SpO2. No licence: read only from VITALS_FIXTURES.
  it.skipIf(REAL_MAX30102 === undefined)(
    onExternalCapture(
      "MAX30102 red/IR (4 s at 25 Hz): plausible resting HR and SpO2 of a healthy adult",
      "max30102_ExpectedGoodQualitySignals.csv",
    ),
    () => {
      const csv = csvColumnsOf(REAL_MAX30102 as string);
      const windows = new PpgProcessor({ sampleRateHz: 25, withRed: true }).push(
        requireColumn(csv, "IR"),
        requireColumn(csv, "RED"),
      );
      expect(windows).toHaveLength(1);
      const [w] = windows;
      expect(w?.hr).toBeGreaterThan(45);
      expect(w?.hr).toBeLessThan(110);
      expect(w?.spo2).toBeGreaterThanOrEqual(94);
      expect(w?.spo2).toBeLessThanOrEqual(100);
    },
  );

  // berkott/SciFairPPG Muse 2 headband export (MIT), ~62 s; channel roles believed ppg_1 = ambient,
  // ppg_2 = IR, ppg_3 = red (unverified).
  it("Muse 2 headband: steady HR on the IR channel, no pulse found on the ambient channel", () => {
    const csv = fixtureColumns("muse2_headband_ppg_62s.csv");
    const time = requireColumn(csv, "timestamps_unix_s");
    const fs = (time.length - 1) / ((time[time.length - 1] as number) - (time[0] as number));
    expect(fs).toBeCloseTo(64.1, 1);

    const ir = new PpgProcessor({ sampleRateHz: fs }).push(requireColumn(csv, "ppg_2"));
    const hrs = ir.flatMap((w) => (w.hr === null ? [] : [w.hr]));
    expect(hrs.length / ir.length).toBeGreaterThan(0.8);
    expect(Math.min(...hrs)).toBeGreaterThan(50);
    expect(Math.max(...hrs)).toBeLessThan(120);
    for (let i = 1; i < hrs.length; i++)
      expect(Math.abs((hrs[i] as number) - (hrs[i - 1] as number))).toBeLessThan(5);

    const ambient = new PpgProcessor({ sampleRateHz: fs }).push(requireColumn(csv, "ppg_1"));
    expect(ambient.filter((w) => w.hr === null).length / ambient.length).toBeGreaterThan(0.9);
  });

  // A CMS50 pleth dump of 102 values at 60 Hz = 1.7 s: generated from BIDMC 01 PLETH (the pleth the
  // generated frame capture carries), and the real titinho11/CMS50E-raw-ppg-data ppg2.txt when present.
  const TOO_SHORT = "(1.7 s at 60 Hz) is too short for a window: no output rather than a guess";
  const expectNoWindow = (path: string) => {
    const x = requireColumn(csvColumnsOf(path), "1");
    expect(x.length).toBe(102);
    expect(new PpgProcessor({ sampleRateHz: 60 }).push(x)).toEqual([]);
  };
  it(`CMS50 pleth generated from BIDMC 01 ${TOO_SHORT}`, () => {
    expectNoWindow(fixturePath("generated/cms50_pleth_from_bidmc01.txt"));
  });
  it.skipIf(REAL_CMS50E_PLETH === undefined)(
    onExternalCapture(`CMS50E pleth ${TOO_SHORT}`, "cms50e_ppg2.txt"),
    () => {
      expectNoWindow(REAL_CMS50E_PLETH as string);
    },
  );
});
