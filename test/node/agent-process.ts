import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { outboxFileName } from "../../sensors/node/node-id.js";
import { watchChild } from "../support/child-output.js";

const BIN = fileURLToPath(new URL("../../bin/vitals.js", import.meta.url));

export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
  /** What the start line said was already queued. */
  restored: { pending: number; lastSeq: number };
}

/** Runs `vitals node …` as a child process and resolves once it has printed its start line. */
export async function spawnAgent(args: string[], env: Record<string, string> = {}): Promise<AgentProcess> {
  const child = spawn(process.execPath, [BIN, "node", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, VITALS_LOG_LEVEL: "warn", ...env },
  });
  const watched = watchChild(child);
  const m = await watched.started(/\((\d+) pending, last seq (\d+)\)/, "agent");
  const restored = { pending: Number(m[1]), lastSeq: Number(m[2]) };
  return { child, output: watched.output, exited: watched.exited, restored };
}

/** Stops the agent with SIGTERM (it drains for up to 5 s) and returns its final "stopped:" figures. */
export async function stopAgent(
  a: AgentProcess,
): Promise<{ lastSeq: number; pending: number; dropped: number }> {
  a.child.kill("SIGTERM");
  await a.exited;
  const m = /stopped: last seq (\d+), pending (\d+), dropped (\d+)/.exec(a.output());
  if (!m) throw new Error(`no "stopped:" line:\n${a.output()}`);
  return { lastSeq: Number(m[1]), pending: Number(m[2]), dropped: Number(m[3]) };
}

/** The agent's queue as it is on disk (read-only; fine while the agent runs, thanks to WAL). */
export function readOutbox(dataDir: string, nodeId: string): { lastSeq: number; pending: number } {
  const file = join(dataDir, outboxFileName(nodeId));
  if (!existsSync(file)) return { lastSeq: 0, pending: 0 };
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const meta = db.prepare("SELECT value FROM meta WHERE key = 'last_seq'").get() as
      | { value: number }
      | undefined;
    const n = db.prepare("SELECT count(*) AS n FROM pending").get() as { n: number };
    return { lastSeq: meta?.value ?? 0, pending: n.n };
  } finally {
    db.close();
  }
}

/** A node's readings as the gateway stored them, in the order it stored them. */
export function storedSeqs(gatewayDataDir: string, nodeId: string): number[] {
  const file = join(gatewayDataDir, "vitals.db");
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (
      db.prepare("SELECT seq FROM readings WHERE node = ? ORDER BY id").all(nodeId) as { seq: number }[]
    ).map((r) => r.seq);
  } finally {
    db.close();
  }
}

/** Asserts 1..n exactly once each, in order; returns a description of the first problem, or undefined. */
export function contiguityProblem(seqs: readonly number[], n: number): string | undefined {
  if (seqs.length !== n) return `${seqs.length} readings stored, expected ${n}`;
  for (let i = 0; i < seqs.length; i++) {
    if (seqs[i] !== i + 1) return `position ${i}: seq ${seqs[i]}, expected ${i + 1}`;
  }
  return undefined;
}
