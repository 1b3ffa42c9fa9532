import { RegisterDevice } from "./register-device.js";

/**
 * MAX30205 clinical temperature sensor (datasheet 19-7422): register 0x00 holds the temperature as a
 * 16-bit two's complement word, MSB first, 1 LSB = 1/256 °C (0.00390625 °C); 0x01 configuration,
 * 0x02 T_HYST, 0x03 T_OS. The pointer does not auto-increment: reading more bytes repeats MSB, LSB.
 * The patient temperature is set by the test.
 */
export class Max30205Device extends RegisterDevice {
  /** The temperature the sensor touches, °C. */
  temperatureC = 37;
  private config = 0;
  private readonly words = new Map<number, number>([
    [2, 0x4b00], // T_HYST 75 °C power-on default
    [3, 0x5000], // T_OS 80 °C
  ]);
  private lowByteNext = false;

  constructor(address = 0x48) {
    super(address);
  }

  /** The 16-bit register value the ADC produces now (nearest LSB, clamped to the 16-bit range). */
  get temperatureWord(): number {
    const lsb = Math.round(this.temperatureC * 256);
    return Math.max(-0x8000, Math.min(0x7fff, lsb)) & 0xffff;
  }

  override select(write: boolean, repeated: boolean): boolean {
    this.lowByteNext = false;
    return super.select(write, repeated);
  }

  protected override nextPointer(register: number): number {
    return register;
  }

  protected readRegister(register: number): number {
    const reg = register & 0x03;
    if (reg === 1) return this.config;
    const word = reg === 0 ? this.temperatureWord : (this.words.get(reg) ?? 0);
    const byte = this.lowByteNext ? word & 0xff : word >> 8;
    this.lowByteNext = !this.lowByteNext;
    return byte;
  }

  protected writeRegister(register: number, value: number): void {
    // T_HYST/T_OS writes are accepted and ignored: the OS alarm output is not modelled.
    if ((register & 0x03) === 1) this.config = value;
  }
}
