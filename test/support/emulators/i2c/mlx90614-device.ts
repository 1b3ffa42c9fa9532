import { smbusPec } from "../../../../sensors/i2c/smbus-pec.js";
import type { I2cDevice } from "./i2c-device.js";

/**
 * MLX90614 infrared thermometer over SMBus (datasheet 3901090614 rev 13): "read word" is
 * S SA+W cmd Sr SA+R LSB MSB PEC P. RAM 0x06 = ambient, 0x07 = object 1, in units of 0.02 K.
 * The command only survives a repeated START: after a STOP the device has forgotten it and NACKs the
 * read, which is what a driver that does not use repeated start would meet on real hardware.
 * `corruptPec` flips the PEC of the next reads to model bus noise. `requireRepeatedStart = false` keeps
 * the command across a STOP, for masters that cannot do a repeated START (StandardFirmata 2.4 ignores
 * firmata.js's "no stop" bit).
 */
export class Mlx90614Device implements I2cDevice {
  objectC = 36.6;
  ambientC = 24;
  /** How many of the next reads get a wrong PEC. */
  corruptPec = 0;
  requireRepeatedStart = true;
  private command: number | undefined;
  private expectCommand = false;
  private out: number[] = [];
  private readStarted = false;

  constructor(readonly address = 0x5a) {}

  /** Raw RAM word for a temperature, as the device's DSP stores it. */
  static toRaw(celsius: number): number {
    return Math.max(0, Math.min(0x7fff, Math.round((celsius + 273.15) / 0.02)));
  }

  select(write: boolean, repeated: boolean): boolean {
    if (write) {
      this.expectCommand = true;
      this.command = undefined;
      return true;
    }
    if ((this.requireRepeatedStart && !repeated) || this.command === undefined) return false;
    const raw = this.ramWord(this.command);
    const lsb = raw & 0xff;
    const msb = raw >> 8;
    let pec = smbusPec([this.address << 1, this.command, (this.address << 1) | 1, lsb, msb]);
    if (this.corruptPec > 0) {
      this.corruptPec--;
      pec ^= 0x5a;
    }
    this.out = [lsb, msb, pec];
    this.readStarted = true;
    return true;
  }

  write(byte: number): boolean {
    if (!this.expectCommand) return false; // EEPROM writes are not modelled
    this.expectCommand = false;
    this.command = byte & 0xff;
    return true;
  }

  read(_ack: boolean): number {
    return this.out.shift() ?? 0xff;
  }

  stop(): void {
    if (this.requireRepeatedStart || this.readStarted) this.command = undefined;
    this.readStarted = false;
    this.expectCommand = false;
    this.out = [];
  }

  private ramWord(command: number): number {
    if (command === 0x06) return Mlx90614Device.toRaw(this.ambientC);
    if (command === 0x07) return Mlx90614Device.toRaw(this.objectC);
    return 0;
  }
}
