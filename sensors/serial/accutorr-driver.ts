import { SerialPort } from "serialport";
import type { Logger } from "../../core/logger.js";
import type { Timer, TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { ACCUTORR_PATIENT_DATA, ACCUTORR_SERIAL, AccutorrDecoder } from "./accutorr-decoder.js";
import type { OpenSerialLink, SerialLink } from "./serial-oximeter-driver.js";

export interface AccutorrDriverOptions {
  path: string;
  baudRate?: number;
  /** How often to ask for patient data ("P"). */
  pollMs?: number;
}

export interface AccutorrDriverHost {
  time: TimeSource;
  logger: Logger;
  openLink?: OpenSerialLink;
}

const openRealPort: OpenSerialLink = (o) =>
  new SerialPort({
    path: o.path,
    baudRate: o.baudRate,
    dataBits: o.dataBits,
    parity: o.parity,
    stopBits: o.stopBits,
    autoOpen: false,
  });

/**
 * Polls a Datascope ACCUTORR 3 for patient data and turns each new NIBP measurement into one sample,
 * stamped "now − elapsed minutes" (the monitor reports no clock time). A measurement is new when the
 * elapsed minutes go down or the values change. The PC interface has no command to start a measurement,
 * so `nibp start` from the gateway cannot reach this cuff.
 */
export class AccutorrDriver implements SensorDriver {
  readonly name = "accutorr";
  private port: SerialLink | undefined;
  private poll: Timer | undefined;
  private retry: Timer | undefined;
  private stopped = true;
  private last: { key: string; elapsed: number } | undefined;

  constructor(
    private readonly o: AccutorrDriverOptions,
    private readonly host: AccutorrDriverHost,
  ) {}

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    this.stopped = false;
    this.open(onSample);
  }

  private open(onSample: (sample: SensorSample) => void): void {
    const { time, logger } = this.host;
    const decoder = new AccutorrDecoder();
    const port = (this.host.openLink ?? openRealPort)({
      ...ACCUTORR_SERIAL,
      baudRate: this.o.baudRate ?? ACCUTORR_SERIAL.baudRate,
      path: this.o.path,
    });
    this.port = port;
    const reopen = (why: string) => {
      this.poll?.cancel();
      if (this.stopped) return;
      logger.warn({ why, path: this.o.path }, "ACCUTORR port lost; reopening");
      this.retry = time.after(2_000, () => this.open(onSample));
    };
    port.on("error", (e) => logger.debug({ err: e.message }, "ACCUTORR port error"));
    port.on("close", () => reopen("closed"));
    port.on("data", (chunk) => {
      for (const f of decoder.push(chunk)) {
        if (f.kind === "discarded") {
          if (f.why !== "prompt") logger.debug({ why: f.why }, "ACCUTORR line skipped");
          continue;
        }
        const now = time.now();
        const sample: SensorSample = { source: this.name, t: now, values: {}, flags: [] };
        if (f.sbp !== null && f.elapsedMin !== null) {
          const key = `${f.sbp},${f.dbp},${f.map}`;
          const isNew = !this.last || f.elapsedMin < this.last.elapsed || key !== this.last.key;
          this.last = { key, elapsed: f.elapsedMin };
          if (isNew) {
            sample.t = now - f.elapsedMin * 60_000;
            sample.values = { sbp: f.sbp, dbp: f.dbp, map: f.map };
          }
        }
        onSample(sample);
      }
    });
    port.open((err) => {
      if (err) return reopen(err.message);
      const ask = () => port.isOpen && port.write(ACCUTORR_PATIENT_DATA);
      ask();
      this.poll = time.every(this.o.pollMs ?? 2_000, ask);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poll?.cancel();
    this.retry?.cancel();
    const p = this.port;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
  }
}
