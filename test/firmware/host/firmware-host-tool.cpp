// The firmware's portable parts (firmware/src: frame encoder, command decoder, alarm pattern, retry
// buffer, PPG algorithm) compiled with the host's g++ and driven line by line from stdin, so vitest
// can compare them with the TypeScript reference (test/firmware/firmware-host.test.ts).
//
//   encode   "seq t hr10 spo2_10 temp100 flags" per line    -> the vitals line the board would send
//   decode   one host line per input line                     -> "none" | "ack N" | "alarm P" | "ping"
//   pattern  "priority durationMs" per line                   -> "at_ms on_ms freq_hz" per pulse, then "end"
//   retry    "add SEQ NOW" | "ack SEQ" | "due NOW" per line   -> "ok"/"no", or the due seq / "none"
//   ppg      "ir red" per line at 25 Hz                       -> "n hr10 spo2_10 quality flags ratio1000" per second
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "alarm_pattern.h"
#include "ppg.h"
#include "retry_buffer.h"
#include "vitals_frame.h"

static void putStdout(char c) { std::putchar(c); }

static bool readLine(std::string* line) {
  line->clear();
  int c;
  while ((c = std::getchar()) != EOF) {
    if (c == '\n') return true;
    line->push_back((char)c);
  }
  return !line->empty();
}

static int encode() {
  std::string line;
  while (readLine(&line)) {
    VitalsRecord r;
    unsigned long seq, t;
    int hr, spo2, temp, flags;
    if (std::sscanf(line.c_str(), "%lu %lu %d %d %d %d", &seq, &t, &hr, &spo2, &temp, &flags) != 6) return 2;
    r.seq = (uint32_t)seq;
    r.t = (uint32_t)t;
    r.hr10 = (int16_t)hr;
    r.spo2_10 = (int16_t)spo2;
    r.temp100 = (int16_t)temp;
    r.flags = (uint8_t)flags;
    encodeVitals(putStdout, &r);
  }
  return 0;
}

static int decode() {
  static const char* const PRIORITIES[] = {"none", "low", "medium", "high"};
  std::string line;
  while (readLine(&line)) {
    GatewayCommand c = decodeGatewayLine(line.data(), line.size());
    switch (c.kind) {
      case GW_ACK:
        std::printf("ack %lu\n", (unsigned long)c.seq);
        break;
      case GW_ALARM:
        std::printf("alarm %s\n", PRIORITIES[c.priority]);
        break;
      case GW_PING:
        std::printf("ping\n");
        break;
      case GW_NONE:
        std::printf("none\n");
        break;
    }
  }
  return 0;
}

static int pattern() {
  std::string line;
  while (readLine(&line)) {
    int priority;
    unsigned long duration;
    if (std::sscanf(line.c_str(), "%d %lu", &priority, &duration) != 2) return 2;
    uint16_t prev = 0;
    unsigned long start = 0;
    for (unsigned long ms = 0; ms <= duration; ms++) {
      uint16_t f = ms < duration ? alarmToneAt((AlarmPriority)priority, ms) : 0;
      if (f && !prev) start = ms;
      if (!f && prev) std::printf("%lu %lu %u\n", start, ms - start, prev);
      prev = f;
    }
    std::printf("end\n");
  }
  return 0;
}

static int retry() {
  RetryBuffer buffer;
  std::string line;
  while (readLine(&line)) {
    char op[8];
    unsigned long a = 0, b = 0;
    int n = std::sscanf(line.c_str(), "%7s %lu %lu", op, &a, &b);
    if (n >= 3 && std::strcmp(op, "add") == 0) {
      VitalsRecord r = {(uint32_t)a, 0, -1, -1, TEMP_NONE, 0};
      buffer.add(r, (uint32_t)b);
      std::printf("ok %u %lu\n", buffer.pending(), (unsigned long)buffer.dropped);
    } else if (n >= 2 && std::strcmp(op, "ack") == 0) {
      std::printf(buffer.ack((uint32_t)a) ? "ok\n" : "no\n");
    } else if (n >= 2 && std::strcmp(op, "due") == 0) {
      const VitalsRecord* r = buffer.due((uint32_t)a);
      if (r) std::printf("%lu\n", (unsigned long)r->seq);
      else std::printf("none\n");
    } else {
      return 2;
    }
  }
  return 0;
}

static int ppg() {
  PpgProcessor* p = new PpgProcessor();
  std::string line;
  unsigned long n = 0;
  while (readLine(&line)) {
    long ir, red;
    if (std::sscanf(line.c_str(), "%ld %ld", &ir, &red) != 2) return 2;
    PpgResult r;
    n++;
    if (p->push((int32_t)ir, (int32_t)red, &r)) {
      std::printf("%lu %d %d %u %u %u\n", n, r.hr10, r.spo2_10, r.quality, r.flags, r.ratio1000);
    }
  }
  delete p;
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::string mode = argv[1];
  if (mode == "encode") return encode();
  if (mode == "decode") return decode();
  if (mode == "pattern") return pattern();
  if (mode == "retry") return retry();
  if (mode == "ppg") return ppg();
  return 2;
}
