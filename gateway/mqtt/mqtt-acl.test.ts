import { describe, expect, it } from "vitest";
import { MqttAccessControl } from "./mqtt-acl.js";
import { mqttConfigSchema } from "./mqtt-config.js";
import { hashPassword, verifyPassword } from "./password-hash.js";

const config = mqttConfigSchema.parse({
  nodes: [
    { username: "n1", passwordHash: hashPassword("pw-1"), ward: "icu", bed: "ICU/3" },
    { username: "n2", passwordEnv: "PW_N2", ward: "icu", bed: "Bed-2", patient: "P2" },
  ],
  observers: [{ username: "obs", passwordEnv: "PW_OBS" }],
});
const acl = new MqttAccessControl(config, { PW_N2: "pw-2", PW_OBS: "pw-obs" });
const pw = (s: string) => Buffer.from(s);

describe("MQTT node authentication", () => {
  it("accepts the right password (hash or env) and refuses everything else", async () => {
    expect(await acl.authenticate("c", "n1", pw("pw-1"))).toEqual({
      kind: "node",
      node: "n1",
      ward: "icu",
      bed: "ICU/3",
      patient: null,
    });
    expect(await acl.authenticate("c", "n2", pw("pw-2"))).toMatchObject({ kind: "node", patient: "P2" });
    expect(await acl.authenticate("c", "obs", pw("pw-obs"))).toEqual({ kind: "observer", name: "obs" });
    expect(await acl.authenticate("c", "n1", pw("pw-2"))).toBeUndefined();
    expect(await acl.authenticate("c", "n2", pw(""))).toBeUndefined();
    expect(await acl.authenticate("c", "n2", undefined)).toBeUndefined();
    expect(await acl.authenticate("c", "ghost", pw("pw-1"))).toBeUndefined();
    expect(await acl.authenticate("c", undefined, undefined)).toBeUndefined();
  });

  it("refuses an env-password account whose variable is unset or empty", async () => {
    const bare = new MqttAccessControl(config, { PW_N2: "" });
    expect(await bare.authenticate("c", "n2", pw(""))).toBeUndefined();
    expect(await bare.authenticate("c", "obs", pw("undefined"))).toBeUndefined();
  });

  it("verifies scrypt hashes and rejects tampered or malformed ones", async () => {
    const h = hashPassword("s3cret");
    expect(await verifyPassword("s3cret", h)).toBe(true);
    expect(await verifyPassword("s3cret!", h)).toBe(false);
    expect(await verifyPassword("s3cret", h.replace(/\$[^$]+$/, "$AAAA"))).toBe(false);
    expect(await verifyPassword("s3cret", "scrypt$99999999$8$1$AAAA$AAAA")).toBe(false);
    expect(await verifyPassword("s3cret", "plain")).toBe(false);
  });
});

describe("MQTT topic ACLs", () => {
  const n1 = { kind: "node", node: "n1", ward: "icu", bed: "ICU/3", patient: null } as const;
  const obs = { kind: "observer", name: "obs" } as const;
  const anon = { kind: "anonymous", node: "lab" } as const;

  it("lets a node publish readings and status for its own bed only", () => {
    expect(acl.canPublish(n1, "vitals/icu/ICU%2F3/reading")).toBe(true);
    expect(acl.canPublish(n1, "vitals/icu/ICU%2F3/node")).toBe(true);
    expect(acl.canPublish(n1, "vitals/icu/Bed-2/reading")).toBe(false);
    expect(acl.canPublish(n1, "vitals/er/ICU%2F3/reading")).toBe(false);
    expect(acl.canPublish(n1, "vitals/icu/ICU%2F3/state")).toBe(false);
    expect(acl.canPublish(n1, "vitals/icu/ICU%2F3/alarm")).toBe(false);
    expect(acl.canPublish(n1, "$SYS/x")).toBe(false);
    expect(acl.canPublish(obs, "vitals/icu/Bed-2/reading")).toBe(false);
    expect(acl.canPublish(anon, "vitals/lab/Bed-9/reading")).toBe(true);
    expect(acl.canPublish(anon, "vitals/lab/Bed-9/state")).toBe(false);
  });

  it("lets a node subscribe to its own bed's topics, observers to everything under vitals/", () => {
    expect(acl.canSubscribe(n1, "vitals/icu/ICU%2F3/#")).toBe(true);
    expect(acl.canSubscribe(n1, "vitals/icu/ICU%2F3/state")).toBe(true);
    expect(acl.canSubscribe(n1, "vitals/icu/+/state")).toBe(false);
    expect(acl.canSubscribe(n1, "vitals/#")).toBe(false);
    expect(acl.canSubscribe(n1, "vitals/icu/ICU%2F3/state/x")).toBe(false);
    expect(acl.canSubscribe(n1, "#")).toBe(false);
    expect(acl.canSubscribe(obs, "vitals/#")).toBe(true);
    expect(acl.canSubscribe(obs, "vitals/+/+/alarm")).toBe(true);
    expect(acl.canSubscribe(obs, "#")).toBe(false);
    expect(acl.canSubscribe(obs, "$SYS/#")).toBe(false);
  });
});
