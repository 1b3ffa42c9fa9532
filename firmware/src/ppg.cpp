#include "ppg.h"

#include <math.h>
#include <string.h>

#define Q29(x) ((int32_t)((x) * 536870912.0 + ((x) >= 0 ? 0.5 : -0.5)))

// RBJ cookbook Butterworth sections at fs = 25 Hz (table in docs/sensors.md step 1).
static const int32_t HP[5] = {Q29(0.91496914), Q29(-1.82993829), Q29(0.91496914), Q29(-1.82269493),
                              Q29(0.83718165)};
static const int32_t LP[5] = {Q29(0.14532388), Q29(0.29064777), Q29(0.14532388), Q29(-0.67102909),
                              Q29(0.25232463)};

// exp(-1 / (2 s * 25 Hz)) in Q15: the threshold halves in 1.4 s without beats.
static const uint16_t DECAY_PER_SAMPLE = 32119;
static const uint32_t REFRACTORY16 = PPG_FS * 16 / 4;  // 0.25 s in 1/16 sample

int32_t Biquad::step(int32_t x) {
  int64_t acc = (int64_t)b0 * x + (int64_t)b1 * x1 + (int64_t)b2 * x2 - (int64_t)a1 * y1 - (int64_t)a2 * y2;
  int32_t y = (int32_t)((acc + (1L << 28)) >> 29);
  x2 = x1;
  x1 = x;
  y2 = y1;
  y1 = y;
  return y;
}

static void setup(Biquad* f, const int32_t* c) {
  f->b0 = c[0];
  f->b1 = c[1];
  f->b2 = c[2];
  f->a1 = c[3];
  f->a2 = c[4];
  f->clear();
}

PpgProcessor::PpgProcessor() { reset(); }

void PpgProcessor::reset() {
  setup(&hpIr, HP);
  setup(&lpIr, LP);
  setup(&hpRed, HP);
  setup(&lpRed, LP);
  started = false;
  ir0 = red0 = 0;
  n = 0;
  memset(irWindow, 0, sizeof irWindow);
  memset(seconds, 0, sizeof seconds);
  inPulse = false;
  env = maxValue = beforeMax = afterMax = previous = 0;
  haveAfter = false;
  decay = 32767;
  maxIndex = 0;
  lastBeat16 = 0;
  anyBeat = false;
  beatCount = 0;
}

// Beat detector, docs/sensors.md step 2, on the band-passed IR in Q8. Returns true on a beat.
bool PpgProcessor::detect(int32_t y) {
  decay = (uint16_t)(((uint32_t)decay * DECAY_PER_SAMPLE) >> 15);
  bool beat = false;
  if (!inPulse) {
    int32_t threshold = (int32_t)(((int64_t)env * decay) >> 15);
    // y > 0.25 * threshold, without a division: 4y > threshold.
    if (y > 0 && (int64_t)4 * y > (int64_t)threshold) {
      inPulse = true;
      maxValue = y;
      maxIndex = n;
      beforeMax = previous;
      haveAfter = false;
    }
  } else if (y > maxValue) {
    maxValue = y;
    maxIndex = n;
    beforeMax = previous;
    haveAfter = false;
  } else {
    if (!haveAfter) {
      afterMax = y;
      haveAfter = true;
    }
    if (y < 0) {
      inPulse = false;
      int32_t after = haveAfter ? afterMax : maxValue;
      // Parabola through the three samples around the maximum, offset in 1/16 sample, within +-8.
      int64_t den = (int64_t)beforeMax - 2 * (int64_t)maxValue + after;
      int32_t off = 0;
      if (den < 0) {
        int64_t o = ((int64_t)8 * ((int64_t)beforeMax - after)) / den;
        off = o > 8 ? 8 : o < -8 ? -8 : (int32_t)o;
      }
      uint16_t at = (uint16_t)(maxIndex * 16 + off);
      if (!anyBeat || (uint16_t)(at - lastBeat16) >= REFRACTORY16) {
        int32_t decayed = (int32_t)(((int64_t)env * decay) >> 15);
        // Fast attack, slow release (a quarter of the way down).
        env = maxValue > decayed ? maxValue : decayed + (maxValue - decayed) / 4;
        decay = 32767;
        lastBeat16 = at;
        anyBeat = true;
        if (beatCount == PPG_MAX_BEATS) {
          memmove(beats16, beats16 + 1, sizeof(beats16[0]) * (PPG_MAX_BEATS - 1));
          beatCount--;
        }
        beats16[beatCount++] = at;
        beat = true;
      }
    }
  }
  previous = y;
  return beat;
}

