// IEC 60601-1-8 burst patterns, the same timings as gateway/alarms/burst-pattern.ts
// (DEFAULT_BURST_PATTERNS): the buzzer asks, every millisecond, which tone should sound now.
// Portable C++.
#ifndef VITALS_ALARM_PATTERN_H
#define VITALS_ALARM_PATTERN_H

#include <stdint.h>

#include "vitals_frame.h"

struct BurstPattern {
  uint8_t pulses;
  uint16_t pulseMs;
  uint16_t spacingMs;
  uint16_t halfBurstGapMs;  // high priority only: after the 5th pulse
  uint16_t interBurstMs;    // end of the last pulse to the next burst
  uint16_t freqHz;
};

const BurstPattern* burstPattern(AlarmPriority priority);
// Length of one burst plus the inter-burst interval: the pattern repeats with this period.
uint32_t burstPeriodMs(const BurstPattern* p);
// Tone frequency (Hz) at `t` ms into a period (t < burstPeriodMs(p)), 0 for silence.
uint16_t alarmToneInPeriod(const BurstPattern* p, uint16_t t);
// Tone frequency (Hz) that sounds `ms` after the pattern started, 0 for silence.
uint16_t alarmToneAt(AlarmPriority priority, uint32_t ms);

#endif
