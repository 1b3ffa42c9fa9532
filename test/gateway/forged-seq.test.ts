import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { GatewayLink } from "../../sensors/link/gateway-link.js";
import { MemoryOutbox } from "../../sensors/link/outbox.js";
import { connectNode } from "../harness/gateway.js";
import { type GatewayProcess, spawnGateway } from "../harness/gateway-process.js";
import { vitals } from "../support/frames.js";

/**
 * The forged-seq attack of the integrity issue, black-box against a real `vitals gateway` process:
 * one line with an existing node id and seq 2^53−1 used to make every later reading of the real node
 * "a resend" — acknowledged and discarded — and the poison survived restarts.
 */
const MAX = Number.MAX_SAFE_INTEGER;
let gw: GatewayProcess | undefined;
let link: GatewayLink | undefined;
afterEach(async () => {
  await link?.stop();
  link = undefined;
  gw?.child.kill("SIGKILL");
  await gw?.exited;
  gw = undefined;
});

function rows(dataDir: string, node: string): { boot: string; seq: number; hr: number }[] {
  const db = new Database(join(dataDir, "vitals.db"), { readonly: true });
  try {
    return db.prepare("SELECT boot, seq, hr FROM readings WHERE node = ? ORDER BY boot, seq").all(node) as {
      boot: string;
      seq: number;
      hr: number;
    }[];
  } finally {
    db.close();
  }
}

async function forge(port: number, node: string, seq: number, boot?: string) {
  const evil = await connectNode(port, { node, bed: "Bed-1", ...(boot ? { boot } : {}) });
  evil.send(vitals(seq, { hr: 150, t: 1_700_000_000_000 }));
  return evil;
}

describe("forged and glitched seqs (black-box, real gateway process)", () => {
  it("an old client without boot: a forged seq 2^53−1 is refused, a forged jump cannot swallow later readings", async () => {
    gw = await spawnGateway({ limits: { maxSeqJump: 1_000 } });
    const honest = await connectNode(gw.tcpPort, { node: "pi-1", bed: "Bed-1" });
    for (let s = 1; s <= 5; s++) honest.send(vitals(s, { hr: 60 + s }));
    await honest.waitAck(5);

    const extreme = await forge(gw.tcpPort, "pi-1", MAX);
    expect(await extreme.waitError("bad_seq")).toMatchObject({ code: "bad_seq", seq: MAX });
    await extreme.closed;
    // Within the jump limit a forged line is stored (no credential can tell it apart yet), but it
    // only leaves a gap: the real node's readings below it are new, not resends.
    const near = await forge(gw.tcpPort, "pi-1", 905);
    await near.waitAck(905);
    near.close();

    const back = await connectNode(gw.tcpPort, { node: "pi-1", bed: "Bed-1" });
    expect(back.frames[0]).toMatchObject({ type: "welcome", last_seq: 905 });
    for (let s = 6; s <= 10; s++) back.send(vitals(s, { hr: 60 + s }));
    await back.waitAck(10);
    back.close();

    const stored = rows(gw.dataDir, "pi-1");
    expect(stored.filter((r) => r.seq <= 10)).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ boot: "", seq: i + 1, hr: 61 + i })),
    );
    expect(stored.filter((r) => r.seq > 10).map((r) => r.seq)).toEqual([905]);

    // Nothing of the refused seq persisted: after kill -9 the space still ends at 905.
    gw.child.kill("SIGKILL");
    await gw.exited;
    gw = await spawnGateway({ limits: { maxSeqJump: 1_000 } }, gw.dataDir);
    const again = await connectNode(gw.tcpPort, { node: "pi-1", bed: "Bed-1" });
    expect(again.frames[0]).toMatchObject({ type: "welcome", last_seq: 905 });
    again.close();
  });

  it("the project's own link keeps storing every reading exactly once through forged lines for its node id", async () => {
    gw = await spawnGateway();
    const outbox = new MemoryOutbox();
    link = new GatewayLink({
      host: "127.0.0.1",
      port: gw.tcpPort,
      hello: { node: "pi-2", bed: "Bed-1" },
      outbox,
      backoff: { initialMs: 20, maxMs: 100 },
    });
    link.start();
    for (let i = 0; i < 5; i++) link.record({ hr: 70 + i, spo2: 97, temp: 36.6 });
    await expect.poll(() => link?.acked, { timeout: 5_000 }).toBe(5);
    // The attacker takes over the connection (same node id) with the unnamed space and with a guessed boot.
    (await forge(gw.tcpPort, "pi-2", MAX)).close();
    (await forge(gw.tcpPort, "pi-2", 6, "guessed")).close();
    for (let i = 5; i < 10; i++) link.record({ hr: 70 + i, spo2: 97, temp: 36.6 });
    await expect.poll(() => outbox.size, { timeout: 10_000 }).toBe(0);
    const mine = rows(gw.dataDir, "pi-2").filter((r) => r.boot === outbox.boot);
    expect(mine).toEqual(
      Array.from({ length: 10 }, (_, i) => ({ boot: outbox.boot, seq: i + 1, hr: 70 + i })),
    );
  });
});
