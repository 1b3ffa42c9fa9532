import type { ParameterLimits } from "./alarm-config.js";
import type { AlarmParameter, Priority } from "./types.js";

/** Where a monitor reports: the bed owns the alarm records, the monitor only decides when. */
export interface PhysiologicalSink {
  raise(
    parameter: AlarmParameter,
    priority: Priority,
    value: number,
    since: number,
    at: number,
    limit: number,
  ): void;
  update(parameter: AlarmParameter, value: number): void;
  resolve(parameter: AlarmParameter, value: number | null, at: number): void;
}

const NONE = -1;
const MEDIUM = 2;
const HIGH = 3;

/**
 * The physiological alarm condition of one parameter of one bed.
 *
 * - A violation (value strictly outside a limit) must last `delayMs` before the alarm is raised, and it is
 *   raised exactly then: `nextDueAt()` tells the scheduler when, `tick(now)` does it without a new reading.
 * - Entering the high-priority band uses `highDelayMs` (0 by default: life-threatening values skip the delay).
 * - A pending violation is forgotten as soon as a value is back inside the limit (a short dip stays silent).
 * - A raised alarm ends only once the value is back inside by the hysteresis margin, so a value hovering on
 *   the limit does not flap between raise and clear.
 * - Missing values neither start nor end a condition (sample-and-hold); staleness cancels a pending one.
 */
export class ParameterMonitor {
  /** Start of the current uninterrupted violation of the medium (or high) limits; NONE when inside. */
  private violationSince = NONE;
  /** Start of the current uninterrupted stay in the high-priority band; NONE otherwise. */
  private highSince = NONE;
  /** Priority rank already raised for this condition (0: none). */
  private raisedRank = 0;
  lastValue: number | null = null;

  constructor(
    readonly parameter: AlarmParameter,
    private limits: ParameterLimits,
    private delayMs: number,
    private highDelayMs: number,
    private hysteresis: number,
    private readonly sink: PhysiologicalSink,
  ) {}

  get currentLimits(): ParameterLimits {
    return this.limits;
  }

  get currentDelayMs(): number {
    return this.delayMs;
  }

  /** Whether a raised alarm's condition is still on (used to decide what a re-evaluation may clear). */
  get raised(): boolean {
    return this.raisedRank > 0;
  }

  configure(
    limits: ParameterLimits,
    delayMs: number,
    highDelayMs = this.highDelayMs,
    hysteresis = this.hysteresis,
  ): void {
    this.limits = limits;
    this.delayMs = delayMs;
    this.highDelayMs = highDelayMs;
    this.hysteresis = hysteresis;
  }

  /** Forgets everything (standby): the next value starts afresh. */
  clear(): void {
    this.cancelPending();
    this.raisedRank = 0;
    this.lastValue = null;
  }

  /** After a restart: a listed, not latched alarm means its condition was on at that priority. */
  restoreRaised(priority: "medium" | "high"): void {
    this.raisedRank = priority === "high" ? HIGH : MEDIUM;
  }

  /**
   * The reading has no value for this parameter and the profile judges every reading on its own
   * (no sample-and-hold): the condition ends, raised or pending.
   */
  absent(at: number): void {
    this.cancelPending();
    this.lastValue = null;
    if (this.raisedRank === 0) return;
    this.raisedRank = 0;
    this.sink.resolve(this.parameter, null, at);
  }

  observe(value: number, at: number): void {
    this.lastValue = value;
    const band = this.band(value);
    if (band >= MEDIUM) {
      if (this.violationSince === NONE) this.violationSince = at;
    } else {
      this.violationSince = NONE;
    }
    if (band === HIGH) {
      if (this.highSince === NONE) this.highSince = at;
    } else {
      this.highSince = NONE;
    }
    if (this.raisedRank > 0 && band === 0 && this.recovered(value)) {
      this.raisedRank = 0;
      this.sink.resolve(this.parameter, value, at);
      return;
    }
    if (!this.fireIfDue(at, Number.POSITIVE_INFINITY) && this.raisedRank > 0) {
      this.sink.update(this.parameter, value);
    }
  }

  /** Time the pending violation must be raised at; Infinity when nothing is pending. */
  nextDueAt(): number {
    let due = Number.POSITIVE_INFINITY;
    if (this.raisedRank < HIGH && this.highSince !== NONE) due = this.highSince + this.highDelayMs;
    if (this.raisedRank < MEDIUM && this.violationSince !== NONE) {
      due = Math.min(due, this.violationSince + this.delayMs);
    }
    return due;
  }

  /**
   * Raises what is due by `now`. `staleAt` is when the held value stops being current: a violation due
   * after that cannot be asserted any more, so it is dropped instead.
   */
  tick(now: number, staleAt: number): void {
    this.fireIfDue(now, staleAt);
    if (staleAt <= now) this.cancelPending();
  }

  /** Drops a violation that has not been raised yet (the data went stale or the node disconnected). */
  cancelPending(): void {
    this.violationSince = NONE;
    this.highSince = NONE;
  }

  private fireIfDue(now: number, staleAt: number): boolean {
    const value = this.lastValue;
    if (value === null) return false;
    if (this.raisedRank < HIGH && this.highSince !== NONE) {
      const due = this.highSince + this.highDelayMs;
      if (due <= now && due <= staleAt) return this.fire(HIGH, value, now);
    }
    if (this.raisedRank < MEDIUM && this.violationSince !== NONE) {
      const due = this.violationSince + this.delayMs;
      if (due <= now && due <= staleAt) return this.fire(MEDIUM, value, now);
    }
    return false;
  }

  private fire(rank: number, value: number, at: number): boolean {
    this.raisedRank = rank;
    const since = this.violationSince === NONE ? at : this.violationSince;
    this.sink.raise(
      this.parameter,
      rank === HIGH ? "high" : "medium",
      value,
      since,
      at,
      this.crossedLimit(rank, value),
    );
    return true;
  }

  private band(v: number): number {
    const l = this.limits;
    if ((l.criticalLow !== null && v < l.criticalLow) || (l.criticalHigh !== null && v > l.criticalHigh))
      return HIGH;
    if ((l.low !== null && v < l.low) || (l.high !== null && v > l.high)) return MEDIUM;
    return 0;
  }

  private recovered(v: number): boolean {
    const l = this.limits;
    const lo = l.low ?? l.criticalLow;
    const hi = l.high ?? l.criticalHigh;
    // Never let the margin make recovery impossible between narrow limits.
    const h = lo !== null && hi !== null ? Math.min(this.hysteresis, (hi - lo) / 2) : this.hysteresis;
    return (lo === null || v >= lo + h) && (hi === null || v <= hi - h);
  }

  private crossedLimit(rank: number, v: number): number {
    const l = this.limits;
    if (rank === HIGH)
      return l.criticalLow !== null && v < l.criticalLow ? l.criticalLow : (l.criticalHigh as number);
    return l.low !== null && v < l.low ? l.low : (l.high ?? l.low ?? v);
  }
}
