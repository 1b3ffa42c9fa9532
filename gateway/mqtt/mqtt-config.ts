import { z } from "zod";

const port = z.number().int().min(0).max(65535);
const id = z.string().min(1).max(64);

/**
 * A password in the config file is an scrypt hash (`scrypt$<N>$<r>$<p>$<salt b64>$<key b64>`,
 * made by `hashPassword`), or the name of an environment variable holding the plain secret.
 */
const secret = {
  passwordHash: z
    .string()
    .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, "expected an scrypt$… hash")
    .optional(),
  passwordEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .optional(),
};

const mqttNodeAccountSchema = z
  .object({
    /** MQTT username; it is also the node id its readings are stored under. */
    username: id,
    ...secret,
    ward: id,
    bed: id,
    patient: id.optional(),
  })
  .strict()
  .refine((a) => a.passwordHash || a.passwordEnv, "a node needs passwordHash or passwordEnv");

const mqttObserverAccountSchema = z
  .object({ username: id, ...secret })
  .strict()
  .refine((a) => a.passwordHash || a.passwordEnv, "an observer needs passwordHash or passwordEnv");

/** The `mqtt` section of the gateway config (docs/mqtt.md). */
export const mqttConfigSchema = z
  .object({
    /** embedded: aedes inside the gateway; external: a client of an existing broker; off. */
    mode: z.enum(["embedded", "external", "off"]).default("embedded"),
    /** The ward this gateway serves: topics of gateway-only TCP nodes, and what external mode subscribes to. */
    ward: id.default("ward"),
    /** Embedded broker's MQTT/TCP port (0 = any free port). Listens on the gateway's `host`. */
    port: port.default(1883),
    /** MQTT over WebSocket at ws://<http host>/mqtt on the gateway's HTTP server. */
    websocket: z.boolean().default(true),
    /** MQTT over TLS (embedded broker), when certificate and key files are given. */
    tls: z
      .object({ port: port.default(8883), certFile: z.string().min(1), keyFile: z.string().min(1) })
      .strict()
      .optional(),
    /** Lab only: accept nodes without credentials (they may publish for any bed). */
    anonymous: z.boolean().default(false),
    nodes: z.array(mqttNodeAccountSchema).default([]),
    /** Accounts that may subscribe to every vitals topic (a central station, a logger). */
    observers: z.array(mqttObserverAccountSchema).default([]),
    /** How often the retained state of a changed bed is republished, at most. */
    stateIntervalMs: z.number().int().min(10).max(60_000).default(500),
    external: z
      .object({
        /** mqtt://host:1883, mqtts://…, ws://… */
        url: z.string().url(),
        username: z.string().min(1).optional(),
        /** Environment variable holding the gateway's broker password. */
        passwordEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .optional(),
        clientId: z.string().min(1).max(64).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((m) => m.mode !== "external" || m.external, {
    message: 'mode "external" needs mqtt.external.url',
    path: ["external"],
  });

export type MqttConfig = z.infer<typeof mqttConfigSchema>;
