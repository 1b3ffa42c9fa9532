#include <avr/interrupt.h>

#include "alarm_pattern.h"
#include "board.h"
#include "hal.h"

static volatile AlarmPriority playing = ALARM_NONE;
static const BurstPattern* volatile pattern;
static volatile uint16_t elapsedMs;
static uint16_t periodMs;
static uint16_t toneHz;

void buzzerInit() {
  BUZZER_PORT &= ~_BV(BUZZER_BIT);
  BUZZER_DDR |= _BV(BUZZER_BIT);
}

static void tone(uint16_t hz) {
  if (hz == toneHz) return;
  toneHz = hz;
  if (hz == 0) {
    TCCR2B = 0;
    TCCR2A = 0;  // disconnect OC2B: the pin goes back to PORTD, which is low
    TCNT2 = 0;
    return;
  }
  // CTC with TOP = OCR2A, OC2B toggles once per period: f = 16 MHz / 128 / (2 (OCR2A + 1)).
  OCR2A = (uint8_t)(F_CPU / 128 / 2 / hz - 1);
  OCR2B = 0;
  TCNT2 = 0;
  TCCR2A = _BV(COM2B0) | _BV(WGM21);
  TCCR2B = _BV(CS22) | _BV(CS20);
}

void buzzerSet(AlarmPriority priority) {
  cli();
  if (priority != playing) {
    playing = priority;
    elapsedMs = 0;
    const BurstPattern* p = burstPattern(priority);
    pattern = p;
    periodMs = p ? (uint16_t)burstPeriodMs(p) : 0;
  }
  sei();
}

void buzzerTick() {
  const BurstPattern* p = pattern;
  if (!p) {
    tone(0);
    return;
  }
  tone(alarmToneInPeriod(p, elapsedMs));
  if (++elapsedMs >= periodMs) elapsedMs = 0;
}
