import { z } from "zod";
import {
  type FrameValues,
  type KeyOf,
  PARAMETERS,
  type ParameterList,
  type ParameterValues,
} from "../parameters.js";
import {
  FLAG_PATTERN,
  type GatewayFrame,
  type HelloFrame,
  type LegacyFrame,
  MAX_FLAGS,
  type NodeFrame,
  RR_SOURCES,
  type RrSource,
  SOUND_PRIORITIES,
  type VitalParameter,
  type VitalsFrame,
  WIRE_ERROR_CODES,
  type WireErrorCode,
} from "./frames.js";
import { MAX_LABEL_LENGTH, normalizeLabel } from "./label.js";

/** What one line from a node decodes to: a frame, or the reason it was rejected. */
export type NodeLine =
  | { kind: "hello"; frame: HelloFrame }
  | { kind: "vitals"; frame: VitalsFrame }
  | { kind: "legacy"; frame: LegacyFrame }
  | { kind: "ping" }
  | { kind: "pong" }
  | {
      kind: "rejected";
      code: WireErrorCode;
      message: string;
      seq?: number;
      /** For bad_value: the offending parameter and value, so the gateway can raise a technical alarm. */
      parameter?: VitalParameter;
      value?: number;
    };

export type GatewayLine = { kind: "frame"; frame: GatewayFrame } | { kind: "rejected"; message: string };

/** A node, bed, patient or ward label, normalised (see normalizeLabel); look-alikes are refused. */
const id = z
  .string()
  .max(4 * MAX_LABEL_LENGTH)
  .transform((raw, ctx) => {
    const r = normalizeLabel(raw);
    if ("label" in r) return r.label;
    ctx.addIssue({ code: "custom", message: r.error });
    return z.NEVER;
  });
const value = z.number().finite().nullable();
const optValue = value.optional();
const flag = z.string().regex(FLAG_PATTERN, "lower-case word");

const helloSchema = z.object({
  type: z.literal("hello"),
  proto: z.number().int(),
  node: id,
  bed: id,
  patient: id.optional(),
  ward: id.optional(),
  fw: z.string().max(32).optional(),
  token: z.string().max(256).optional(),
  boot: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, "letters, digits and . _ : - only")
    .optional(),
});

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One zod field per parameter: a required one must be present (a number or null), others may be absent. */
type ValueFields<P extends ParameterList> = {
  [S in P[number] as S["key"]]: S["required"] extends true ? typeof value : typeof optValue;
};

/** The reference validation of a vitals frame carrying `params`. */
export function vitalsSchemaFor<P extends ParameterList>(params: P) {
  const fields = Object.fromEntries(params.map((p) => [p.key, p.required ? value : optValue]));
  return z.object({
    type: z.literal("vitals"),
    seq,
    t: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    ...(fields as ValueFields<P>),
    rr_src: z.enum(RR_SOURCES).optional(),
    flags: z.array(flag).max(MAX_FLAGS).optional(),
  });
}
export const vitalsSchema = vitalsSchemaFor(PARAMETERS);

