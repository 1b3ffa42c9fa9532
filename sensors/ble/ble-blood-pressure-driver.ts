import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import type { SensorDriver, SensorSample } from "../sample.js";
import { type BpmTimestamp, decodeBloodPressureMeasurement } from "./blood-pressure-measurement.js";

/**
 * The radio side a BLE cuff driver needs, injected: connect to a paired cuff, subscribe to indications of
 * Blood Pressure Measurement (service 0x1810, characteristic 0x2A35), and report a dropped link. No BLE
 * library is bundled (docs/sensors.md, "Bluetooth blood pressure cuffs"): an implementation over a stack such
 * as @abandonware/noble or BlueZ D-Bus plugs in here.
 */
export interface BpmIndicationLink {
  connect(): Promise<void>;
  onIndication(cb: (value: Uint8Array) => void): void;
  onDisconnect(cb: (why: string) => void): void;
  disconnect(): Promise<void>;
}

export interface BleBloodPressureDriverOptions {
  link: BpmIndicationLink;
  time: TimeSource;
  logger: Logger;
  /** Interprets the cuff's zone-less local time stamp (default: this host's zone). */
  toEpochMs?: (ts: BpmTimestamp) => number;
  /** Reconnect delay after a dropped link. */
  reconnectMs?: number;
}

const localTime = (ts: BpmTimestamp) =>
  new Date(ts.year, ts.month - 1, ts.day, ts.hours, ts.minutes, ts.seconds).getTime();

/**
 * A Bluetooth Blood Pressure Profile cuff: each indication is one measurement sample stamped with the
 * cuff's own time stamp when it has one that is not in the future (stored measurements are sent after a
 * reconnect), otherwise the time it arrived.
 */
export class BleBloodPressureDriver implements SensorDriver {
  readonly name = "ble-bp";
  private stopped = true;

  constructor(private readonly o: BleBloodPressureDriverOptions) {}

  async start(onSample: (sample: SensorSample) => void): Promise<void> {
    this.stopped = false;
    const { link, time, logger } = this.o;
    link.onIndication((value) => {
      const f = decodeBloodPressureMeasurement(value);
      if (f.kind === "discarded") {
        logger.debug({ why: f.why, bytes: Buffer.from(f.bytes).toString("hex") }, "BPM indication skipped");
        return;
      }
      const now = time.now();
      const stamped = f.timestamp ? (this.o.toEpochMs ?? localTime)(f.timestamp) : now;
      onSample({
        source: this.name,
        t: Number.isFinite(stamped) && stamped <= now ? stamped : now,
        values: { sbp: f.sbp, dbp: f.dbp, map: f.map, ...(f.hr !== null ? { hr: f.hr } : {}) },
        flags: f.flags,
      });
    });
    link.onDisconnect((why) => {
      if (this.stopped) return;
      logger.warn({ why }, "BLE cuff disconnected; reconnecting");
      time.after(this.o.reconnectMs ?? 5_000, () => {
        if (!this.stopped)
          link.connect().catch((e: Error) => logger.warn({ err: e.message }, "BLE reconnect failed"));
      });
    });
    await link.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.o.link.disconnect();
  }
}
