import type { SoundPriority, VitalParameter } from "../core/protocol/frames.js";

/**
 * What every sensor driver emits: the values it measured (null = measured nothing valid) and
 * conditions such as "finger_out". The node agent merges samples from several drivers into
 * protocol-v1 vitals frames.
 */
export interface SensorSample {
  /** Driver name, e.g. "cms50", "max30102". */
  source: string;
  /** Host time of the sample, epoch ms. */
  t: number;
  values: Partial<Record<VitalParameter, number | null>>;
  flags: string[];
}

/** A running source of samples (serial oximeter, I2C sensor, simulator). */
export interface SensorDriver {
  readonly name: string;
  start(onSample: (sample: SensorSample) => void): Promise<void>;
  stop(): Promise<void>;
  /** Drivers of devices with a local buzzer play the gateway's alarm priority ("none" = silence). */
  setAlarm?(priority: SoundPriority): void;
  /**
   * Drivers that keep reopening their device in the background after start() (serial ports) say
   * whether it is open now, and why the last attempt failed: a started driver is not a running sensor.
   */
  device?(): { open: boolean; error?: string | undefined };
}
