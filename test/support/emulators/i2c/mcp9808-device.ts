import { RegisterDevice } from "./register-device.js";

/**
 * MCP9808 digital thermometer (datasheet DS25095): 16-bit registers read MSB first; 0x05 = ambient
 * temperature, 13-bit two's complement in 1/16 °C (bit 12 = sign, bits 15–13 = alert flags, left 0);
 * 0x06 manufacturer ID 0x0054, 0x07 device ID 0x0400. Here so johnny-five's own Thermometer
 * (controller "MCP9808") can be exercised end to end.
 */
export class Mcp9808Device extends RegisterDevice {
  temperatureC = 25;
  private lowByteNext = false;

  constructor(address = 0x18) {
    super(address);
  }

  override select(write: boolean, repeated: boolean): boolean {
    this.lowByteNext = false;
    return super.select(write, repeated);
  }

  protected override nextPointer(register: number): number {
    return register;
  }

  protected readRegister(register: number): number {
    const word = this.word(register & 0x0f);
    const byte = this.lowByteNext ? word & 0xff : word >> 8;
    this.lowByteNext = !this.lowByteNext;
    return byte;
  }

  protected writeRegister(): void {
    // Configuration/alert limits are not modelled.
  }

  private word(register: number): number {
    switch (register) {
      case 0x05: {
        const sixteenths = Math.max(-0x1000, Math.min(0x0fff, Math.round(this.temperatureC * 16)));
        return sixteenths & 0x1fff;
      }
      case 0x06:
        return 0x0054;
      case 0x07:
        return 0x0400;
      default:
        return 0;
    }
  }
}
