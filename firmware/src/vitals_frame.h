// Protocol-v1 lines the board sends (hello, vitals, pong) and the gateway lines it understands (ack,
// alarm, ping). Wire contract: gateway/protocol/frames.ts and docs/firmware.md. Portable C++.
#ifndef VITALS_FRAME_H
#define VITALS_FRAME_H

#include <stddef.h>
#include <stdint.h>

// Encoders stream their characters into a sink (the UART queue on the board): no frame buffer in SRAM.
typedef void (*CharSink)(char c);

// Flags the board can report; the names are protocol KNOWN_FLAGS.
enum FrameFlag : uint8_t {
  FRAME_FINGER_OUT = 1,
  FRAME_NO_SIGNAL = 2,
  FRAME_LOW_PERFUSION = 4,
  FRAME_SEARCHING = 8,
  FRAME_PROBE_ERROR = 16,
  FRAME_SENSOR_OFF = 32,
};

struct VitalsRecord {
  uint32_t seq;
  uint32_t t;       // ms since the board started (the host stamps its own clock)
  int16_t hr10;     // 0.1 /min, < 0 = null
  int16_t spo2_10;  // 0.1 %, < 0 = null
  int16_t temp100;  // 0.01 degC, INT16_MIN = null
  uint8_t flags;
};

#define TEMP_NONE ((int16_t)-32768)

// Each writes one line, '\n' included, and returns its length. `node` and `fw` are flash strings (PSTR).
size_t encodeHello(CharSink sink, const char* node, const char* fw);
size_t encodeVitals(CharSink sink, const VitalsRecord* r);
size_t encodePong(CharSink sink);

enum GatewayKind : uint8_t { GW_NONE = 0, GW_ACK, GW_ALARM, GW_PING };
// Alarm priorities: the order of SOUND_PRIORITIES reversed so that 0 is silence.
enum AlarmPriority : uint8_t { ALARM_NONE = 0, ALARM_LOW, ALARM_MEDIUM, ALARM_HIGH };

struct GatewayCommand {
  GatewayKind kind;
  uint32_t seq;
  AlarmPriority priority;
};

// Decodes one line (no newline) from the host: a flat JSON object whose "type" is ack (with an
// integer "seq"), alarm (with a known "priority") or ping. Anything else, including nested values,
// truncation and bytes after the object, is GW_NONE. Pure.
GatewayCommand decodeGatewayLine(const char* line, size_t len);

#endif
