import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { AlarmEvent } from "../../gateway/alarms/types.js";
import { notifiedBy } from "../../gateway/notify/index.js";
import { waitFor } from "../support/wait-for.js";
import { alarmEvent, tempDir } from "./helpers.js";
import { baseConfig, type ServiceRig, startRig, waChannel } from "./service-harness.js";

/** Only our own timers and Date are fake: sockets and setImmediate stay real so real I/O can happen. */
function fakeTime() {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"], now: Date.UTC(2026, 10, 21, 19, 0, 0) });
}

const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const bodies = (r: ServiceRig) => r.wa.all.map((x) => JSON.parse(x.body).text.body as string);

describe("NotificationService delivery", () => {
  let tmp: ReturnType<typeof tempDir>;
  let rig: ServiceRig;
  beforeEach(() => {
    fakeTime();
    tmp = tempDir();
  });
  afterEach(async () => {
    await rig.shutdown().catch(() => {});
    await rig.wa.close();
    vi.useRealTimers();
    tmp.cleanup();
  });

  it("writes the notification, sends it once, and marks it delivered on the provider's 200", async () => {
    rig = await startRig(tmp.dir);
    rig.service.start();
    expect(rig.service.enqueue(alarmEvent())).toBe("queued");
    expect(rig.service.stats().pending).toBe(1);
    await tick(0);
    await waitFor(() => rig.service.stats().delivered === 1, "delivery");
    await tick(60_000);
    expect(rig.wa.all).toHaveLength(1);
    expect(JSON.parse(rig.wa.all[0]?.body ?? "{}").to).toBe("+491511111111");
    const s = rig.service.stats();
    expect(s).toMatchObject({ pending: 0, delivered: 1, dead: 0, oldestPendingAgeMs: null });
    expect(s.byChannel.wa).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it("prunes delivered notifications older than the retention, and nothing pending", async () => {
    rig = await startRig(tmp.dir);
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    await waitFor(() => rig.service.stats().delivered === 1, "delivery");
    const month = 30 * 24 * 3_600_000;
    expect(rig.service.prune(month)).toBe(0); // delivered just now: kept
    vi.setSystemTime(Date.now() + month + 60_000);
    expect(rig.service.prune(month)).toBe(2); // the delivery row and the event it came from
    expect(rig.service.stats()).toMatchObject({ delivered: 0, pending: 0, dead: 0 });
  });

  it("retries 5xx with capped exponential backoff, then delivers", async () => {
    rig = await startRig(tmp.dir, (wa) =>
      baseConfig(wa, { retry: { maxAttempts: 10, baseDelayMs: 1_000, maxDelayMs: 4_000, jitter: 0 } }),
    );
    rig.wa.faults.push({ status: 500 }, { status: 502 }, { status: 503 }, { status: 503 });
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    const expectedGaps = [1_000, 2_000, 4_000, 4_000];
    for (const [i, gap] of expectedGaps.entries()) {
      await waitFor(() => rig.service.stats().counters.retried === i + 1, `failure ${i + 1}`);
      await tick(gap - 1);
      expect(rig.wa.all).toHaveLength(i + 1);
      await tick(1);
      await waitFor(() => rig.wa.all.length === i + 2, `attempt ${i + 2}`);
    }
    await waitFor(() => rig.service.stats().delivered === 1, "delivery");
    expect(rig.wa.accepted).toHaveLength(1);
  });

  it("jitter shortens delays randomly but never beyond the cap", async () => {
    const { retryDelayMs } = await import("../../gateway/notify/index.js");
    const policy = {
      maxAttempts: 8,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      jitter: 0.5,
      maxRetryAfterMs: 60_000,
    };
    expect(retryDelayMs(1, policy, () => 0)).toBe(1_000);
    expect(retryDelayMs(1, policy, () => 0.999)).toBe(500);
    expect(retryDelayMs(20, policy, () => 0)).toBe(30_000);
    expect(retryDelayMs(3, policy, () => 0, 90_000)).toBe(60_000);
  });

  it("respects Retry-After on 429 instead of its own schedule", async () => {
    rig = await startRig(tmp.dir);
    rig.wa.faults.push({ status: 429, headers: { "retry-after": "30" } });
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    await waitFor(() => rig.service.stats().counters.retried === 1, "429");
    await tick(29_999);
    expect(rig.wa.all).toHaveLength(1);
    await tick(1);
    await waitFor(() => rig.service.stats().delivered === 1, "delivery after Retry-After");
  });

  it("a time-out is retried; the time-out runs on the injected timers", async () => {
    rig = await startRig(tmp.dir);
    rig.wa.faults.push("hang");
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    await waitFor(() => rig.wa.all.length === 1, "first attempt");
    expect(rig.service.stats().counters.retried).toBe(0);
    await tick(1_000);
    await waitFor(() => rig.service.stats().counters.retried === 1, "time-out");
    expect(rig.service.stats().pending).toBe(1);
    await tick(1_000);
    await waitFor(() => rig.service.stats().delivered === 1, "delivery");
  });

  it("a 4xx is dead-lettered at once and can be requeued", async () => {
    rig = await startRig(tmp.dir);
    rig.wa.faults.push({ status: 400, body: { error: { code: 131026, message: "Message undeliverable" } } });
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    await waitFor(() => rig.service.stats().dead === 1, "dead letter");
    await tick(600_000);
    expect(rig.wa.all).toHaveLength(1);
    const [dl] = rig.service.deadLetters();
    expect(dl).toMatchObject({ channel: "wa", recipient: "+491511111111", attempts: 1 });
    expect(dl?.lastError).toContain("131026");
    expect(rig.service.stats().counters.deadLettered).toBe(1);
    expect(rig.service.requeue(dl?.id ?? -1)).toBe(true);
    await tick(0);
    await waitFor(() => rig.service.stats().delivered === 1, "requeued delivery");
  });

  it("dead-letters after maxAttempts retryable failures", async () => {
    rig = await startRig(tmp.dir);
    for (let i = 0; i < 10; i++) rig.wa.faults.push({ status: 503 });
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    // Let time pass in steps until the dead letter appears (each step lets the real I/O finish).
    for (let i = 0; i < 50 && rig.service.stats().dead === 0; i++) {
      await tick(1_000);
      await new Promise<void>((r) => setImmediate(r));
    }
    await waitFor(() => rig.service.stats().dead === 1, "dead letter");
    await tick(600_000);
    expect(rig.wa.all).toHaveLength(4);
    expect(rig.service.deadLetters()[0]?.attempts).toBe(4);
  });

  it("survives a restart: pending ones are delivered, delivered ones are not resent", async () => {
    rig = await startRig(tmp.dir, (wa) =>
      baseConfig(wa, { retry: { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } }),
    );
    rig.service.start();
    rig.service.enqueue(alarmEvent({ bed: "1", patient: "A" }));
    await tick(0);
    await waitFor(() => rig.service.stats().delivered === 1, "first delivered");
    rig.wa.faults.push({ status: 503 });
    rig.service.enqueue(alarmEvent({ bed: "2", patient: "B" }));
    await tick(0);
    await waitFor(() => rig.service.stats().counters.retried === 1, "second failed once");
    // Queued while the service is stopped (the gateway shutting down): written, never sent yet.
    await rig.service.stop();
    rig.service.enqueue(alarmEvent({ bed: "3", patient: "C" }));
    await rig.restart();
    await tick(0);
    await waitFor(() => rig.service.stats().delivered === 2, "bed 3 after restart");
    expect(rig.service.stats().pending).toBe(1);
    await tick(60_000);
    await waitFor(() => rig.service.stats().delivered === 3, "bed 2 after its retry delay");
    await tick(600_000);
    const beds = bodies(rig).map((t) => /bed (\d+)/.exec(t)?.[1]);
    expect(beds).toEqual(["1", "2", "3", "2"]);
    expect(rig.wa.accepted).toHaveLength(3);
  });

  it("a slow channel does not hold up another one", async () => {
    rig = await startRig(tmp.dir, (wa) =>
      baseConfig(wa, { channels: { wa: waChannel(wa), wa2: waChannel(wa, { timeoutMs: 5_000 }) } }),
    );
    rig.wa.faults.push("hang");
    rig.service.start();
    rig.service.enqueue(alarmEvent());
    await tick(0);
    await waitFor(() => rig.service.stats().delivered === 1, "the other channel");
    expect(rig.service.stats().pending).toBe(1);
    // stop() waits for attempts in flight, which end at their time-out.
    await tick(5_000);
  });
});

describe("rate limits and digest", () => {
  let tmp: ReturnType<typeof tempDir>;
  let rig: ServiceRig;
  beforeEach(() => {
    fakeTime();
    tmp = tempDir();
  });
  afterEach(async () => {
    await rig.shutdown().catch(() => {});
    await rig.wa.close();
    vi.useRealTimers();
    tmp.cleanup();
  });

  it("one notification per patient per minute, but a higher priority still goes", async () => {
    rig = await startRig(tmp.dir);
    const s = rig.service;
    expect(s.enqueue(alarmEvent({ priority: "medium" }))).toBe("queued");
    await tick(10_000);
    expect(s.enqueue(alarmEvent({ priority: "medium" }))).toBe("suppressed");
    expect(s.enqueue(alarmEvent({ priority: "low" }))).toBe("suppressed");
    expect(s.enqueue(alarmEvent({ priority: "high" }))).toBe("queued");
    expect(s.enqueue(alarmEvent({ priority: "high" }))).toBe("suppressed");
    // Another patient is not affected.
    expect(s.enqueue(alarmEvent({ bed: "13", patient: "P-7", priority: "low" }))).toBe("queued");
    // The first unacknowledged-alarm escalation goes even at the same priority; a repeat does not.
    expect(s.enqueue(alarmEvent({ kind: "escalation", priority: "high" }))).toBe("queued");
    expect(s.enqueue(alarmEvent({ kind: "escalation", priority: "high" }))).toBe("suppressed");
    await tick(60_001);
    expect(s.enqueue(alarmEvent({ priority: "medium" }))).toBe("queued");
    expect(s.stats().counters).toMatchObject({ enqueued: 9, suppressed: 4 });
  });

  it("the per-patient limit holds across a restart (it is kept in the database)", async () => {
    rig = await startRig(tmp.dir);
    rig.service.start();
    expect(rig.service.enqueue(alarmEvent())).toBe("queued");
    await rig.restart();
    await tick(30_000);
    expect(rig.service.enqueue(alarmEvent())).toBe("suppressed");
  });

  it("test messages bypass the limits", async () => {
    rig = await startRig(tmp.dir);
    expect(rig.service.enqueue(alarmEvent({ kind: "test" }))).toBe("queued");
    expect(rig.service.enqueue(alarmEvent({ kind: "test" }))).toBe("queued");
  });

  it("many patients alarming at once become one digest listing the beds", async () => {
    rig = await startRig(tmp.dir, (wa) =>
      baseConfig(wa, { digest: { patientThreshold: 2, windowMs: 60_000, holdMs: 10_000 } }),
    );
    rig.service.start();
    const outcomes = ["1", "2", "3", "4", "5"].map((bed, i) =>
      rig.service.enqueue(alarmEvent({ bed, patient: `P${bed}`, priority: i === 3 ? "high" : "medium" })),
    );
    expect(outcomes).toEqual(["queued", "queued", "digest", "digest", "digest"]);
    await tick(0);
    await waitFor(() => rig.wa.accepted.length === 2, "the two individual messages");
    await tick(9_999);
    expect(rig.wa.all).toHaveLength(2);
    await tick(1);
    await waitFor(() => rig.wa.accepted.length === 3, "digest");
    const digest = bodies(rig)[2] ?? "";
    expect(digest).toMatch(/3 beds in ICU/);
    expect(digest).toContain("Beds: 4 (high), 3 (medium), 5 (medium)");
    expect(digest).not.toContain("P4");
    expect(rig.service.stats().counters).toMatchObject({ digested: 3, digestsSent: 1 });
    // Other wards are counted separately.
    expect(rig.service.enqueue(alarmEvent({ ward: "Ward 2", bed: "1", patient: "Q" }))).toBe("queued");
  });

  it("a digest collecting when the gateway stops is sent after the restart", async () => {
    rig = await startRig(tmp.dir, (wa) =>
      baseConfig(wa, { digest: { patientThreshold: 1, windowMs: 60_000, holdMs: 10_000 } }),
    );
    rig.service.start();
    rig.service.enqueue(alarmEvent({ bed: "1", patient: "A" }));
    expect(rig.service.enqueue(alarmEvent({ bed: "2", patient: "B" }))).toBe("digest");
    await tick(0);
    await waitFor(() => rig.wa.accepted.length === 1, "first");
    await rig.restart();
    await tick(10_000);
    await waitFor(() => rig.wa.accepted.length === 2, "digest after restart");
    expect(bodies(rig)[1]).toContain("Beds: 2 (high)");
  });

  it("per-channel limit: excess waits for the next minute instead of being dropped", async () => {
    rig = await startRig(tmp.dir, (wa) =>
      baseConfig(wa, { digest: { enabled: false }, channels: { wa: waChannel(wa, { maxPerMinute: 2 }) } }),
    );
    rig.service.start();
    for (const bed of ["1", "2", "3", "4"])
      rig.service.enqueue(alarmEvent({ bed, patient: bed, priority: "low" }));
    await tick(0);
    await waitFor(() => rig.wa.accepted.length === 2, "first two");
    await tick(59_999);
    expect(rig.wa.all).toHaveLength(2);
    await tick(1);
    await waitFor(() => rig.wa.accepted.length === 4, "the rest");
  });

  it("the most urgent waiting message goes first", async () => {
    rig = await startRig(tmp.dir, (wa) => baseConfig(wa, { digest: { enabled: false } }));
    rig.service.enqueue(alarmEvent({ bed: "1", patient: "a", priority: "low" }));
    rig.service.enqueue(alarmEvent({ bed: "2", patient: "b", priority: "medium" }));
    rig.service.enqueue(alarmEvent({ bed: "3", patient: "c", priority: "high" }));
    rig.service.start();
    await tick(0);
    await waitFor(() => rig.wa.accepted.length === 3, "all three");
    expect(bodies(rig).map((t) => t.split(":")[0])).toEqual(["HIGH alarm", "MEDIUM alarm", "LOW alarm"]);
  });
});

describe("which alarm events notify", () => {
  const raised = (
    kind: "physiological" | "disconnected",
    priority: "low" | "medium" | "high",
  ): AlarmEvent => ({
    type: "raised",
    at: 0,
    bed: "7",
    patient: "P-1",
    alarmId: "7#1",
    kind,
    parameter: kind === "physiological" ? "spo2" : "device",
    priority,
    value: 91,
    since: 0,
  });
  it("critical: whatever makes the bed CRITICAL, high technical alarms and every escalation", () => {
    expect(notifiedBy("critical", raised("physiological", "medium"))).toBe(true);
    expect(notifiedBy("critical", raised("physiological", "low"))).toBe(false);
    expect(notifiedBy("critical", raised("disconnected", "medium"))).toBe(false);
    expect(notifiedBy("critical", raised("disconnected", "high"))).toBe(true);
    expect(
      notifiedBy("critical", {
        ...(raised("disconnected", "medium") as Extract<AlarmEvent, { type: "raised" }>),
        type: "escalated",
        unacknowledgedMs: 1,
      }),
    ).toBe(true);
  });
  it("alarms: high priority at once, the rest when escalated", () => {
    expect(notifiedBy("alarms", raised("physiological", "medium"))).toBe(false);
    expect(notifiedBy("alarms", raised("physiological", "high"))).toBe(true);
  });
});
