import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveMessage } from "../../core/api-types.js";
import { LiveConnection } from "./live-connection.js";
import { RECONNECT_CAP_MS } from "./reconnect-backoff.js";

/** Just enough of a browser WebSocket for LiveConnection: the test drives its events. */
class FakeSocket {
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  closed = false;
  close() {
    this.closed = true;
    this.onclose?.({ code: 1000 });
  }
}

describe("LiveConnection reconnects", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup() {
    const sockets: FakeSocket[] = [];
    const states: string[] = [];
    const messages: LiveMessage[] = [];
    const ended: number[] = [];
    const conn = new LiveConnection(
      "ws://gw/api/live",
      { message: (m) => messages.push(m), state: (s) => states.push(s), ended: (c) => ended.push(c) },
      () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s as unknown as WebSocket;
      },
    );
    return { conn, sockets, states, messages, ended };
  }

  it("retries after each close with growing but capped delays, and resets after a success", () => {
    const { conn, sockets, states } = setup();
    conn.start();
    // Fail 10 times in a row; each retry must come no later than the cap (+ jitter).
    for (let i = 0; i < 10; i++) {
      sockets.at(-1)?.onclose?.({ code: 1006 });
      expect(sockets).toHaveLength(i + 1);
      vi.advanceTimersByTime(RECONNECT_CAP_MS * 1.2 + 1);
      expect(sockets).toHaveLength(i + 2);
    }
    sockets.at(-1)?.onopen?.();
    expect(states.at(-1)).toBe("open");
    // After a successful open the next outage starts again from the short delay.
    sockets.at(-1)?.onclose?.({ code: 1006 });
    vi.advanceTimersByTime(1_000);
    expect(sockets).toHaveLength(12);
    conn.stop();
  });

  it("delivers valid messages and drops malformed ones", () => {
    const { conn, sockets, messages } = setup();
    conn.start();
    const s = sockets[0];
    s?.onopen?.();
    s?.onmessage?.({ data: '{"type":"snapshot","now":5,"beds":[]}' });
    s?.onmessage?.({ data: '{"type":"snap' });
    expect(messages).toEqual([{ type: "snapshot", now: 5, beds: [] }]);
    conn.stop();
  });

  it("stops for good when the gateway ends the session (4401) or refuses the role (4403)", () => {
    for (const code of [4401, 4403]) {
      const { conn, sockets, states, ended } = setup();
      conn.start();
      sockets[0]?.onopen?.();
      sockets[0]?.onclose?.({ code });
      vi.advanceTimersByTime(60_000);
      expect(sockets).toHaveLength(1);
      expect(ended).toEqual([code]);
      expect(states).not.toContain("down");
    }
  });

  it("does not reconnect after stop()", () => {
    const { conn, sockets, states } = setup();
    conn.start();
    sockets[0]?.onopen?.();
    conn.stop();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(states).not.toContain("down");
  });
});
