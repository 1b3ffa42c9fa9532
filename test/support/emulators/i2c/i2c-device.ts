/**
 * One emulated I2C slave, seen byte by byte as the bus delivers it. Pure state machines: no AVR, no
 * timers, so each register model is unit-testable on its own and the same model serves the AVR bus.
 */
export interface I2cDevice {
  readonly address: number;
  /** START (or repeated START when `repeated`) + this address; return false to NACK the address. */
  select(write: boolean, repeated: boolean): boolean;
  /** A byte from the master; return false to NACK it. */
  write(byte: number): boolean;
  /** The master clocks a byte out of us; `ack` says whether it will ask for another. */
  read(ack: boolean): number;
  /** STOP condition: the transaction is over. */
  stop(): void;
}
