import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeFrame } from "../../core/protocol/codec.js";
import type { GatewayFrame } from "../../core/protocol/frames.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

/**
 * For random interleavings of honest nodes (restarts, reconnects, duplicated, swapped and resent
 * lines) and hostile lines that use their node ids with extreme or nearby seqs, every (node, boot,
 * seq) an honest node got acknowledged is stored exactly once — with the honest node's own reading
 * when the node names its boot. Real sockets on loopback, one gateway for all runs.
 */
const MAX_JUMP = 50;
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    // Every run uses new beds on this one open gateway: more than limits.maxBedsWithoutAuth.
    config: {
      limits: { maxSeqJump: MAX_JUMP, maxErrors: 1_000, maxBedsWithoutAuth: 1e6 },
      alarmEngine: false,
    },
  });
});
afterAll(() => gw.stop());

type Op =
  | { op: "send" | "dup" | "swap" | "reconnect" | "restart"; who: number }
  | { op: "resend"; who: number; back: number }
  | { op: "hostile"; who: number; guessBoot: boolean; seq: "max" | "zero" | "huge" | "near"; near: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant("send" as const), who: fc.nat(2) }) },
  fc.record({ op: fc.constantFrom("dup" as const, "swap" as const), who: fc.nat(2) }),
  fc.record({ op: fc.constantFrom("reconnect" as const, "restart" as const), who: fc.nat(2) }),
  fc.record({ op: fc.constant("resend" as const), who: fc.nat(2), back: fc.nat(6) }),
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("hostile" as const),
      who: fc.nat(2),
      guessBoot: fc.boolean(),
      seq: fc.constantFrom("max" as const, "zero" as const, "huge" as const, "near" as const),
      near: fc.integer({ min: -3, max: 2 * MAX_JUMP }),
    }),
  },
);

interface Honest {
  node: string;
  /** Node 2 is an old client: no boot, never restarts (the unnamed seq space). */
  booted: boolean;
  boot: string;
  boots: number;
  next: number;
  /** Per boot: seq → the reading's identity (its t). */
  sent: Map<string, Map<number, number>>;
  conns: { boot: string; n: TestNode }[];
  conn: TestNode | undefined;
}

let readingId = 0;
const line = (seq: number, t: number) => encodeFrame(vitals(seq, { t, spo2: 97 }));

const ackOf = (frames: GatewayFrame[]) =>
  frames.reduce((m, f) => (f.type === "ack" && f.seq > m ? f.seq : m), 0);
const acked = (h: Honest, boot: string) =>
  h.conns.filter((c) => c.boot === boot).reduce((m, c) => Math.max(m, ackOf(c.n.frames)), 0);

async function open(h: Honest): Promise<TestNode> {
  const live = h.conn && !h.conn.socket.destroyed && h.conn.socket.writable;
  if (live) return h.conn as TestNode;
  const n = await connectNode(gw.tcpPort, {
    node: h.node,
    bed: `bed-${h.node}`,
    ...(h.booted ? { boot: h.boot } : {}),
  });
  h.conn = n;
  h.conns.push({ boot: h.boot, n });
  // A (re)connected node sends again everything of its boot not acknowledged.
  const mine = h.sent.get(h.boot) as Map<number, number>;
  const ack = acked(h, h.boot);
  let text = "";
  for (const [seq, t] of [...mine].sort((a, b) => a[0] - b[0])) if (seq > ack) text += line(seq, t);
  if (text) n.send(text);
  return n;
}

function take(h: Honest): [number, number] {
  const seq = h.next++;
  const t = 1_700_000_000_000 + ++readingId;
  (h.sent.get(h.boot) as Map<number, number>).set(seq, t);
  return [seq, t];
}

async function run(ops: Op[], runId: number): Promise<void> {
  const honest: Honest[] = [0, 1, 2].map((i) => {
    const boot = `r${runId}b0`;
    return {
      node: `r${runId}-n${i}`,
      booted: i < 2,
      boot,
      boots: 0,
      next: 1,
      sent: new Map([[boot, new Map()]]),
      conns: [],
      conn: undefined,
    };
  });
  for (const o of ops) {
    const h = honest[o.who] as Honest;
    switch (o.op) {
      case "send":
      case "dup": {
        const n = await open(h);
        const [seq, t] = take(h);
        n.send(o.op === "dup" ? line(seq, t) + line(seq, t) : line(seq, t));
        break;
      }
      case "swap": {
        const n = await open(h);
        const a = take(h);
        const b = take(h);
        n.send(line(...b) + line(...a));
        break;
      }
      case "resend": {
        const n = await open(h);
        const seq = h.next - 1 - o.back;
        const t = (h.sent.get(h.boot) as Map<number, number>).get(seq);
        if (t !== undefined) n.send(line(seq, t));
        break;
      }
      case "reconnect":
        h.conn?.close();
        h.conn = undefined;
        break;
      case "restart": {
        if (!h.booted) break;
        // A new queue: the unacknowledged readings of the old boot are renumbered from 1 in a new one.
        const old = h.sent.get(h.boot) as Map<number, number>;
        const ack = acked(h, h.boot);
        const keep = [...old].filter(([s]) => s > ack).sort((a, b) => a[0] - b[0]);
        h.conn?.close();
        h.conn = undefined;
        h.boot = `r${runId}b${++h.boots}-${h.node}`;
        h.sent.set(h.boot, new Map(keep.map(([, t], i) => [i + 1, t])));
        h.next = keep.length + 1;
        break;
      }
      case "hostile": {
        const evil = await connectNode(gw.tcpPort, {
          node: h.node,
          bed: "evil",
          ...(o.guessBoot ? { boot: `guess-${runId}` } : {}),
        });
        const seq = {
          max: Number.MAX_SAFE_INTEGER,
          zero: 0,
          huge: 2 ** 40,
          near: Math.max(0, h.next + o.near),
        }[o.seq];
        evil.send(`${encodeFrame(vitals(seq, { t: 1, hr: 150, spo2: 80, temp: 39 }))}not json\n`);
        evil.close();
        break;
      }
    }
  }
  // Settle: every honest node reconnects and resends until everything it sent is acknowledged.
  for (const h of honest) {
    h.conn?.close();
    h.conn = undefined;
    const n = await open(h);
    const top = h.next - 1;
    // Generous: both cores may be busy; the property is about what is stored, not how fast.
    if (top > acked(h, h.boot)) await n.waitAck(top, 30_000);
    n.close();
  }
  const db = gw.gateway.store.db;
  for (const h of honest) {
    for (const [boot, sent] of h.sent) {
      const ack = acked(h, boot);
      const rows = db
        .prepare("SELECT seq, t FROM readings WHERE node = ? AND boot = ? ORDER BY seq")
        .all(h.node, h.booted ? boot : "") as { seq: number; t: number }[];
      for (const [seq, t] of sent) {
        if (seq > ack) continue;
        const copies = rows.filter((r) => r.seq === seq);
        expect(copies.length, `${h.node} boot ${boot} seq ${seq}`).toBe(1);
        if (h.booted) expect(copies[0]?.t, `${h.node} boot ${boot} seq ${seq} content`).toBe(t);
      }
    }
  }
}

describe("seq integrity under interleavings of honest and hostile lines (property, real sockets)", () => {
  it("every acknowledged reading of an honest node is stored exactly once", async () => {
    let runId = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 40 }), (ops) => run(ops, ++runId)),
      { numRuns: 150 },
    );
  }, 120_000);
});
