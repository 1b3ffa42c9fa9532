import { z } from "zod";

/**
 * A secret is never written in the config itself: it names an environment variable or a file that only
 * the gateway's user can read (checked when it is loaded, see secrets.ts).
 */
export const secretRefSchema = z.union([
  z.object({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name") }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof secretRefSchema>;

/** Recipients per ward; "*" is used for wards without their own list (and for events without a ward). */
const recipientsSchema = z.record(z.string().min(1), z.array(z.string().min(1))).default({});

const common = {
  enabled: z.boolean().default(true),
  recipients: recipientsSchema,
  /** Sends per minute on this channel (provider quotas); excess waits, it is not dropped. */
  maxPerMinute: z.number().int().positive().optional(),
  /** Time-out of one delivery attempt. */
  timeoutMs: z.number().int().positive().default(10_000),
};

const whatsappCloudSchema = z
  .object({
    type: z.literal("whatsapp_cloud"),
    ...common,
    apiBaseUrl: z.url().default("https://graph.facebook.com"),
    apiVersion: z
      .string()
      .regex(/^v\d+\.\d+$/)
      .default("v21.0"),
    phoneNumberId: z.string().min(1),
    accessToken: secretRefSchema,
    /**
     * Business-initiated messages outside a 24-hour customer-service window must be approved templates;
     * without `template` a free-form text message is sent (only delivered inside that window).
     */
    template: z
      .object({
        name: z.string().min(1),
        language: z.string().min(2).default("en"),
        /** Message fields filling the template's body variables {{1}}, {{2}}, … in order. */
        parameters: z
          .array(z.enum(["title", "text", "priority", "ward", "bed", "summary", "time", "link"]))
          .default(["priority", "ward", "bed", "summary", "link"]),
      })
      .strict()
      .optional(),
  })
  .strict();

const twilioSchema = z
  .object({
    type: z.literal("twilio"),
    ...common,
    apiBaseUrl: z.url().default("https://api.twilio.com"),
    accountSid: z.string().min(1),
    /** Basic-auth user when an API key is used instead of the account's auth token. */
    apiKeySid: z.string().min(1).optional(),
    authToken: secretRefSchema,
    /** "whatsapp" prefixes both numbers with `whatsapp:`; "sms" sends them as they are. */
    mode: z.enum(["whatsapp", "sms"]).default("whatsapp"),
    from: z.string().min(1).optional(),
    messagingServiceSid: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => c.from !== undefined || c.messagingServiceSid !== undefined, {
    message: "twilio needs `from` or `messagingServiceSid`",
  });

const smtpSchema = z
  .object({
    type: z.literal("smtp"),
    ...common,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** "tls": implicit TLS (port 465); "starttls": upgrade is required; "none": only for a local relay. */
    security: z.enum(["tls", "starttls", "none"]).default("starttls"),
    rejectUnauthorized: z.boolean().default(true),
    auth: z
      .object({ user: z.string().min(1), pass: secretRefSchema })
      .strict()
      .optional(),
    from: z.string().min(3),
  })
  .strict();

const ntfySchema = z
  .object({
    type: z.literal("ntfy"),
    ...common,
    /** Recipients are topic names on this server. */
    serverUrl: z.url().default("https://ntfy.sh"),
    token: secretRefSchema.optional(),
  })
  .strict();

const webhookSchema = z
  .object({
    type: z.literal("webhook"),
    ...common,
    /** Recipients are URLs. */
    secret: secretRefSchema,
    signatureHeader: z.string().min(1).default("X-Vitals-Signature"),
    timestampHeader: z.string().min(1).default("X-Vitals-Timestamp"),
  })
  .strict();

export const channelConfigSchema = z.discriminatedUnion("type", [
  whatsappCloudSchema,
  twilioSchema,
  smtpSchema,
  ntfySchema,
  webhookSchema,
]);
export type ChannelConfig = z.infer<typeof channelConfigSchema>;

/** What may leave the hospital network in a message. */
const minimisationSchema = z.enum(["full", "no_patient_id", "bed_only"]);
export type Minimisation = z.infer<typeof minimisationSchema>;

/** The `notifications` section of the gateway configuration. Every key has a default. */
export const notificationsConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** Channels by name (the name `vitals notify test --channel` takes). */
    channels: z.record(z.string().regex(/^[A-Za-z0-9_-]+$/), channelConfigSchema).default({}),
    minimisation: minimisationSchema.default("bed_only"),
    /** IANA time zone for times in messages. */
    timeZone: z
      .string()
      .min(1)
      .refine(
        (tz) => {
          try {
            new Intl.DateTimeFormat("en", { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        },
        { message: "not an IANA time zone (e.g. Europe/Berlin)" },
      )
      .default("UTC"),
    rateLimit: z
      .object({
        /** One notification per patient per window; a higher priority still goes (the original design: 60 s). */
        perPatientWindowMs: z.number().int().nonnegative().default(60_000),
        /** Default sends per minute per channel when the channel sets no maxPerMinute. */
        perChannelPerMinute: z.number().int().positive().default(30),
      })
      .prefault({}),
    digest: z
      .object({
        enabled: z.boolean().default(true),
        /** More than this many patients of one ward alarming within windowMs → one digest instead. */
        patientThreshold: z.number().int().positive().default(3),
        windowMs: z.number().int().positive().default(60_000),
        /** How long a digest collects beds before it is sent. */
        holdMs: z.number().int().nonnegative().default(10_000),
      })
      .prefault({}),
    retry: z
      .object({
        /** Attempts before a notification is dead-lettered. */
        maxAttempts: z.number().int().positive().default(8),
        baseDelayMs: z.number().int().positive().default(2_000),
        maxDelayMs: z.number().int().positive().default(300_000),
        /** Fraction of each delay that is randomised (0 = none, 1 = full jitter). */
        jitter: z.number().min(0).max(1).default(0.5),
        /** Longest Retry-After honoured; a provider asking for more is retried after this. */
        maxRetryAfterMs: z.number().int().positive().default(3_600_000),
      })
      .prefault({}),
  })
  .strict();

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
export type NotificationsConfigInput = z.input<typeof notificationsConfigSchema>;
