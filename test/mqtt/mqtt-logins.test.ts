import { connect } from "node:net";
import { MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import type { BedsResponse } from "../../core/api-types.js";
import { systemTime } from "../../core/time.js";
import { MqttAccessControl } from "../../gateway/mqtt/mqtt-acl.js";
import { mqttConfigSchema } from "../../gateway/mqtt/mqtt-config.js";
import { hashPassword } from "../../gateway/mqtt/password-hash.js";
import { topicFor } from "../../gateway/mqtt/topics.js";
import { startTestGateway, type TestGateway } from "../harness/gateway.js";
import { connectClient, MQTT_ENV, mqttTestConfig, NODE1, NODE2, reading, STATION } from "./mqtt-kit.js";

// Issue 10, item 2, MQTT: password checks off the event loop, failed logins limited per address and
// per account, one client id per account, and the account's patient over a node's own claim.

let gw: TestGateway | undefined;
const clients: MqttClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.end(true);
  await gw?.stop();
  gw = undefined;
});

/** Connects from a chosen loopback address; resolves with the client, or the CONNACK refusal. */
function login(
  from: string,
  opts: { clientId: string; username: string; password: string },
): Promise<MqttClient | Error> {
  const port = gw?.mqttPort as number;
  const c = new MqttClient(() => connect({ port, host: "127.0.0.1", localAddress: from }), {
    ...opts,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  });
  return new Promise((resolve) => {
    c.once("connect", () => {
      clients.push(c);
      resolve(c);
    });
    c.once("error", (e) => {
      c.end(true);
      resolve(e);
    });
  });
}

const refusedWith = (r: MqttClient | Error) => (r instanceof Error ? r.message : "accepted");

describe("MQTT password checks", () => {
  it("run on the thread pool: the event loop keeps turning during each, for unknown users too", async () => {
    const acl = new MqttAccessControl(
      mqttConfigSchema.parse({
        nodes: [
          { username: "hashed", passwordHash: hashPassword("pw"), ward: "w", bed: "b" },
          { username: "env", passwordEnv: "PW_ENV", ward: "w", bed: "c" },
        ],
      }),
      { PW_ENV: "env-pw" },
    );
    const cases: [string, string, boolean][] = [
      ["hashed", "pw", true],
      ["hashed", "wrong", false],
      ["env", "env-pw", true],
      ["ghost", "pw", false],
    ];
    for (const [user, pw, ok] of cases) {
      let finished = false;
      let turns = 0;
      const spin = () => {
        if (finished) return;
        turns++;
        setImmediate(spin);
      };
      setImmediate(spin);
      const p = await acl.authenticate("c", user, Buffer.from(pw));
      finished = true;
      expect(p !== undefined, user).toBe(ok);
      // A synchronous scrypt would finish before the first turn; every path runs one scrypt.
      expect(turns, `${user}/${pw}`).toBeGreaterThan(0);
    }
  });
});

describe("MQTT password check concurrency", () => {
  it("runs at most limits.maxConcurrentLoginChecks at once, queues a bounded number, refuses the rest", async () => {
    const acl = new MqttAccessControl(
      mqttConfigSchema.parse({
        nodes: [{ username: "n", passwordHash: hashPassword("pw"), ward: "w", bed: "b" }],
      }),
      {},
      { maxChecks: 1, maxWaiting: 1 },
    );
    const right = () => acl.authenticate("c", "n", Buffer.from("pw"));
    // One runs, one waits its turn, the third finds the queue full (refused, right password or not).
    const results = await Promise.all([right(), right(), right()]);
    expect(results.map((p) => p?.kind ?? "refused")).toEqual(["node", "node", "refused"]);
  });
});

describe("MQTT login limits", () => {
  it("refuses an address after too many failures, and an account except from a clean address", async () => {
    let now = Date.UTC(2026, 0, 1);
    gw = await startTestGateway({
      time: { ...systemTime, now: () => now },
      config: {
        mqtt: mqttTestConfig(),
        limits: { failedLoginsPerAddress: 3, failedLoginsPerAccount: 2, loginWindowMs: 60_000 },
      },
      env: MQTT_ENV,
    });
    const node2 = (from: string, password: string) =>
      login(from, { clientId: `c-${from}-${password}`, username: NODE2.username, password });
    expect(refusedWith(await node2("127.0.0.2", "guess-1"))).toMatch(/Bad username or password/);
    expect(refusedWith(await node2("127.0.0.2", "guess-2"))).toMatch(/Bad username or password/);
    // node-2's account has its two failures: the right password from the guessing address is refused …
    expect(refusedWith(await node2("127.0.0.2", NODE2.password))).toMatch(/Bad username or password/);
    // … but node-2 itself, from an address with no failures, gets in.
    expect(refusedWith(await node2("127.0.0.1", NODE2.password))).toBe("accepted");
    // A third failure (another account) and the address is refused outright, for every account.
    const station = (password: string) =>
      login("127.0.0.2", { clientId: `s-${password}`, username: STATION.username, password });
    expect(refusedWith(await station("guess-3"))).toMatch(/Bad username or password/);
    expect(refusedWith(await station(STATION.password))).toMatch(/Bad username or password/);
    now += 61_000;
    expect(refusedWith(await station(STATION.password))).toBe("accepted");
    expect(refusedWith(await node2("127.0.0.2", NODE2.password))).toBe("accepted");
  });
});

describe("MQTT accounts", () => {
  const url = () => `mqtt://127.0.0.1:${gw?.mqttPort}`;

  it("does not let another account take over a connected node's client id", async () => {
    gw = await startTestGateway({ config: { mqtt: mqttTestConfig() }, env: MQTT_ENV });
    const n1 = await connectClient(url(), {
      clientId: "bed-1",
      username: NODE1.username,
      password: NODE1.password,
    });
    clients.push(n1);
    const thief = login("127.0.0.1", {
      clientId: "bed-1",
      username: STATION.username,
      password: STATION.password,
    });
    expect(refusedWith(await thief)).toMatch(/Identifier rejected/);
    // node-1 is still connected and its readings are acknowledged once stored.
    await n1.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1 });
    expect(gw.gateway.store.count()).toBe(1);
    // The same account may take its own client id over (a node reconnecting before its old session died).
    const again = await connectClient(url(), {
      clientId: "bed-1",
      username: NODE1.username,
      password: NODE1.password,
    });
    clients.push(again);
    await again.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(2), { qos: 1 });
    expect(gw.gateway.store.count()).toBe(2);
  });

  it("keeps the account's configured patient when a node's status names another", async () => {
    gw = await startTestGateway({ config: { mqtt: mqttTestConfig() }, env: MQTT_ENV });
    const n1 = await connectClient(url(), {
      clientId: "n1",
      username: NODE1.username,
      password: NODE1.password,
    });
    clients.push(n1);
    await n1.publishAsync(
      topicFor("node", "icu", "Bed-1"),
      JSON.stringify({ status: "online", patient: "SOMEONE-ELSE" }),
      { qos: 1, retain: true },
    );
    await n1.publishAsync(topicFor("reading", "icu", "Bed-1"), reading(1), { qos: 1 });
    const { beds } = (await (await fetch(`${gw.url}/api/beds`)).json()) as BedsResponse;
    expect(beds.find((b) => b.bed === "Bed-1")).toMatchObject({ patient: NODE1.patient });
    const stored = gw.gateway.store.db.prepare("SELECT patient FROM readings").all();
    expect(stored).toEqual([{ patient: NODE1.patient }]);
  });
});
