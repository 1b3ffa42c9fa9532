import { ErrorCodes, VitalsError } from "../../core/errors.js";
import type { Logger } from "../../core/logger.js";
import type { VitalParameter } from "../../core/protocol/frames.js";
import type { TimeSource } from "../../core/time.js";
import { createSerialFirmwareDriver } from "../firmware-link/serial-firmware-driver.js";
import type { I2cIo } from "../i2c/i2c-register-port.js";
import { Max30102Driver } from "../i2c/max30102-driver.js";
import { MAX30102_ADDRESS, MAX30102_AVERAGES, MAX30102_SAMPLE_RATES } from "../i2c/max30102-registers.js";
import { Max30205Driver } from "../i2c/max30205-driver.js";
import { Mlx90614Driver } from "../i2c/mlx90614-driver.js";
import type { PolledThermometerOptions } from "../i2c/polled-thermometer-driver.js";
import { ratioOfRatiosEstimator } from "../i2c/ppg-estimator.js";
import type { SensorDriver } from "../sample.js";
import { SERIAL_DRIVERS } from "../serial/serial-driver-registry.js";
import { createSerialDriver, type OpenSerialLink } from "../serial/serial-oximeter-driver.js";
import { parseSensorSpec, type SensorSpec, SpecOptions } from "./sensor-spec.js";
import { SIM_SCENARIOS, SimDriver } from "./sim-driver.js";
import { StreamingPpgEstimator } from "./streaming-ppg-estimator.js";

/** What a driver factory may use: injected so tests can hand in an emulated Firmata board. */
export interface DriverContext {
  /** The agent's reading rate, the sim's default sample rate. */
  rateHz: number;
  time: TimeSource;
  logger: Logger;
  /** The johnny-five IO of the Firmata board on `port` (undefined: the first one found); shared per port. */
  openBoard(port: string | undefined): Promise<I2cIo>;
  /** How serial oximeters open their port (default: the serialport package). */
  openSerialLink?: OpenSerialLink;
}

export interface DriverDefinition {
  name: string;
  summary: string;
  /** What it measures: silence from it flags sensor_off. */
  parameters: readonly VitalParameter[];
  /** Option → help text. */
  options: Readonly<Record<string, string>>;
  /**
   * Checks the options now (throws a usage error, so a typo stops `vitals node` at once) and returns
   * the factory the agent calls, and calls again after a failure, to open the device.
   */
  prepare(options: SpecOptions, ctx: DriverContext): () => Promise<SensorDriver>;
}

/** The I2C options; `address` shows the chip's own default address (MAX30205 0x48, MAX30102 0x57). */
function i2cOptions(defaultAddress: number) {
  return {
    port: "serial port of the Firmata board (default: the first found)",
    address: `I2C address (default 0x${defaultAddress.toString(16)})`,
    period: "poll period, ms",
  } as const;
}

function i2cAddress(o: SpecOptions): number | undefined {
  return o.int("address", 0x08, 0x77);
}

/** A polled I2C temperature sensor on a Firmata board: the same options and wiring for each. */
function i2cThermometer(
  name: string,
  what: string,
  Driver: new (o: PolledThermometerOptions) => SensorDriver,
  defaultAddress: number,
): DriverDefinition {
  return {
    name,
    summary: `${what} (I2C via a Firmata board): temp`,
    parameters: ["temp"],
    options: i2cOptions(defaultAddress),
    prepare(o, ctx) {
      const opts = definedOnly({ address: i2cAddress(o), periodMs: o.int("period", 50, 600_000) });
      const port = o.string("port");
      return async () => {
        const io = await ctx.openBoard(port);
        return new Driver({ ...opts, io, time: ctx.time });
      };
    },
  };
}

