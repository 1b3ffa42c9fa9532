import { describe, expect, it } from "vitest";
import { FakeTime } from "./fake-time.js";

describe("FakeTime", () => {
  it("runs nothing until advanced, then what fell due, earliest first, at its due time", () => {
    const time = new FakeTime(1_000);
    const ran: string[] = [];
    time.after(30, () => ran.push(`b@${time.now()}`));
    time.after(10, () => ran.push(`a@${time.now()}`));
    time.after(30, () => ran.push(`c@${time.now()}`)); // tie: in the order set
    time.after(31, () => ran.push("late"));
    expect(ran).toEqual([]);
    expect(time.advance(30)).toBe(1_030);
    expect(ran).toEqual(["a@1010", "b@1030", "c@1030"]);
    expect(time.pending).toBe(1);
    expect(time.nextDueAt()).toBe(1_031);
  });

  it("runs timers set by timers within the same advance, and repeats every() until cancelled", () => {
    const time = new FakeTime();
    const ran: number[] = [];
    time.after(5, () => time.after(5, () => ran.push(time.now())));
    const tick = time.every(4, () => ran.push(-time.now()));
    time.advance(12);
    expect(ran).toEqual([-4, -8, 10, -12]);
    tick.cancel();
    tick.cancel(); // idempotent
    time.advance(100);
    expect(ran).toHaveLength(4);
    expect(time.pending).toBe(0);
  });

  it("a cancelled timer never runs, even when cancelled by another timer due at the same time", () => {
    const time = new FakeTime();
    const ran: string[] = [];
    const b = time.after(10, () => ran.push("b"));
    time.after(10, () => ran.push("c"));
    time.after(5, () => b.cancel());
    time.advance(10);
    expect(ran).toEqual(["c"]);
  });

  it("never moves back, and a negative delay is due now", () => {
    const time = new FakeTime(500);
    expect(time.advanceTo(100)).toBe(500);
    time.after(-5, () => {});
    expect(time.nextDueAt()).toBe(500);
  });
});
