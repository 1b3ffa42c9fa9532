import { ErrorCodes, VitalsError } from "../../core/errors.js";

/** `--sensor max30102:port=/dev/ttyUSB0,address=0x57` → `{ driver: "max30102", options: {port, address} }`. */
export interface SensorSpec {
  driver: string;
  options: Record<string, string>;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const KEY = /^[a-z][a-z0-9-]*$/;

function usage(text: string, why: string): VitalsError {
  return new VitalsError(
    `--sensor "${text}": ${why} (expected <driver>[:key=value,...], e.g. sim:scenario=desaturation,seed=3)`,
    ErrorCodes.CliUsage,
  );
}

/**
 * Parses one `--sensor` value. Only the first ':' separates the driver from its options, because
 * device paths such as /dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0 contain colons.
 */
export function parseSensorSpec(text: string): SensorSpec {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(":");
  const driver = (colon < 0 ? trimmed : trimmed.slice(0, colon)).toLowerCase();
  if (!NAME.test(driver)) throw usage(text, `"${driver}" is not a driver name`);
  const options: Record<string, string> = {};
  const rest = colon < 0 ? "" : trimmed.slice(colon + 1);
  if (rest === "") return { driver, options };
  for (const part of rest.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw usage(text, `option "${part}" has no value`);
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (!KEY.test(key)) throw usage(text, `"${key}" is not an option name`);
    if (value === "") throw usage(text, `option "${key}" is empty`);
    if (Object.hasOwn(options, key)) throw usage(text, `option "${key}" is given twice`);
    options[key] = value;
  }
  return { driver, options };
}

/** Typed access to a spec's options, with errors that name the sensor and the option. */
export class SpecOptions {
  constructor(
    private readonly spec: SensorSpec,
    known: Readonly<Record<string, string>>,
  ) {
    const unknown = Object.keys(spec.options).filter((k) => !Object.hasOwn(known, k));
    if (unknown.length > 0) {
      const list = Object.keys(known);
      throw this.error(
        `unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; ${list.length ? `it takes ${list.join(", ")}` : "it takes none"}`,
      );
    }
  }

  string(key: string): string | undefined {
    return this.spec.options[key];
  }

  oneOf<T extends string>(key: string, choices: readonly T[]): T | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v))
      throw this.error(`${key}="${v}" is not one of ${choices.join(", ")}`);
    return v as T;
  }

  /** A number in [min, max]; integers accept 0x hex (I2C addresses). */
  number(key: string, min: number, max: number, integer = false): number | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    const n = /^0x[0-9a-f]+$/i.test(v) ? Number.parseInt(v.slice(2), 16) : Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n)))
      throw this.error(`${key}="${v}" is not ${integer ? "an integer" : "a number"} from ${min} to ${max}`);
    return n;
  }

  int(key: string, min: number, max: number): number | undefined {
    return this.number(key, min, max, true);
  }

  error(why: string): VitalsError {
    return new VitalsError(`--sensor ${this.spec.driver}: ${why}`, ErrorCodes.CliUsage, {
      driver: this.spec.driver,
    });
  }
}
