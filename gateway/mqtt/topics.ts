import { z } from "zod";
import type { AlarmTopicView, BedView } from "../../core/api-types.js";
import type { ErrorFrame, VitalsFrame } from "../../core/protocol/frames.js";

/**
 * The MQTT topics of a ward, typed by payload: one map shared by the bridge, the tests and
 * docs/mqtt.md (after zigbee2mqtt's topic-keyed API interface). Every topic is
 * `vitals/<ward>/<bed>/<kind>`.
 */
export interface MqttPayloads {
  /** node → gateway, QoS 1: a protocol-v1 vitals frame (seq increasing per node). */
  reading: VitalsFrame;
  /** node → everyone, retained; the node's last will sets it to offline. */
  node: NodeStatus;
  /** gateway → everyone, retained: the bed as the dashboard sees it. */
  state: BedView;
  /** gateway → everyone: every alarm event (raised, acknowledged, escalated, cleared…) and the bed's status. */
  alarm: AlarmTopicView;
  /** gateway → the node and observers: a reading that was acknowledged but rejected. */
  error: ErrorFrame;
}
export type TopicKind = keyof MqttPayloads;

export const MQTT_TOPICS: {
  readonly [K in TopicKind]: { from: "node" | "gateway"; retained: boolean; qos: 0 | 1 };
} = {
  reading: { from: "node", retained: false, qos: 1 },
  node: { from: "node", retained: true, qos: 1 },
  state: { from: "gateway", retained: true, qos: 1 },
  alarm: { from: "gateway", retained: false, qos: 1 },
  error: { from: "gateway", retained: false, qos: 0 },
};

export const TOPIC_ROOT = "vitals";

/** Hello-like metadata a node publishes (retained) when it comes online. */
const nodeStatusSchema = z.union([
  z.object({
    status: z.literal("online"),
    patient: z.string().min(1).max(64).optional(),
    fw: z.string().max(32).optional(),
    proto: z.number().int().optional(),
    /** The node's seq space, as in a TCP hello (docs/protocol.md). */
    boot: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._:-]+$/)
      .optional(),
  }),
  z.object({ status: z.literal("offline") }),
]);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

/** Parses a node status payload: the JSON object, or a bare `online`/`offline` (what most wills carry). */
export function decodeNodeStatus(payload: Buffer | string): NodeStatus | undefined {
  const text = payload.toString().trim();
  if (text === "online" || text === "offline") return { status: text };
  try {
    const r = nodeStatusSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ward and bed ids may contain characters MQTT reserves in topic levels (`/`, `+`, `#`): those,
 * and `%`, are percent-encoded so a level always maps back to exactly one id.
 */
export function encodeLevel(id: string): string {
  return id.replace(/[%/+#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function decodeLevel(level: string): string | undefined {
  if (/[+#]/.test(level)) return undefined;
  try {
    return decodeURIComponent(level);
  } catch {
    return undefined;
  }
}

export function topicFor<K extends TopicKind>(kind: K, ward: string, bed: string): string {
  return `${TOPIC_ROOT}/${encodeLevel(ward)}/${encodeLevel(bed)}/${kind}`;
}

/** The subscription filter for one kind of topic across a ward (`+` bed). */
export function wardFilter(kind: TopicKind, ward: string): string {
  return `${TOPIC_ROOT}/${encodeLevel(ward)}/+/${kind}`;
}

export interface ParsedTopic {
  ward: string;
  bed: string;
  kind: TopicKind;
}

/** Splits a concrete topic into ward, bed and kind; undefined for anything outside the scheme. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const parts = topic.split("/");
  if (parts.length !== 4 || parts[0] !== TOPIC_ROOT) return undefined;
  const kind = parts[3] as string;
  if (!Object.hasOwn(MQTT_TOPICS, kind)) return undefined;
  const ward = decodeLevel(parts[1] as string);
  const bed = decodeLevel(parts[2] as string);
  if (!ward || !bed) return undefined;
  return { ward, bed, kind: kind as TopicKind };
}