static int16_t saturate16(int32_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }

bool PpgProcessor::push(int32_t ir, int32_t red, PpgResult* out) {
  // The first sample is subtracted: a DC of ~10^5 counts would otherwise ring through the high-pass.
  if (!started) {
    ir0 = ir;
    red0 = red;
    started = true;
  }
  int32_t yIr = lpIr.step(hpIr.step((ir - ir0) * 256));
  int32_t yRed = lpRed.step(hpRed.step((red - red0) * 256));
  detect(yIr);
  float fIr = yIr / 256.0f;
  float fRed = yRed / 256.0f;
  irWindow[n % PPG_WINDOW] = saturate16((yIr + 128) >> 8);
  SecondSums& current = seconds[(n / PPG_FS) % PPG_WINDOW_SECONDS];
  if (n % PPG_FS == 0) memset(&current, 0, sizeof current);
  current.irRaw += ir;
  current.redRaw += red;
  current.ir2 += fIr * fIr;
  current.red2 += fRed * fRed;
  current.irRed += fIr * fRed;
  current.irF += fIr;
  current.redF += fRed;
  n++;
  if (n % PPG_FS != 0) return false;
  analyse(out);
  return true;
}

// Sample i (0 = oldest) of the window starting at ring index `base`. No modulo: a 32-bit `%` costs
// ~600 cycles on the AVR and the analysis reads the window thousands of times a second.
int16_t PpgProcessor::windowAt(uint16_t i, uint16_t base) const {
  uint16_t k = base + i;
  return irWindow[k >= PPG_WINDOW ? k - PPG_WINDOW : k];
}

static void insertionSort(uint16_t* v, uint8_t count) {
  for (uint8_t i = 1; i < count; i++) {
    uint16_t x = v[i];
    uint8_t j = i;
    while (j > 0 && v[j - 1] > x) {
      v[j] = v[j - 1];
      j--;
    }
    v[j] = x;
  }
}

static float pearsonFromSums(float n, float sx, float sy, float sxx, float syy, float sxy) {
  float vx = sxx - sx * sx / n;
  float vy = syy - sy * sy / n;
  if (!(vx > 0) || !(vy > 0)) return 0;
  return (sxy - sx * sy / n) / sqrtf(vx * vy);
}

#define SEGMENT_MAX 42  // 0.8 x the longest interval at 30 /min and 25 Hz, plus one

// Beats inside the last `span` samples, as positions in 1/16 sample from the window start (sensors.md
// step 3); forgets beats older than the longest window. A parabola can put a beat up to half a sample
// before its maximum, so "before the start" is judged with that margin.
uint8_t PpgProcessor::beatsInWindow(uint16_t span, uint16_t* times) {
  uint16_t now16 = (uint16_t)(n * 16);
  uint16_t start16 = (uint16_t)((n - span) * 16);
  uint8_t count = 0;
  uint8_t drop = 0;
  for (uint8_t i = 0; i < beatCount; i++) {
    uint16_t age = (uint16_t)(now16 + 8 - beats16[i]);  // 1/16 samples before now, +8 margin
    if (age > (uint16_t)(PPG_WINDOW * 16 + 8)) {
      drop = i + 1;
      continue;
    }
    uint16_t pos = (uint16_t)(beats16[i] - start16);
    if (age <= (uint16_t)(span * 16 + 8) && pos < (uint16_t)(span * 16)) times[count++] = pos;
  }
  if (drop) {
    memmove(beats16, beats16 + drop, sizeof(beats16[0]) * (beatCount - drop));
    beatCount -= drop;
  }
  return count;
}

struct Rate {
  float bpm;         // -1 = none
  float median16;    // median interval, 1/16 sample
  float regularity;  // inliers / intervals
  float coverage;    // share of the window the inlier intervals cover
};

