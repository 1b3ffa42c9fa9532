import type { ChildProcess } from "node:child_process";

export interface WatchedChild {
  /** Everything the child wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Its exit code, or the signal that ended it. */
  exited: Promise<number | string>;
  /**
   * Resolves with the first match of `pattern` in the output (already written or to come); rejects
   * if the child exits first or nothing matches within `timeoutMs`. `what` names it in the error.
   */
  started(pattern: RegExp, what: string, timeoutMs?: number): Promise<RegExpExecArray>;
}

/** Collects a child process's output and exit for a test that waits for its start-up line. */
export function watchChild(child: ChildProcess): WatchedChild {
  let out = "";
  const listeners = new Set<() => void>();
  const append = (d: Buffer) => {
    out += d.toString();
    for (const l of [...listeners]) l();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    output: () => out,
    exited,
    started(pattern, what, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        const check = () => {
          const m = pattern.exec(out);
          if (!m) return;
          done();
          resolve(m);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then((code) => {
          done();
          reject(new Error(`${what} exited (${code}) before starting:\n${out}`));
        });
        check();
      });
    },
  };
}