const BUILTIN_DRIVERS: readonly DriverDefinition[] = [
  {
    name: "sim",
    summary: "simulated patient (the simulator's PatientModel), no hardware",
    parameters: ["hr", "spo2", "temp"],
    options: {
      scenario: `one of ${SIM_SCENARIOS.join(", ")} (default stable)`,
      seed: "random seed (default 1)",
      delay: "seconds before a single-episode scenario starts (default 2)",
      rate: "samples per second (default: the agent's --rate)",
    },
    prepare(o, ctx) {
      const scenario = o.oneOf("scenario", SIM_SCENARIOS);
      const rate = o.number("rate", 0.01, 1000) ?? ctx.rateHz;
      const opts = {
        ...(scenario ? { scenario } : {}),
        seed: o.int("seed", 0, 2 ** 31) ?? 1,
        delayS: o.number("delay", 0, 86_400) ?? 2,
        periodMs: 1000 / rate,
        time: ctx.time,
      };
      return async () => new SimDriver(opts);
    },
  },
  {
    name: "max30102",
    summary: "MAX30102/MAX30105 pulse oximeter (I2C via a Firmata board): HR, SpO2",
    parameters: ["hr", "spo2"],
    options: {
      ...i2cOptions(MAX30102_ADDRESS),
      "sample-rate": `ADC rate, Hz: ${MAX30102_SAMPLE_RATES.join(", ")} (default 100)`,
      averaging: `on-chip averaging: ${MAX30102_AVERAGES.join(", ")} (default 4)`,
      "red-ma": "red LED current, mA (default 7)",
      "ir-ma": "IR LED current, mA (default 7)",
      estimator: "ppg (sensors/ppg, default) or simple (ratio of ratios)",
    },
    prepare(o, ctx) {
      const sampleRateHz = o.int("sample-rate", 50, 3200) as
        | (typeof MAX30102_SAMPLE_RATES)[number]
        | undefined;
      if (sampleRateHz !== undefined && !(MAX30102_SAMPLE_RATES as readonly number[]).includes(sampleRateHz))
        throw o.error(`sample-rate must be one of ${MAX30102_SAMPLE_RATES.join(", ")}`);
      const averaging = o.int("averaging", 1, 32) as (typeof MAX30102_AVERAGES)[number] | undefined;
      if (averaging !== undefined && !(MAX30102_AVERAGES as readonly number[]).includes(averaging))
        throw o.error(`averaging must be one of ${MAX30102_AVERAGES.join(", ")}`);
      const kind = o.oneOf("estimator", ["ppg", "simple"] as const) ?? "ppg";
      const opts = {
        address: i2cAddress(o),
        pollMs: o.int("period", 20, 10_000),
        sampleRateHz,
        averaging,
        redCurrentMa: o.number("red-ma", 0, 51),
        irCurrentMa: o.number("ir-ma", 0, 51),
      };
      const outputRateHz = (sampleRateHz ?? 100) / (averaging ?? 4);
      const port = o.string("port");
      return async () => {
        const io = await ctx.openBoard(port);
        // A fresh estimator per start: no filter state carried over from before a failure.
        const ppg = kind === "ppg" ? new StreamingPpgEstimator({ sampleRateHz: outputRateHz }) : undefined;
        return new Max30102Driver({
          ...definedOnly(opts),
          io,
          time: ctx.time,
          estimator: ppg?.estimate ?? ratioOfRatiosEstimator,
          ...(ppg ? { onRaw: ppg.onRaw } : {}),
        });
      };
    },
  },
  i2cThermometer("max30205", "MAX30205 clinical thermometer", Max30205Driver, 0x48),
  i2cThermometer("mlx90614", "MLX90614 infrared thermometer", Mlx90614Driver, 0x5a),
  {
    name: "serial-firmware",
    summary: "a vitals firmware board (firmware/) on USB serial: HR, SpO2, temp; plays alarms on its buzzer",
    parameters: ["hr", "spo2", "temp"],
    options: {
      port: "serial device of the board, e.g. /dev/ttyACM0 (required; see vitals ports)",
      baud: "override the baud rate (default 115200)",
    },
    prepare(o, ctx) {
      const path = o.string("port");
      if (path === undefined) throw o.error("port=… is required (vitals ports lists the serial ports)");
      const baudRate = o.int("baud", 300, 4_000_000);
      return async () =>
        createSerialFirmwareDriver(
          { path, ...(baudRate !== undefined ? { baudRate } : {}) },
          { time: ctx.time, logger: ctx.logger },
        );
    },
  },
  // Serial pulse oximeters (sensors/serial/): one driver per device protocol. The driver reopens an
  // unplugged port by itself, so its factory never fails for a missing device; it reports sensor_off.
  ...Object.values(SERIAL_DRIVERS).map(
    (spec): DriverDefinition => ({
      name: spec.name,
      summary: `${spec.description}: HR, SpO2, PI`,
      parameters: ["hr", "spo2", "pi"],
      options: {
        port: "serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/… (required; see vitals ports)",
        baud: `override the baud rate (default ${spec.serial.baudRate})`,
      },
      prepare(o, ctx) {
        const path = o.string("port");
        if (path === undefined) throw o.error("port=… is required (vitals ports lists the serial ports)");
        const baudRate = o.int("baud", 300, 4_000_000);
        return async () =>
          createSerialDriver(
            spec.name,
            { path, ...(baudRate !== undefined ? { baudRate } : {}) },
            {
              time: ctx.time,
              logger: ctx.logger,
              ...(ctx.openSerialLink ? { openLink: ctx.openSerialLink } : {}),
            },
          );
      },
    }),
  ),
];

/** A parsed `--sensor` ready to start: the driver and what it measures. */
export interface ResolvedSensor {
  spec: SensorSpec;
  definition: DriverDefinition;
  options: SpecOptions;
}

/** Parses and validates a `--sensor` value against the registry, before any hardware is touched. */
export function resolveSensor(
  text: string,
  registry: readonly DriverDefinition[] = BUILTIN_DRIVERS,
): ResolvedSensor {
  const spec = parseSensorSpec(text);
  const definition = registry.find((d) => d.name === spec.driver);
  if (!definition) {
    throw new VitalsError(
      `--sensor: unknown driver "${spec.driver}"; known drivers: ${registry.map((d) => d.name).join(", ")}`,
      ErrorCodes.CliUsage,
      { known: registry.map((d) => d.name) },
    );
  }
  return { spec, definition, options: new SpecOptions(spec, definition.options) };
}

/** One line per driver and its options, for `vitals node --help`. */
export function describeDrivers(registry: readonly DriverDefinition[] = BUILTIN_DRIVERS): string {
  return registry
    .map((d) => {
      const opts = Object.entries(d.options).map(([k, h]) => `      ${k}=…  ${h}`);
      return [`  ${d.name}: ${d.summary}`, ...opts].join("\n");
    })
    .join("\n");
}

/** Drops undefined options so the drivers' own defaults apply (exactOptionalPropertyTypes). */
function definedOnly<T extends Record<string, unknown>>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
