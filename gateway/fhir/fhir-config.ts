import { z } from "zod";
import { secretRefSchema } from "../notify/config.js";

export const fhirPushSchema = z
  .object({
    /** The FHIR server's base: transaction Bundles are POSTed here. */
    baseUrl: z.string().url(),
    /** Bearer token or basic credentials, from the environment or a file (never the config itself). */
    auth: z
      .union([
        z.object({ bearer: secretRefSchema }).strict(),
        z
          .object({ basic: z.object({ username: z.string().min(1), password: secretRefSchema }).strict() })
          .strict(),
      ])
      .optional(),
    /** Readings per transaction Bundle. */
    batchSize: z.number().int().min(1).max(500).default(50),
    timeoutMs: z.number().int().positive().default(15_000),
    retry: z
      .object({
        baseDelayMs: z.number().int().positive().default(1_000),
        maxDelayMs: z.number().int().positive().default(60_000),
        /** 5xx/429 answers before a Bundle is dead-lettered (4xx dead-letters at once). */
        maxAttempts: z.number().int().positive().default(20),
      })
      .prefault({}),
  })
  .strict();

export const fhirConfigSchema = z
  .object({
    push: fhirPushSchema.optional(),
    /** Patient.identifier.system of patient ids (the hospital's MRN system). */
    patientIdentifierSystem: z.string().min(1).default("urn:vitals:patient"),
    /** _count when a search gives none, and the most it may ask for. */
    defaultCount: z.number().int().min(1).default(100),
    maxCount: z.number().int().min(1).default(1_000),
  })
  .strict();

export type FhirConfig = z.infer<typeof fhirConfigSchema>;
export type FhirPushConfig = z.infer<typeof fhirPushSchema>;
