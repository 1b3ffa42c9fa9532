import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { encodeFrame } from "../../core/protocol/codec.js";
import { hashPassword } from "../../gateway/mqtt/password-hash.js";
import type { TestConfig } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

/** Accounts used by the MQTT tests: node-1 (password from env), node-2 (scrypt hash), an observer. */
export const NODE1 = {
  username: "node-1",
  password: "node-1-secret",
  ward: "icu",
  bed: "Bed-1",
  patient: "P1",
};
export const NODE2 = { username: "node-2", password: "node-2-secret", ward: "icu", bed: "Bed-2" };
export const STATION = { username: "station", password: "station-secret" };
export const MQTT_ENV = { MQTT_PW_NODE1: NODE1.password, MQTT_PW_STATION: STATION.password };

export function mqttTestConfig(over: Record<string, unknown> = {}): TestConfig["mqtt"] {
  return {
    port: 0,
    ward: "icu",
    stateIntervalMs: 20,
    nodes: [
      {
        username: NODE1.username,
        passwordEnv: "MQTT_PW_NODE1",
        ward: NODE1.ward,
        bed: NODE1.bed,
        patient: NODE1.patient,
      },
      {
        username: NODE2.username,
        passwordHash: hashPassword(NODE2.password),
        ward: NODE2.ward,
        bed: NODE2.bed,
      },
    ],
    observers: [{ username: STATION.username, passwordEnv: "MQTT_PW_STATION" }],
    ...over,
  };
}

/** Connects an mqtt.js client and waits for CONNACK (rejects on refusal). */
export async function connectClient(url: string, opts: IClientOptions = {}): Promise<MqttClient> {
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...opts });
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("error", (e) => {
      c.end(true);
      reject(e);
    });
    c.once("close", () => reject(new Error("closed before CONNACK")));
  });
  return c;
}

/** Collects messages per topic for a client. */
export function collect(c: MqttClient): { topic: string; payload: string; retain: boolean }[] {
  const got: { topic: string; payload: string; retain: boolean }[] = [];
  c.on("message", (topic, payload, packet) =>
    got.push({ topic, payload: payload.toString(), retain: packet.retain }),
  );
  return got;
}

/** A vitals frame as an MQTT reading payload (one protocol line). */
export function reading(seq: number, v: Parameters<typeof vitals>[1] = {}): string {
  return encodeFrame(vitals(seq, v));
}
