import { isIP } from "node:net";
import { z } from "zod";

const port = z.number().int().min(0).max(65535);

const retrySchema = z
  .object({
    baseDelayMs: z.number().int().positive().default(1_000),
    maxDelayMs: z.number().int().positive().default(60_000),
    /** Refusals (AR) before a message is dead-lettered; AE dead-letters at once; an unreachable receiver never does. */
    maxAttempts: z.number().int().positive().default(10),
  })
  .prefault({});

const clientTlsSchema = z
  .object({
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    servername: z.string().min(1).optional(),
  })
  .strict();

export const hl7OutboundSchema = z
  .object({
    host: z.string().min(1),
    port: port.refine((p) => p > 0, "port must be set"),
    /** 0: one ORU^R01 per reading; N: per monitored bed, the last reading of every N ms. */
    intervalMs: z.number().int().nonnegative().default(0),
    receivingApplication: z.string().default(""),
    receivingFacility: z.string().default(""),
    /** Send PCD-04 alarm reports (ORU^R40) on this link too. */
    alarms: z.boolean().default(true),
    ackTimeoutMs: z.number().int().positive().default(10_000),
    connectTimeoutMs: z.number().int().positive().default(5_000),
    tls: clientTlsSchema.optional(),
    retry: retrySchema,
  })
  .strict();

const LOOPBACK = (h: string) => h === "localhost" || h === "::1" || /^127\./.test(h);

export const hl7InboundSchema = z
  .object({
    port,
    /** Loopback unless TLS and an allow-list are configured. */
    host: z.string().min(1).default("127.0.0.1"),
    tls: z
      .object({
        certFile: z.string().min(1),
        keyFile: z.string().min(1),
        /** CA for client certificates; with it, clients must present one. */
        caFile: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Sending addresses (IP) allowed to connect; empty: any (loopback only). */
    allow: z.array(z.string().refine((a) => isIP(a) !== 0, "must be an IP address")).default([]),
    maxMessageBytes: z
      .number()
      .int()
      .positive()
      .max(16 << 20)
      .default(1 << 20),
    /** Connections idle this long are closed. */
    idleTimeoutMs: z.number().int().positive().default(300_000),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!LOOPBACK(c.host) && (!c.tls || c.allow.length === 0)) {
      ctx.addIssue({
        code: "custom",
        path: ["host"],
        message: "the ADT listener binds to a non-loopback address only with tls and a non-empty allow list",
      });
    }
  });

export const hl7ConfigSchema = z
  .object({
    /** MSH-3: the gateway as a sending application, with an EUI-64 (default: generated once per database) or an OID. */
    identity: z
      .object({
        application: z.string().min(1).max(20).default("VITALS"),
        facility: z.string().max(20).default(""),
        eui64: z
          .string()
          .regex(/^[0-9A-Fa-f]{16}$/, "16 hex digits")
          .optional(),
        oid: z
          .string()
          .regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, "an OID")
          .optional(),
      })
      .strict()
      .prefault({}),
    /** PID-3.4: who assigned the patient ids (the hospital's MRN authority). */
    patientAuthority: z.string().min(1).default("VITALS"),
    outbound: z.array(hl7OutboundSchema).default([]),
    inbound: hl7InboundSchema.optional(),
  })
  .strict();

export type Hl7Config = z.infer<typeof hl7ConfigSchema>;
export type Hl7OutboundConfig = z.infer<typeof hl7OutboundSchema>;
export type Hl7InboundConfig = z.infer<typeof hl7InboundSchema>;
