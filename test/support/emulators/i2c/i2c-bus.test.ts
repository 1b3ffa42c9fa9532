import type { AVRTWI } from "avr8js";
import { describe, expect, it } from "vitest";
import { type BusEvent, I2cBus } from "./i2c-bus.js";
import { Max30205Device } from "./max30205-device.js";
import { Mlx90614Device } from "./mlx90614-device.js";

/** Records what the bus answers the TWI peripheral (the avr8js side is exercised in test/emulator/). */
function stubTwi() {
  const answers: string[] = [];
  const twi = {
    completeStart: () => answers.push("start"),
    completeStop: () => answers.push("stop"),
    completeConnect: (ack: boolean) => answers.push(ack ? "ACK" : "NACK"),
    completeWrite: (ack: boolean) => answers.push(ack ? "ACK" : "NACK"),
    completeRead: (v: number) => answers.push(`0x${v.toString(16)}`),
  };
  return { twi: twi as unknown as AVRTWI, answers };
}

describe("I2cBus", () => {
  it("routes a register read to the addressed device and NACKs addresses nobody owns", () => {
    const { twi, answers } = stubTwi();
    const thermo = new Max30205Device();
    thermo.temperatureC = 37;
    const bus = new I2cBus(twi).add(thermo);
    const events: BusEvent[] = [];
    bus.onEvent = (e) => events.push(e);
    bus.start(false);
    bus.connectToSlave(0x48, true);
    bus.writeByte(0x00);
    bus.start(true);
    bus.connectToSlave(0x48, false);
    bus.readByte(true);
    bus.readByte(false);
    bus.stop();
    bus.start(false);
    bus.connectToSlave(0x49, true);
    bus.writeByte(0x00);
    bus.readByte(false);
    bus.stop();
    expect(answers).toEqual(
      ["start", "ACK", "ACK", "start", "ACK", "0x25", "0x0", "stop"].concat([
        "start",
        "NACK",
        "NACK",
        "0xff",
        "stop",
      ]),
    );
    expect(events[3]).toEqual({ kind: "start", repeated: true });
  });

  it("refuses two devices on one address", () => {
    const bus = new I2cBus(stubTwi().twi).add(new Mlx90614Device(0x5a));
    expect(() => bus.add(new Mlx90614Device(0x5a))).toThrow(/0x5a/);
  });
});
