/**
 * Decoder throughput and false-reading check: `npx tsx test/serial/decoder-throughput.ts`
 * (GARBAGE_MB=… to change the amount of pseudo-random input). Not part of the vitest run: timing
 * on a shared machine is not a pass/fail criterion. Prints, per protocol, MB/s on a clean emulated
 * stream and on pseudo-random bytes, and how many readings the random bytes produced (should be 0).
 */
import { Cms50CommandEmulator } from "../support/emulators/serial/cms50-command-emulator.js";
import { emulate, type PatientState } from "../support/emulators/serial/patient-state.js";
import { CASES } from "./protocol-cases.js";

const MB = Number(process.env.GARBAGE_MB ?? 20);
const garbage = new Uint8Array(MB * 1_000_000);
let x = 12345;
for (let i = 0; i < garbage.length; i++) {
  x = (x * 1103515245 + 12345) >>> 0;
  garbage[i] = x >>> 24;
}
for (const c of CASES) {
  const state: PatientState = { hr: 72, spo2: 97, pi: c.carriesPi ? 2.5 : null, flags: [] };
  let dev = c.device();
  if (c.name === "cms50-command") {
    dev = new Cms50CommandEmulator(1e12);
    dev.receive(Uint8Array.of(0x7d, 0x81, 0xa1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80), 0);
  }
  const bytes = emulate(dev, state, c.name.startsWith("masimo") ? 20000 : 200000);
  const d = c.decoder();
  let t0 = process.hrtime.bigint();
  for (let i = 0; i < bytes.length; i += 64) d.push(bytes.subarray(i, i + 64));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const d2 = c.decoder();
  t0 = process.hrtime.bigint();
  for (let i = 0; i < garbage.length; i += 64) d2.push(garbage.subarray(i, i + 64));
  const s2 = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${c.name.padEnd(14)} valid stream ${(bytes.length / 1e6).toFixed(1)} MB: ${(bytes.length / s / 1e6).toFixed(1)} MB/s, ${d.counters.readings} readings | ${MB} MB random: ${(garbage.length / s2 / 1e6).toFixed(1)} MB/s, ${d2.counters.readings} readings, ${d2.counters.checksumErrors} checksum errors`,
  );
}
