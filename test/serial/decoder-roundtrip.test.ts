import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OximeterFrame, OximeterReading } from "../../sensors/serial/oximeter-frame.js";
import { emulate } from "../support/emulators/serial/patient-state.js";
import { CASES, chunk, expected, stateArb } from "./protocol-cases.js";

const values = (frames: OximeterFrame[]) =>
  frames
    .filter((f): f is OximeterReading => f.kind === "reading")
    .map(({ hr, spo2, pi, flags }) => ({ hr, spo2, pi, flags }));

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 });

describe.each(CASES)("$name: emulator bytes → decoder", (c) => {
  const readingsWanted = 6;
  const periods = (readingsWanted + c.lockReadings + c.heldBack) * c.periodsPerReading;

  it("gives back the emulated values and flags, whatever the chunking", () => {
    fc.assert(
      fc.property(stateArb(c), cutsArb, (state, cuts) => {
        const bytes = emulate(c.device(), state, periods);
        const d = c.decoder();
        const got = chunk(bytes, cuts).flatMap((piece) => values(d.push(piece)));
        expect(got).toHaveLength(readingsWanted);
        for (const r of got) expect(r).toEqual(expected(state));
        expect(d.counters.checksumErrors).toBe(0);
      }),
    );
  });

  it("never turns random bytes into a reading", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), cutsArb, (garbage, cuts) => {
        fc.pre(!c.mayLookReal?.(garbage));
        const d = c.decoder();
        const got = chunk(garbage, cuts).flatMap((piece) => values(d.push(piece)));
        expect(got).toEqual([]);
        expect(d.counters.readings).toBe(0);
      }),
    );
  });

  it("resynchronises after a garbage prefix and never reports a value the device did not send", () => {
    fc.assert(
      fc.property(stateArb(c), fc.uint8Array({ maxLength: 200 }), cutsArb, (state, garbage, cuts) => {
        fc.pre(!c.mayLookReal?.(garbage));
        const bytes = Buffer.concat([garbage, emulate(c.device(), state, periods)]);
        const d = c.decoder();
        const all = chunk(bytes, cuts).flatMap((piece) => values(d.push(piece)));
        // At most the first real packet can be lost to the garbage before it.
        expect(all.length).toBeGreaterThanOrEqual(readingsWanted - 1);
        for (const r of all) expect(r).toEqual(expected(state));
      }),
    );
  });

  it("recovers after noise inserted mid-stream (a cable wiggle)", () => {
    fc.assert(
      fc.property(
        stateArb(c),
        fc.uint8Array({ minLength: 1, maxLength: 120 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (state, noise, where) => {
          const device = c.device();
          const before = emulate(device, state, periods);
          const after = emulate(device, state, periods, (periods * 1000) / device.packetsPerSecond);
          const cut = Math.floor(where * before.length);
          const d = c.decoder();
          const got = values(
            d.push(Buffer.concat([before.subarray(0, cut), noise, before.subarray(cut), after])),
          );
          // Locked again on the clean stream that follows: the last readings are the device's.
          const tail = got.slice(-3);
          expect(tail).toHaveLength(3);
          for (const r of tail) expect(r).toEqual(expected(state));
          if (c.lockReadings === 0) {
            // Framings with checksums (DF2) or strict lines (Masimo): no reading at all may be wrong.
            for (const r of got) expect(r).toEqual(expected(state));
          }
        },
      ),
    );
  });
});
