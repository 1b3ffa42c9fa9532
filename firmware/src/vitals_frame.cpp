#include "vitals_frame.h"

#include <string.h>

#include "progmem.h"

namespace {

struct Writer {
  CharSink sink;
  size_t n;
  void put(char c) {
    sink(c);
    n++;
  }
  // A string in flash.
  void str(const char* s) {
    for (char c; (c = (char)pgm_read_byte(s)) != 0; s++) put(c);
  }
  void u32(uint32_t v) {
    char digits[10];
    uint8_t k = 0;
    do {
      digits[k++] = (char)('0' + v % 10);
      v /= 10;
    } while (v);
    while (k) put(digits[--k]);
  }
  // Fixed-point value with `places` decimals, trailing zeros kept (e.g. 36.60).
  void fixed(int32_t v, uint8_t places) {
    if (v < 0) {
      put('-');
      v = -v;
    }
    uint32_t scale = places == 1 ? 10 : 100;
    u32((uint32_t)v / scale);
    put('.');
    uint32_t frac = (uint32_t)v % scale;
    if (places == 2 && frac < 10) put('0');
    u32(frac);
  }
};

}  // namespace

size_t encodeHello(CharSink sink, const char* node, const char* fw) {
  Writer w{sink, 0};
  w.str(PSTR("{\"type\":\"hello\",\"proto\":1,\"node\":\""));
  w.str(node);
  w.str(PSTR("\",\"bed\":\"unassigned\",\"fw\":\""));
  w.str(fw);
  w.str(PSTR("\"}\n"));
  return w.n;
}

size_t encodePong(CharSink sink) {
  Writer w{sink, 0};
  w.str(PSTR("{\"type\":\"pong\"}\n"));
  return w.n;
}

static const char FLAG_0[] PROGMEM = "finger_out";
static const char FLAG_1[] PROGMEM = "no_signal";
static const char FLAG_2[] PROGMEM = "low_perfusion";
static const char FLAG_3[] PROGMEM = "searching";
static const char FLAG_4[] PROGMEM = "probe_error";
static const char FLAG_5[] PROGMEM = "sensor_off";
static const char* const FLAG_NAMES[] PROGMEM = {FLAG_0, FLAG_1, FLAG_2, FLAG_3, FLAG_4, FLAG_5};

size_t encodeVitals(CharSink sink, const VitalsRecord* r) {
  Writer w{sink, 0};
  w.str(PSTR("{\"type\":\"vitals\",\"seq\":"));
  w.u32(r->seq);
  w.str(PSTR(",\"t\":"));
  w.u32(r->t);
  w.str(PSTR(",\"hr\":"));
  if (r->hr10 < 0) w.str(PSTR("null"));
  else w.fixed(r->hr10, 1);
  w.str(PSTR(",\"spo2\":"));
  if (r->spo2_10 < 0) w.str(PSTR("null"));
  else w.fixed(r->spo2_10, 1);
  w.str(PSTR(",\"temp\":"));
  if (r->temp100 == TEMP_NONE) w.str(PSTR("null"));
  else w.fixed(r->temp100, 2);
  if (r->flags) {
    w.str(PSTR(",\"flags\":["));
    bool first = true;
    for (uint8_t i = 0; i < sizeof FLAG_NAMES / sizeof FLAG_NAMES[0]; i++) {
      if (!(r->flags & (1 << i))) continue;
      if (!first) w.put(',');
      first = false;
      w.put('"');
      w.str((const char*)pgm_read_ptr(&FLAG_NAMES[i]));
      w.put('"');
    }
    w.put(']');
  }
  w.str(PSTR("}\n"));
  return w.n;
}

// ---- the host's lines -------------------------------------------------------

