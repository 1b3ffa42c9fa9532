// vitals sensor node for the ATmega328P (Arduino Uno / Nano): MAX30102 + MAX30205/MLX90614 on I2C,
// heart rate and SpO2 computed here, protocol-v1 lines on the serial port, IEC 60601-1-8 buzzer.
#include <avr/interrupt.h>
#include <avr/pgmspace.h>
#include <avr/wdt.h>

#include "board.h"
#include "hal.h"
#include "ppg.h"
#include "retry_buffer.h"
#include "sensors.h"
#include "vitals_frame.h"

#define FIFO_POLL_MS 40  // 4 samples at 100 Hz; the 32-sample FIFO would last 320 ms
#define FRAME_EVERY_MS 1000
#define LINE_MAX 48  // the longest command we understand is 36 bytes

static PpgProcessor ppg;
static PpgResult latest;
static RetryBuffer retry;
static char line[LINE_MAX];
static uint8_t lineLen;
static bool lineTooLong;
static int32_t sumIr, sumRed;
static uint8_t decimation;
static bool sensorOk;
static Thermometer thermometer;
static uint32_t seq;

static inline void busy(bool on) {
  if (on) BUSY_PORT |= _BV(BUSY_BIT);
  else BUSY_PORT &= ~_BV(BUSY_BIT);
}

static void uartSink(char c) { uartWrite(&c, 1); }

// 100 Hz in, 25 Hz out: the mean of 4 samples (also a low-pass against aliasing).
static void onSample(int32_t red, int32_t ir) {
  sumIr += ir;
  sumRed += red;
  if (++decimation < 4) return;
  PpgResult r;
  bool fingerWasOut = latest.flags & PPG_FINGER_OUT;
  if (ppg.push(sumIr / 4, sumRed / 4, &r)) {
    latest = r;
    // A finger put back restarts the filters from its own first sample.
    if (fingerWasOut && !(r.flags & PPG_FINGER_OUT)) ppg.reset();
    if (!fingerWasOut && (r.flags & PPG_FINGER_OUT)) ppg.reset();
  }
  sumIr = sumRed = 0;
  decimation = 0;
}

static void handleLine() {
  GatewayCommand c = decodeGatewayLine(line, lineLen);
  switch (c.kind) {
    case GW_ACK:
      retry.ack(c.seq);
      break;
    case GW_ALARM:
      buzzerSet(c.priority);
      break;
    case GW_PING:
      encodePong(uartSink);
      break;
    case GW_NONE:
      break;
  }
}

static void readSerial() {
  int16_t c;
  while ((c = uartRead()) >= 0) {
    busy(true);
    if (c == '\n') {
      if (!lineTooLong) handleLine();
      lineLen = 0;
      lineTooLong = false;
    } else if (lineLen < LINE_MAX) {
      line[lineLen++] = (char)c;
    } else {
      lineTooLong = true;  // an oversize line is dropped whole, never cut into a shorter valid one
    }
  }
}

static void sendVitals(uint32_t now) {
  VitalsRecord r;
  r.seq = seq++;
  r.t = now;
  r.hr10 = latest.hr10;
  r.spo2_10 = latest.spo2_10;
  r.temp100 = thermometerRead(thermometer);
  r.flags = 0;
  if (!sensorOk) {
    r.flags = FRAME_PROBE_ERROR;
    r.hr10 = r.spo2_10 = -1;
  } else {
    // PpgFlag and FrameFlag share bit positions for the four PPG conditions.
    r.flags = latest.flags & (PPG_FINGER_OUT | PPG_NO_SIGNAL | PPG_LOW_PERFUSION | PPG_SEARCHING);
  }
  retry.add(r, now);
  encodeVitals(uartSink, &r);
  // At most one resend per second, so a host that stopped acking is not flooded.
  const VitalsRecord* old = retry.due(now);
  if (old) encodeVitals(uartSink, old);
}

// A watchdog reset leaves the watchdog running: turn it off before anything slow (the old Nano
// bootloader does not, and can reset forever if the timeout is short).
extern "C" void watchdogOff(void) __attribute__((naked, used, section(".init3")));
extern "C" void watchdogOff(void) {
  MCUSR = 0;
  wdt_disable();
}

int main() {
  BUSY_DDR |= _BV(BUSY_BIT);
  clockInit();
  uartInit();
  twiInit();
  buzzerInit();
  sei();
  encodeHello(uartSink, PSTR(NODE_ID), PSTR(FW_VERSION));
  sensorOk = max30102Init();
  thermometer = thermometerProbe();
  latest.hr10 = latest.spo2_10 = -1;
  latest.flags = PPG_SEARCHING;
  uint32_t lastPoll = millis();
  uint32_t lastFrame = lastPoll;
  // A hung bus or a stuck loop resets the board after 4 s; the host sees a new hello.
  wdt_enable(WDTO_4S);
  for (;;) {
    wdt_reset();
    busy(false);
    readSerial();
    uint32_t now = millis();
    if (now - lastPoll >= FIFO_POLL_MS) {
      busy(true);
      lastPoll = now;
      uint8_t lost = 0;
      if (!sensorOk || max30102Drain(onSample, &lost) < 0) sensorOk = false;
    }
    if (now - lastFrame >= FRAME_EVERY_MS) {
      busy(true);
      lastFrame += FRAME_EVERY_MS;
      if (!sensorOk) {
        sensorOk = max30102Init();
        if (sensorOk) ppg.reset();
      }
      sendVitals(now);
    }
  }
}
