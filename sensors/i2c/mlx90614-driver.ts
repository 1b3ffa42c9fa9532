import {
  PolledThermometerDriver,
  type PolledThermometerOptions,
  type TemperatureReading,
  type ThermometerChip,
} from "./polled-thermometer-driver.js";
import { smbusPec } from "./smbus-pec.js";

/** RAM address of the object temperature (datasheet table "RAM"; 0x06 would be the ambient one). */
const MLX90614_OBJECT1 = 0x07;

/**
 * One SMBus "read word" reply [LSB, MSB, PEC] for `command` from `address`. The PEC covers the whole
 * transaction (SA+W, command, SA+R, LSB, MSB); a mismatch or the error flag (bit 15) discards it.
 */
export function decodeMlx90614(
  address: number,
  command: number,
  bytes: readonly number[],
): TemperatureReading {
  const discard = (why: string): TemperatureReading => ({ kind: "discarded", bytes: [...bytes], why });
  if (bytes.length !== 3 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 0xff)) {
    return discard("expected LSB, MSB, PEC");
  }
  const [lsb, msb, pec] = bytes as [number, number, number];
  if (smbusPec([address << 1, command, (address << 1) | 1, lsb, msb]) !== pec) return discard("bad PEC");
  const raw = (msb << 8) | lsb;
  if (raw & 0x8000) return discard("error flag set");
  return { kind: "temp", celsius: raw * 0.02 - 273.15 };
}

const MLX90614: ThermometerChip = {
  name: "mlx90614",
  defaultAddress: 0x5a,
  // SMBus read word needs a repeated START between the command and the read.
  port: { stopBetweenWriteAndRead: false },
  read: async (port, address) =>
    decodeMlx90614(address, MLX90614_OBJECT1, await port.read(MLX90614_OBJECT1, 3)),
};

/** MLX90614 IR thermometer (object temperature, RAM 0x07) read with repeated START and PEC check. */
export class Mlx90614Driver extends PolledThermometerDriver {
  constructor(options: PolledThermometerOptions) {
    super(MLX90614, options);
  }
}