// Heart rate (sensors/ppg/heart-rate.ts): median interval, inliers within 20 %, mean of the inliers.
static Rate heartRate(const uint16_t* times, uint8_t count, uint16_t span) {
  Rate r = {-1, 0, 0, 0};
  if (count < 3) return r;
  // Intervals, sorted in place: which ones are inliers does not depend on their order.
  uint16_t ibi[PPG_MAX_BEATS];
  uint8_t m = count - 1;
  for (uint8_t i = 0; i < m; i++) ibi[i] = times[i + 1] - times[i];
  insertionSort(ibi, m);
  float med = (m & 1) ? ibi[m / 2] : (ibi[m / 2 - 1] + ibi[m / 2]) / 2.0f;
  uint8_t inliers = 0;
  uint32_t sum = 0;
  for (uint8_t i = 0; i < m; i++) {
    if (fabsf(ibi[i] - med) <= 0.2f * med) {
      inliers++;
      sum += ibi[i];
    }
  }
  r.median16 = med;
  if (inliers < 2) return r;
  r.bpm = 60.0f * PPG_FS * 16 * inliers / sum;
  r.regularity = (float)inliers / m;
  float spanMinusMed = span * 16.0f - med;
  r.coverage = sum / (spanMinusMed > med ? spanMinusMed : med);
  if (r.coverage > 1) r.coverage = 1;
  return r;
}

// Template correlation (sensors/ppg/template-correlation.ts): the mean over beats of
// max(0, pearson(segment, mean segment)); 0 with fewer than 3 whole segments.
float PpgProcessor::templateLikeness(const uint16_t* times, uint8_t count, uint16_t span, uint16_t base,
                                     float medS) const {
  int16_t pre = (int16_t)(0.3f * medS + 0.5f);
  int16_t post = (int16_t)(0.5f * medS + 0.5f);
  int16_t len = pre + post + 1;
  if (len > SEGMENT_MAX) return 0;
  uint8_t used = 0;
  for (uint8_t b = 0; b < count; b++) {
    int16_t c = (int16_t)((times[b] + 8) / 16) - pre;
    if (c >= 0 && c + len <= (int16_t)span) used++;
  }
  if (used < 3) return 0;
  // The mean segment, rounded to whole counts: int16 keeps this frame small (stack is scarce).
  int16_t mean[SEGMENT_MAX];
  for (int16_t k = 0; k < len; k++) {
    int32_t total = 0;
    for (uint8_t b = 0; b < count; b++) {
      int16_t c = (int16_t)((times[b] + 8) / 16) - pre;
      if (c >= 0 && c + len <= (int16_t)span) total += windowAt(c + k, base);
    }
    mean[k] = (int16_t)(total / used);
  }
  float total = 0;
  for (uint8_t b = 0; b < count; b++) {
    int16_t c = (int16_t)((times[b] + 8) / 16) - pre;
    if (c < 0 || c + len > (int16_t)span) continue;
    float sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int16_t k = 0; k < len; k++) {
      float x = windowAt(c + k, base);
      float y = mean[k];
      sx += x;
      sy += y;
      sxx += x * x;
      syy += y * y;
      sxy += x * y;
    }
    float r = pearsonFromSums(len, sx, sy, sxx, syy, sxy);
    total += r > 0 ? r : 0;
  }
  return total / used;
}

// Periodicity: the best normalised autocorrelation at lags within 10 % of the median interval.
// Integer multiply-accumulate: 16 x 16 -> 32-bit products are a few cycles with the AVR's MUL.
float PpgProcessor::periodicity(uint16_t span, uint16_t base, float medS) const {
  int64_t energy = 0;
  for (uint16_t i = 0; i < span; i++) {
    int32_t v = windowAt(i, base);
    energy += v * v;
  }
  if (energy <= 0) return 0;
  float best = 0;
  uint16_t lagLo = (uint16_t)floorf(0.9f * medS);
  uint16_t lagHi = (uint16_t)ceilf(1.1f * medS);
  for (uint16_t lag = lagLo; lag <= lagHi && lag < span; lag++) {
    int64_t acc = 0;
    for (uint16_t i = lag; i < span; i++) acc += (int32_t)windowAt(i, base) * windowAt(i - lag, base);
    float p = ((float)acc / (span - lag)) / ((float)energy / span);
    if (p > best) best = p;
  }
  return best > 1 ? 1 : best;
}

