import { createHash } from "node:crypto";

/** The protocol's id syntax (core/protocol/codec.ts). */
const ID_CHAR = /[^\p{L}\p{N} ._:/#-]/gu;
const MAX_ID = 64;

/**
 * A node id that is the same on every start of the same agent for the same bed, without any state:
 * `<hostname>/<bed>`, with characters the protocol does not allow replaced, and shortened with a
 * hash suffix when too long (so two long names that share a prefix stay distinct).
 */
export function defaultNodeId(hostname: string, bed: string): string {
  const host = hostname.split(".")[0] || "node";
  const raw = `${host}/${bed}`.replace(ID_CHAR, "-").trim() || "node";
  if (raw.length <= MAX_ID) return raw;
  const hash = createHash("sha256").update(`${hostname}\n${bed}`).digest("hex").slice(0, 8);
  return `${raw.slice(0, MAX_ID - 9)}-${hash}`;
}

/**
 * The outbox file of a node id: one queue per node, because queued frames do not carry the bed and
 * would be filed under whatever node/bed the next hello names. The hash keeps "a/b" and "a_b" apart.
 */
export function outboxFileName(id: string): string {
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 8);
  return `outbox-${id.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40)}-${hash}.db`;
}
