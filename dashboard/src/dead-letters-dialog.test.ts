import { describe, expect, it } from "vitest";
import { deadLetterBadge, deadLetterRow } from "./dead-letters-dialog.js";
import { parseLiveMessage } from "./live-connection.js";
import { initialWardState, wardReducer } from "./ward-state.js";

describe("undelivered notifications", () => {
  it("shows a badge only when something was dead-lettered", () => {
    expect(deadLetterBadge(null)).toBeNull();
    expect(deadLetterBadge({ pending: 3, dead: 0 })).toBeNull();
    expect(deadLetterBadge({ pending: 0, dead: 1 })).toBe("⚠ 1 notification not delivered");
    expect(deadLetterBadge({ pending: 0, dead: 4 })).toBe("⚠ 4 notifications not delivered");
  });

  it("takes counts from the live feed, and refuses malformed ones", () => {
    const m = parseLiveMessage(JSON.stringify({ type: "notifications", pending: 2, dead: 1 }));
    expect(m).not.toBeNull();
    const s = wardReducer(initialWardState(), { type: "live", message: m as never, browserNow: 0 });
    expect(s.notifications).toEqual({ pending: 2, dead: 1 });
    expect(parseLiveMessage(JSON.stringify({ type: "notifications", pending: -1, dead: 1 }))).toBeNull();
    expect(parseLiveMessage(JSON.stringify({ type: "notifications", dead: 1 }))).toBeNull();
  });

  it("lists a dead letter's channel, recipient, attempts and last error", () => {
    const row = deadLetterRow({
      id: 1,
      channel: "wa",
      recipient: "+4915…",
      title: "HIGH Bed 7",
      attempts: 8,
      last_error: "HTTP 401",
      created_at: 0,
      updated_at: 0,
    });
    expect(row.slice(1)).toEqual(["wa", "+4915…", "HIGH Bed 7", "8", "HTTP 401"]);
  });
});
