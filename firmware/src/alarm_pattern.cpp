#include "alarm_pattern.h"

// burst-pattern.ts DEFAULT_BURST_PATTERNS; docs/alarms.md gives the why of each number.
static const BurstPattern HIGH = {10, 150, 100, 700, 3000, 500};
static const BurstPattern MEDIUM = {3, 200, 200, 0, 6000, 500};
static const BurstPattern LOW = {2, 200, 200, 0, 20000, 400};

const BurstPattern* burstPattern(AlarmPriority priority) {
  switch (priority) {
    case ALARM_HIGH:
      return &HIGH;
    case ALARM_MEDIUM:
      return &MEDIUM;
    case ALARM_LOW:
      return &LOW;
    default:
      return 0;
  }
}

// Silence after pulse i (zero-based): high priority is 3+2, pause, 3+2, as in burst-pattern.ts gapAfter().
static uint16_t gapAfter(const BurstPattern* p, uint8_t i) {
  if (p != &HIGH) return p->spacingMs;
  if (i == 4) return p->halfBurstGapMs;
  if (i == 2 || i == 7) return 2 * p->spacingMs + p->pulseMs;
  return p->spacingMs;
}

uint32_t burstPeriodMs(const BurstPattern* p) {
  uint32_t t = 0;
  for (uint8_t i = 0; i + 1 < p->pulses; i++) t += p->pulseMs + gapAfter(p, i);
  return t + p->pulseMs + p->interBurstMs;
}

uint16_t alarmToneInPeriod(const BurstPattern* p, uint16_t t) {
  // 16-bit arithmetic: this runs in the 1 ms tick interrupt while an alarm plays.
  uint16_t start = 0;
  for (uint8_t i = 0; i < p->pulses; i++) {
    if (t < start) return 0;
    if (t < start + p->pulseMs) return p->freqHz;
    start += p->pulseMs + gapAfter(p, i);
  }
  return 0;
}

uint16_t alarmToneAt(AlarmPriority priority, uint32_t ms) {
  const BurstPattern* p = burstPattern(priority);
  if (!p) return 0;
  return alarmToneInPeriod(p, (uint16_t)(ms % burstPeriodMs(p)));
}
