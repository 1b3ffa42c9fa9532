import {
  PolledThermometerDriver,
  type PolledThermometerOptions,
  type TemperatureReading,
  type ThermometerChip,
} from "./polled-thermometer-driver.js";

/** Temperature register (0x00): 16-bit two's complement, MSB first, 1/256 °C per LSB. */
export function decodeMax30205(bytes: readonly number[]): TemperatureReading {
  if (bytes.length !== 2 || bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 0xff)) {
    return { kind: "discarded", bytes: [...bytes], why: "expected 2 bytes" };
  }
  const word = ((bytes[0] as number) << 8) | (bytes[1] as number);
  const signed = word & 0x8000 ? word - 0x10000 : word;
  return { kind: "temp", celsius: signed / 256 };
}

const MAX30205: ThermometerChip = {
  name: "max30205",
  defaultAddress: 0x48,
  configure: (port) => port.write(0x01, [0x00]), // configuration: continuous conversion, normal format
  read: async (port) => decodeMax30205(await port.read(0x00, 2)),
};

/** MAX30205 clinical thermometer (±0.1 °C, 37–39 °C) polled over a johnny-five IO. */
export class Max30205Driver extends PolledThermometerDriver {
  constructor(options: PolledThermometerOptions) {
    super(MAX30205, options);
  }
}
