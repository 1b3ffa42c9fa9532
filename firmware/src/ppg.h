// Heart rate and SpO2 from MAX30102 red/IR samples, on the device: a port "in spirit" of
// sensors/ppg/ (docs/sensors.md is the specification; docs/firmware.md lists what differs).
// Portable C++ (stdint only): compiled for the AVR and, unchanged, for the host unit tests.
#ifndef VITALS_PPG_H
#define VITALS_PPG_H

#include <stdint.h>

// Processing rate: the MAX30102 samples at 100 Hz, the firmware averages 4 samples.
#define PPG_FS 25
#define PPG_WINDOW_SECONDS 8
#define PPG_MIN_WINDOW_SECONDS 4
#define PPG_WINDOW (PPG_FS * PPG_WINDOW_SECONDS)
#define PPG_MAX_BEATS 32
// Mean raw IR below this (counts) means nothing reflects the LED: no finger on the sensor.
#define PPG_FINGER_DC_MIN 10000L

enum PpgFlag : uint8_t {
  PPG_FINGER_OUT = 1,
  PPG_NO_SIGNAL = 2,
  PPG_LOW_PERFUSION = 4,
  PPG_SEARCHING = 8,
};

struct PpgResult {
  int16_t hr10;      // heart rate in 0.1 /min, -1 = none
  int16_t spo2_10;   // SpO2 in 0.1 %, -1 = none
  uint16_t quality;  // 0..1000
  uint8_t flags;     // PpgFlag bits
  uint8_t beats;     // beats in the analysed window
  uint16_t ratio1000;  // ratio of ratios x1000 (0 = undefined), for tests and docs
};

// Direct Form I biquad, Q2.29 coefficients, Q8 samples (counts x 256), int64 accumulation:
// exact enough for the 0.5 Hz high-pass whose poles sit at r = 0.91 (docs/sensors.md "Porting notes").
struct Biquad {
  int32_t b0, b1, b2, a1, a2;
  int32_t x1, x2, y1, y2;
  int32_t step(int32_t x);
  void clear() { x1 = x2 = y1 = y2 = 0; }
};

// One second of sums, so SpO2 and DC need no raw-sample window.
struct SecondSums {
  int32_t irRaw, redRaw;        // sums of raw counts (25 x 2^18 fits)
  float ir2, red2, irRed, irF, redF;  // sums over band-passed samples (counts)
};

class PpgProcessor {
 public:
  PpgProcessor();
  void reset();
  // Feed one 25 Hz sample (raw counts). Every 25 samples returns true with `out` filled.
  bool push(int32_t ir, int32_t red, PpgResult* out);

 private:
  void analyse(PpgResult* out);
  uint8_t beatsInWindow(uint16_t span, uint16_t* times);
  float templateLikeness(const uint16_t* times, uint8_t count, uint16_t span, uint16_t base, float medS) const;
  float periodicity(uint16_t span, uint16_t base, float medS) const;
  int16_t windowAt(uint16_t i, uint16_t base) const;
  bool detect(int32_t y);

  Biquad hpIr, lpIr, hpRed, lpRed;
  int32_t ir0, red0;
  bool started;
  uint32_t n;  // samples since reset
  int16_t irWindow[PPG_WINDOW];  // band-passed IR, counts, saturated to int16
  SecondSums seconds[PPG_WINDOW_SECONDS];  // the current second accumulates in its own slot
  // Beat detector (docs/sensors.md step 2), times in 1/16 sample.
  bool inPulse;
  int32_t env, maxValue, beforeMax, afterMax, previous;
  bool haveAfter;
  uint16_t decay;  // Q15
  uint32_t maxIndex;
  uint16_t lastBeat16;
  bool anyBeat;
  // Beat times in 1/16 sample, wrapping every 163 s: only differences within 8 s are ever used.
  uint16_t beats16[PPG_MAX_BEATS];
  uint8_t beatCount;
};

// SpO2 (0.1 %) from R x 1000 with Maxim's curve -45.060 R^2 + 30.354 R + 94.845; -1 outside 0.02 < R < 1.84.
int16_t spo2FromRatio1000(uint16_t ratio1000);

#endif