void PpgProcessor::analyse(PpgResult* out) {
  out->hr10 = -1;
  out->spo2_10 = -1;
  out->quality = 0;
  out->flags = 0;
  out->beats = 0;
  out->ratio1000 = 0;
  uint16_t secondsSeen = n / PPG_FS;
  uint8_t spanSec = secondsSeen < PPG_WINDOW_SECONDS ? (uint8_t)secondsSeen : PPG_WINDOW_SECONDS;
  uint16_t span = spanSec * PPG_FS;
  uint16_t base = (uint16_t)((n - span) % PPG_WINDOW);

  // Finger detection looks at the last second only, so it answers within a second.
  const SecondSums& last = seconds[(secondsSeen - 1) % PPG_WINDOW_SECONDS];
  if (last.irRaw / PPG_FS < PPG_FINGER_DC_MIN) {
    out->flags = PPG_FINGER_OUT;
    return;
  }
  if (secondsSeen < PPG_MIN_WINDOW_SECONDS) {
    out->flags = PPG_SEARCHING;
    return;
  }

  // Levels over the window from the one-second sums: DC = mean raw, AC = RMS band-passed.
  SecondSums s;
  memset(&s, 0, sizeof s);
  for (uint8_t k = 0; k < spanSec; k++) {
    const SecondSums& b = seconds[(secondsSeen - 1 - k) % PPG_WINDOW_SECONDS];
    s.irRaw += b.irRaw / PPG_FS;  // sum of per-second means: no int32 overflow over 8 s
    s.redRaw += b.redRaw / PPG_FS;
    s.ir2 += b.ir2;
    s.red2 += b.red2;
    s.irRed += b.irRed;
    s.irF += b.irF;
    s.redF += b.redF;
  }
  float dcIr = (float)s.irRaw / spanSec;
  float dcRed = (float)s.redRaw / spanSec;
  float acIr = sqrtf(s.ir2 / span);
  float acRed = sqrtf(s.red2 / span);
  bool lowPerfusion = !(acIr > 0) || (dcIr > 0 && acIr / dcIr < 1e-4f);

  uint16_t times[PPG_MAX_BEATS];
  uint8_t count = beatsInWindow(span, times);
  out->beats = count;
  Rate rate = heartRate(times, count, span);
  float quality = 0;
  if (rate.bpm > 0) {
    // Signal quality (step 4): noise peaks, all aligned on a maximum, still correlate ~0.7 with their
    // mean; squaring the template score and multiplying by periodicity separates them from pulses.
    float medS = rate.median16 / 16;
    float likeness = templateLikeness(times, count, span, base, medS);
    quality = rate.regularity * rate.coverage * periodicity(span, base, medS) * likeness * likeness;
  }

  bool usable = !lowPerfusion && rate.bpm > 0 && quality >= 0.5f;
  if (lowPerfusion) out->flags |= PPG_LOW_PERFUSION;
  if (!usable) {
    out->flags |= PPG_NO_SIGNAL;
    out->quality = quality < 0.5f ? (uint16_t)(quality * 1000) : 0;
  } else {
    out->quality = (uint16_t)(quality * 1000 + 0.5f);
    out->hr10 = (int16_t)(rate.bpm * 10 + 0.5f);
  }

  // SpO2 (step 6): ratio of ratios, only when red and IR pulses correlate.
  if (dcIr > 0 && dcRed > 0 && acIr > 0) {
    float ratio = (acRed / dcRed) / (acIr / dcIr);
    if (ratio < 60) out->ratio1000 = (uint16_t)(ratio * 1000 + 0.5f);
    float corr = pearsonFromSums(span, s.redF, s.irF, s.red2, s.ir2, s.irRed);
    if (usable && corr >= 0.8f) out->spo2_10 = spo2FromRatio1000(out->ratio1000);
  }
}

int16_t spo2FromRatio1000(uint16_t ratio1000) {
  if (!(ratio1000 > 20 && ratio1000 < 1840)) return -1;
  // Below the vertex R = 0.3368 the parabola falls again, which no physiology explains: hold the vertex.
  float r = ratio1000 < 337 ? 0.33682f : ratio1000 / 1000.0f;
  float spo2 = (-45.060f * r + 30.354f) * r + 94.845f;
  if (spo2 > 100) spo2 = 100;
  if (spo2 < 0) spo2 = 0;
  return (int16_t)(spo2 * 10 + 0.5f);
}
