import type { I2cDevice } from "./i2c-device.js";

/**
 * The common Maxim-style register interface: in a write, the first byte sets the register pointer and
 * further bytes are written to consecutive registers; a read returns bytes from the pointer onwards.
 * Subclasses say how each register reads/writes and where the pointer goes next (a FIFO data register
 * does not advance).
 */
export abstract class RegisterDevice implements I2cDevice {
  protected pointer = 0;
  private firstWriteByte = false;

  constructor(readonly address: number) {}

  select(write: boolean, _repeated: boolean): boolean {
    this.firstWriteByte = write;
    return true;
  }

  write(byte: number): boolean {
    if (this.firstWriteByte) {
      this.firstWriteByte = false;
      this.pointer = byte & 0xff;
      return true;
    }
    this.writeRegister(this.pointer, byte & 0xff);
    this.pointer = this.nextPointer(this.pointer);
    return true;
  }

  read(_ack: boolean): number {
    const value = this.readRegister(this.pointer);
    this.pointer = this.nextPointer(this.pointer);
    return value;
  }

  stop(): void {}

  protected nextPointer(register: number): number {
    return (register + 1) & 0xff;
  }

  protected abstract readRegister(register: number): number;
  protected abstract writeRegister(register: number, value: number): void;
}