/** The original design sent numbers, but some of its clients sent numeric strings: accept both. */
const legacyValue = z.union([
  z.number().finite(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const legacySchema = z.object({
  patient_id: z.union([id, z.number().int().transform(String)]),
  bed_no: z.union([id, z.number().int().transform(String)]),
  hr: legacyValue.nullable().default(null),
  spo2: legacyValue.nullable().default(null),
  temp: legacyValue.nullable().default(null),
});

const gatewaySchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("welcome"),
    proto: z.number().int(),
    heartbeat_ms: z.number().int().positive(),
    last_seq: seq.optional(),
    max_lines_per_s: z.number().positive().optional(),
  }),
  z.object({ type: z.literal("ack"), seq }),
  z.object({
    type: z.literal("error"),
    code: z.enum(WIRE_ERROR_CODES),
    message: z.string(),
    seq: seq.optional(),
  }),
  z.object({ type: z.literal("ping") }),
  z.object({ type: z.literal("pong") }),
  z.object({ type: z.literal("alarm"), priority: z.enum(SOUND_PRIORITIES) }),
]);

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join(".") : "frame"}: ${i.message}`)
    .join("; ");
}

function parseObject(line: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return "not valid JSON";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "not a JSON object";
  return parsed as Record<string, unknown>;
}

export interface Implausible<K extends string = VitalParameter> {
  parameter: K;
  value: number;
  message: string;
}

/** Names the first value outside its plausible range, or returns undefined. */
export function implausibility<P extends ParameterList = typeof PARAMETERS>(
  values: ParameterValues<P>,
  params: P = PARAMETERS as unknown as P,
): Implausible<KeyOf<P>> | undefined {
  const vs = values as Record<string, number | null | undefined>;
  for (const p of params) {
    const v = vs[p.key];
    if (v === null || v === undefined) continue;
    const [min, max] = p.plausible;
    if (v < min || v > max) {
      return {
        parameter: p.key,
        value: v,
        message: `${p.key} ${v} ${p.unit} is outside the plausible range ${min}–${max}`,
      };
    }
  }
  const { sbp, dbp } = vs;
  if (typeof sbp === "number" && typeof dbp === "number" && dbp >= sbp) {
    return { parameter: "dbp", value: dbp, message: `dbp ${dbp} mmHg must be below sbp ${sbp} mmHg` };
  }
  return undefined;
}

const isValue = (v: unknown): v is number | null =>
  v === null || (typeof v === "number" && Number.isFinite(v));

/** A vitals frame carrying `params` (VitalsFrame for the declared parameters). */
export type VitalsFrameOf<P extends ParameterList> = Omit<VitalsFrame, keyof FrameValues> & FrameValues<P>;

/**
 * The common case — a well-formed vitals object — checked by hand: the schema costs several times
 * more per reading at full ingest rate. Returns undefined for anything unusual, which then goes
 * through the schema (the reference, and the source of precise error messages). A property test
 * checks that the two never disagree.
 */
export function fastVitalsFor<P extends ParameterList>(
  params: P,
): (o: Record<string, unknown>) => VitalsFrameOf<P> | undefined {
  const keys = params.map((p) => p.key);
  const required = params.map((p) => p.required);
  return (o) => {
    const { seq, t } = o;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined;
    if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0) return undefined;
    const frame: Record<string, unknown> = { type: "vitals", seq, t };
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const v = o[k];
      if (v === undefined) {
        if (required[i]) return undefined;
        continue;
      }
      if (!isValue(v)) return undefined;
      frame[k] = v;
    }
    const rrSrc = o.rr_src;
    if (rrSrc !== undefined) {
      if (!RR_SOURCES.includes(rrSrc as RrSource)) return undefined;
      frame.rr_src = rrSrc;
    }
    const flags = o.flags;
    if (flags !== undefined) {
      if (!Array.isArray(flags) || flags.length > MAX_FLAGS) return undefined;
      for (const f of flags) if (typeof f !== "string" || !FLAG_PATTERN.test(f)) return undefined;
      frame.flags = flags as string[];
    }
    return frame as VitalsFrameOf<P>;
  };
}
export const fastVitals: (o: Record<string, unknown>) => VitalsFrame | undefined = fastVitalsFor(PARAMETERS);

/** Decodes one line (without its newline) sent by a node. Pure: never throws. */
export function decodeNodeLine(line: string): NodeLine {
  const obj = parseObject(line);
  if (typeof obj === "string") return { kind: "rejected", code: "bad_frame", message: obj };
  const type = obj.type;
  if (type === undefined) {
    if (!("patient_id" in obj) && !("bed_no" in obj)) {
      return { kind: "rejected", code: "bad_frame", message: 'missing "type"' };
    }
    const legacy = legacySchema.safeParse(obj);
    if (!legacy.success) return { kind: "rejected", code: "bad_frame", message: describe(legacy.error) };
    const why = implausibility(legacy.data);
    if (why) return { kind: "rejected", code: "bad_value", ...why };
    return { kind: "legacy", frame: legacy.data };
  }
  switch (type) {
    case "vitals": {
      const fast = fastVitals(obj);
      if (fast) {
        const why = implausibility(fast);
        if (why) return { kind: "rejected", code: "bad_value", ...why, seq: fast.seq };
        return { kind: "vitals", frame: fast };
      }
      const r = vitalsSchema.safeParse(obj);
      const s = typeof obj.seq === "number" && Number.isSafeInteger(obj.seq) ? { seq: obj.seq } : {};
      if (!r.success) return { kind: "rejected", code: "bad_frame", message: describe(r.error), ...s };
      const why = implausibility(r.data);
      if (why) return { kind: "rejected", code: "bad_value", ...why, ...s };
      return { kind: "vitals", frame: r.data };
    }
    case "hello": {
      const r = helloSchema.safeParse(obj);
      if (!r.success) return { kind: "rejected", code: "bad_frame", message: describe(r.error) };
      return { kind: "hello", frame: r.data };
    }
    case "ping":
      return { kind: "ping" };
    case "pong":
      return { kind: "pong" };
    default:
      return {
        kind: "rejected",
        code: "unknown_type",
        message: `unknown frame type ${JSON.stringify(type).slice(0, 40)}`,
      };
  }
}

/** Decodes one line sent by the gateway, for node-side clients. */
export function decodeGatewayLine(line: string): GatewayLine {
  const obj = parseObject(line);
  if (typeof obj === "string") return { kind: "rejected", message: obj };
  const r = gatewaySchema.safeParse(obj);
  if (!r.success) return { kind: "rejected", message: describe(r.error) };
  return { kind: "frame", frame: r.data };
}

/** Encodes any frame as one protocol line, newline included. */
export function encodeFrame(frame: NodeFrame | GatewayFrame | LegacyFrame): string {
  return `${JSON.stringify(frame)}\n`;
}
