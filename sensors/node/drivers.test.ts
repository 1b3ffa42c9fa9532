import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isVitalsError } from "../../core/errors.js";
import { silentLogger } from "../../core/logger.js";
import { systemTime } from "../../core/time.js";
import type { I2cIo } from "../i2c/i2c-register-port.js";
import { SERIAL_DRIVERS } from "../serial/serial-driver-registry.js";
import { type DriverContext, describeDrivers, resolveSensor } from "./drivers.js";
import { defaultNodeId, outboxFileName } from "./node-id.js";
import { parseSensorSpec } from "./sensor-spec.js";
import { SimDriver } from "./sim-driver.js";

const ctx = (
  openBoard: DriverContext["openBoard"] = () => Promise.reject(new Error("no board")),
): DriverContext => ({
  rateHz: 1,
  time: systemTime,
  logger: silentLogger,
  openBoard,
});

function usageError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isVitalsError(e)) return e.message;
    throw e;
  }
  throw new Error("did not throw");
}

describe("parseSensorSpec", () => {
  it("splits the driver from key=value options at the first colon only", () => {
    expect(parseSensorSpec("sim")).toEqual({ driver: "sim", options: {} });
    expect(parseSensorSpec("SIM:Scenario=desaturation, seed=3")).toEqual({
      driver: "sim",
      options: { scenario: "desaturation", seed: "3" },
    });
    expect(
      parseSensorSpec("max30102:port=/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0,address=0x57"),
    ).toEqual({
      driver: "max30102",
      options: { port: "/dev/serial/by-path/pci-0000:00:14.0-usb-0:2:1.0", address: "0x57" },
    });
  });

  it("rejects malformed specs with a message that shows the expected form", () => {
    for (const bad of [
      "",
      ":x=1",
      "sim:seed",
      "sim:seed=",
      "sim:seed=1,seed=2",
      "sim:=3",
      "9lives",
      "sim:a b=1",
    ]) {
      expect(usageError(() => parseSensorSpec(bad))).toMatch(/expected <driver>/);
    }
  });

  it("either parses or throws a usage error, for any text (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        try {
          const spec = parseSensorSpec(s);
          expect(spec.driver).toMatch(/^[a-z][a-z0-9-]*$/);
          for (const v of Object.values(spec.options)) expect(v.length).toBeGreaterThan(0);
        } catch (e) {
          expect(isVitalsError(e)).toBe(true);
        }
      }),
    );
  });
});

describe("resolveSensor", () => {
  it("names the known drivers when the driver is unknown", () => {
    const msg = usageError(() => resolveSensor("cms99"));
    expect(msg).toMatch(
      /^--sensor: unknown driver "cms99"; known drivers: sim, max30102, max30205, mlx90614, /,
    );
    for (const serial of Object.keys(SERIAL_DRIVERS)) expect(msg).toContain(serial);
  });

  it("names the accepted options when an option is unknown", () => {
    expect(usageError(() => resolveSensor("max30205:adress=0x48"))).toMatch(
      /unknown option adress; it takes port, address, period/,
    );
  });

  it("checks option values when preparing, before any hardware is touched", () => {
    let opened = 0;
    const open = async () => {
      opened++;
      return {} as I2cIo;
    };
    for (const bad of [
      "max30205:address=0x99",
      "max30102:sample-rate=150",
      "max30102:estimator=magic",
      "mlx90614:period=1",
    ]) {
      const r = resolveSensor(bad);
      expect(() => r.definition.prepare(r.options, ctx(open))).toThrow(/--sensor/);
    }
    for (const bad of ["sim:scenario=sepsis", "sim:seed=-1", "sim:rate=0"]) {
      const r = resolveSensor(bad);
      expect(() => r.definition.prepare(r.options, ctx())).toThrow(/--sensor sim/);
    }
    expect(opened).toBe(0);
  });

  it("makes a sim driver from its options and opens the board named by port= for I2C sensors", async () => {
    const sim = resolveSensor("sim:scenario=fever,seed=3,rate=4");
    expect(await sim.definition.prepare(sim.options, ctx())()).toBeInstanceOf(SimDriver);
    const ports: (string | undefined)[] = [];
    const open = async (p: string | undefined) => {
      ports.push(p);
      return { i2cConfig() {}, i2cReadOnce() {}, i2cWrite() {} } as I2cIo;
    };
    for (const text of ["max30205:port=/dev/ttyACM0", "mlx90614", "max30102:port=COM3,estimator=simple"]) {
      const r = resolveSensor(text);
      const before = ports.length;
      const create = r.definition.prepare(r.options, ctx(open));
      expect(ports.length).toBe(before); // preparing opens nothing
      const d = await create();
      expect(d.name).toBe(r.definition.name);
    }
    expect(ports).toEqual(["/dev/ttyACM0", undefined, "COM3"]);
  });

  it("makes serial oximeter drivers, which need port= and take baud=", async () => {
    const r = resolveSensor("nonin-df2:port=/dev/ttyUSB0,baud=4800");
    const d = await r.definition.prepare(r.options, ctx())();
    expect(d.name).toBe("nonin-df2");
    const missing = resolveSensor("cms50-command");
    expect(() => missing.definition.prepare(missing.options, ctx())).toThrow(/port=… is required/);
    const badBaud = resolveSensor("bci:port=/dev/ttyUSB0,baud=fast");
    expect(() => badBaud.definition.prepare(badBaud.options, ctx())).toThrow(/baud="fast"/);
  });
});

describe("node ids", () => {
  it("are derived from the short hostname and the bed, stable and protocol-safe", () => {
    expect(defaultNodeId("pi-ward3.hospital.lan", "Bed 12")).toBe("pi-ward3/Bed 12");
    expect(defaultNodeId("pi", "Bed 1")).toBe(defaultNodeId("pi", "Bed 1"));
    expect(defaultNodeId("pi", "Bett*7€")).toBe("pi/Bett-7-");
    const long = defaultNodeId("x".repeat(80), "Bed-1");
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).not.toBe(defaultNodeId("x".repeat(80), "Bed-2"));
    expect(outboxFileName("a/b")).not.toBe(outboxFileName("a_b"));
    expect(outboxFileName("pi/Bed 1")).toMatch(/^outbox-pi_Bed_1-[0-9a-f]{8}\.db$/);
  });
});

describe("driver help", () => {
  it("gives each I2C chip its own default address (MAX30102 0x57, MAX30205 0x48, MLX90614 0x5a)", () => {
    const help = describeDrivers();
    const block = (name: string) =>
      help.split(/\n(?= {2}\S)/).find((b) => b.trimStart().startsWith(`${name}:`)) ?? "";
    expect(block("max30102")).toContain("default 0x57");
    expect(block("max30205")).toContain("default 0x48");
    expect(block("mlx90614")).toContain("default 0x5a");
  });
});
