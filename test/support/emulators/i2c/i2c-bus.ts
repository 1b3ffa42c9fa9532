import type { AVRTWI, TWIEventHandler } from "avr8js";
import type { I2cDevice } from "./i2c-device.js";

export type BusEvent =
  | { kind: "start"; repeated: boolean }
  | { kind: "address"; address: number; write: boolean; ack: boolean }
  | { kind: "write"; byte: number; ack: boolean }
  | { kind: "read"; byte: number; ack: boolean }
  | { kind: "stop" };

/**
 * The avr8js TWI master's view of a bus with several slaves: routes each START/address/byte/STOP to
 * the addressed device and answers the TWI peripheral (ACK/NACK, read data). An address nobody owns is
 * NACKed, as on a real bus. `onEvent` lets tests see the exact bus traffic (e.g. repeated STARTs).
 */
export class I2cBus implements TWIEventHandler {
  private readonly devices = new Map<number, I2cDevice>();
  private active: I2cDevice | undefined;
  private repeated = false;
  onEvent: ((e: BusEvent) => void) | undefined;

  constructor(private readonly twi: AVRTWI) {}

  add(device: I2cDevice): this {
    if (this.devices.has(device.address))
      throw new Error(`I2C address 0x${device.address.toString(16)} taken`);
    this.devices.set(device.address, device);
    return this;
  }

  start(repeated: boolean): void {
    this.repeated = repeated;
    this.onEvent?.({ kind: "start", repeated });
    this.twi.completeStart();
  }

  stop(): void {
    this.active?.stop();
    this.active = undefined;
    this.onEvent?.({ kind: "stop" });
    this.twi.completeStop();
  }

  connectToSlave(address: number, write: boolean): void {
    const device = this.devices.get(address);
    // A repeated START to another device ends the previous device's transaction.
    if (this.active && this.active !== device) this.active.stop();
    const ack = device ? device.select(write, this.repeated) : false;
    this.active = ack ? device : undefined;
    this.onEvent?.({ kind: "address", address, write, ack });
    this.twi.completeConnect(ack);
  }

  writeByte(byte: number): void {
    const ack = this.active ? this.active.write(byte) : false;
    this.onEvent?.({ kind: "write", byte, ack });
    this.twi.completeWrite(ack);
  }

  readByte(ack: boolean): void {
    const byte = this.active ? this.active.read(ack) & 0xff : 0xff; // released bus reads high
    this.onEvent?.({ kind: "read", byte, ack });
    this.twi.completeRead(byte);
  }
}
