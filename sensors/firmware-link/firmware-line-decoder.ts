import { decodeNodeLine, type HelloFrame, type VitalsFrame } from "../../core/protocol/index.js";
import type { SensorSample } from "../sample.js";

/** What one line from the vitals AVR firmware (firmware/) decodes to. */
export type FirmwareLine =
  | { kind: "hello"; frame: HelloFrame }
  | { kind: "vitals"; frame: VitalsFrame }
  | { kind: "pong" }
  | { kind: "discarded"; bytes: number; why: string };

/**
 * Decodes one line the board sent (without its newline). The board speaks protocol v1 (hello,
 * vitals, pong), so the gateway's own codec judges it; anything else — boot noise, a legacy frame,
 * a frame the codec rejects — is discarded with the reason. Pure.
 */
export function decodeFirmwareLine(line: string): FirmwareLine {
  const bytes = Buffer.byteLength(line);
  const decoded = decodeNodeLine(line);
  switch (decoded.kind) {
    case "hello":
      return { kind: "hello", frame: decoded.frame };
    case "vitals":
      return { kind: "vitals", frame: decoded.frame };
    case "pong":
      return { kind: "pong" };
    case "ping":
      return { kind: "discarded", bytes, why: "the board does not ping" };
    case "legacy":
      return { kind: "discarded", bytes, why: "legacy frame" };
    case "rejected":
      return { kind: "discarded", bytes, why: `${decoded.code}: ${decoded.message}` };
  }
}

/**
 * A board's vitals frame as a SensorSample. The board's `t` counts milliseconds since it booted, so the
 * sample is stamped with the host's clock at arrival.
 */
export function vitalsToSample(frame: VitalsFrame, source: string, now: number): SensorSample {
  return {
    source,
    t: now,
    values: { hr: frame.hr, spo2: frame.spo2, temp: frame.temp },
    flags: [...(frame.flags ?? [])],
  };
}