namespace {

struct Reader {
  const char* p;
  const char* end;
  void ws() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
  }
  bool eat(char c) {
    ws();
    if (p < end && *p == c) {
      p++;
      return true;
    }
    return false;
  }
  // A JSON string, copied to buf (escapes decoded for ASCII); false if malformed. A string too long
  // to be one of our words reads as empty.
  bool string(char* buf, size_t cap) {
    ws();
    if (p >= end || *p != '"') return false;
    p++;
    size_t k = 0;
    while (p < end && *p != '"') {
      char c = *p++;
      if ((unsigned char)c < 0x20) return false;
      if (c == '\\') {
        if (p >= end) return false;
        c = *p++;
        switch (c) {
          case '"':
          case '\\':
          case '/':
            break;
          case 'b':
          case 'f':
          case 'n':
          case 'r':
          case 't':
            c = '\x01';  // a control character: never part of a word we compare
            break;
          case 'u': {
            uint16_t code = 0;
            for (uint8_t i = 0; i < 4; i++) {
              if (p >= end) return false;
              char h = *p++;
              uint8_t d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 16;
              if (d == 16) return false;
              code = (uint16_t)(code << 4 | d);
            }
            // ASCII decodes exactly ("\u0070ing" is "ping"); anything else matches none of our words.
            c = code > 0 && code < 0x80 ? (char)code : '\x01';
            break;
          }
          default:
            return false;
        }
      }
      if (k + 1 < cap) buf[k] = c;
      k++;
    }
    if (p >= end) return false;
    p++;
    if (k + 1 > cap) {
      buf[0] = 0;
      return true;  // too long to be one of our words: kept as an empty (unknown) value
    }
    buf[k] = 0;
    return true;
  }
  // JSON number; sets isUint when it is a non-negative integer below 2^32 (no fraction/exponent).
  bool number(uint32_t* value, bool* isUint) {
    ws();
    const char* s = p;
    if (p < end && *p == '-') p++;
    if (p >= end || *p < '0' || *p > '9') return false;
    if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9') return false;  // no leading zeros
    uint64_t v = 0;
    bool overflow = false;
    while (p < end && *p >= '0' && *p <= '9') {
      v = v * 10 + (uint64_t)(*p++ - '0');
      if (v > 0xffffffffULL) overflow = true;
    }
    bool integer = true;
    if (p < end && *p == '.') {
      p++;
      integer = false;
      if (p >= end || *p < '0' || *p > '9') return false;
      while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
      p++;
      integer = false;
      if (p < end && (*p == '+' || *p == '-')) p++;
      if (p >= end || *p < '0' || *p > '9') return false;
      while (p < end && *p >= '0' && *p <= '9') p++;
    }
    *isUint = integer && *s != '-' && !overflow;
    *value = (uint32_t)v;
    return true;
  }
  bool literal(const char* word) {  // word in flash
    size_t k = strlen_P(word);
    if ((size_t)(end - p) < k || memcmp_P(p, word, k) != 0) return false;
    p += k;
    return true;
  }
};

}  // namespace

GatewayCommand decodeGatewayLine(const char* line, size_t len) {
  GatewayCommand none = {GW_NONE, 0, ALARM_NONE};
  Reader r{line, line + len};
  if (!r.eat('{')) return none;
  char type[8] = "";
  char priority[8] = "";
  bool haveType = false, havePriority = false, haveSeq = false, seqOk = false;
  uint32_t seq = 0;
  if (!r.eat('}')) {
    for (;;) {
      char key[10];
      if (!r.string(key, sizeof key) || !r.eat(':')) return none;
      r.ws();
      // JSON.parse keeps the last of duplicate keys; so do we.
      if (strcmp_P(key, PSTR("type")) == 0) {
        if (!r.string(type, sizeof type)) return none;
        haveType = true;
      } else if (strcmp_P(key, PSTR("priority")) == 0 && r.p < r.end && *r.p == '"') {
        if (!r.string(priority, sizeof priority)) return none;
        havePriority = true;
      } else if (r.p < r.end && *r.p == '"') {
        char skip[2];
        if (!r.string(skip, sizeof skip)) return none;
        if (strcmp_P(key, PSTR("priority")) == 0) havePriority = false;
        if (strcmp_P(key, PSTR("seq")) == 0) haveSeq = seqOk = false;
      } else if (r.literal(PSTR("true")) || r.literal(PSTR("false")) || r.literal(PSTR("null"))) {
        if (strcmp_P(key, PSTR("seq")) == 0) haveSeq = seqOk = false;
        if (strcmp_P(key, PSTR("priority")) == 0) havePriority = false;
        if (strcmp_P(key, PSTR("type")) == 0) haveType = false;
      } else {
        uint32_t v;
        bool isUint;
        if (!r.number(&v, &isUint)) return none;  // nested objects/arrays are not ours
        if (strcmp_P(key, PSTR("seq")) == 0) {
          haveSeq = true;
          seqOk = isUint;
          seq = v;
        }
        if (strcmp_P(key, PSTR("type")) == 0) haveType = false;
        if (strcmp_P(key, PSTR("priority")) == 0) havePriority = false;
      }
      if (r.eat('}')) break;
      if (!r.eat(',')) return none;
    }
  }
  r.ws();
  if (r.p != r.end || !haveType) return none;
  if (strcmp_P(type, PSTR("ack")) == 0) {
    if (!haveSeq || !seqOk) return none;
    GatewayCommand c = {GW_ACK, seq, ALARM_NONE};
    return c;
  }
  if (strcmp_P(type, PSTR("alarm")) == 0) {
    if (!havePriority) return none;
    static const char NAMES[4][7] PROGMEM = {"none", "low", "medium", "high"};
    for (uint8_t i = 0; i < 4; i++) {
      if (strcmp_P(priority, NAMES[i]) == 0) {
        GatewayCommand c = {GW_ALARM, 0, (AlarmPriority)i};
        return c;
      }
    }
    return none;
  }
  if (strcmp_P(type, PSTR("ping")) == 0) {
    GatewayCommand c = {GW_PING, 0, ALARM_NONE};
    return c;
  }
  return none;
}
