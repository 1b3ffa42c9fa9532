#include "sensors.h"

#include "hal.h"
#include "vitals_frame.h"

enum : uint8_t {
  REG_INT_STATUS1 = 0x00,
  REG_FIFO_WR_PTR = 0x04,
  REG_OVF_COUNTER = 0x05,
  REG_FIFO_RD_PTR = 0x06,
  REG_FIFO_DATA = 0x07,
  REG_FIFO_CONFIG = 0x08,
  REG_MODE_CONFIG = 0x09,
  REG_SPO2_CONFIG = 0x0A,
  REG_LED1 = 0x0C,
  REG_LED2 = 0x0D,
  REG_PART_ID = 0xFF,
};

bool max30102Init() {
  uint8_t id = 0;
  if (!twiReadRegisters(MAX30102_ADDRESS, REG_PART_ID, &id, 1) || id != 0x15) return false;
  bool ok = twiWriteRegister(MAX30102_ADDRESS, REG_MODE_CONFIG, 0x40);  // reset
  // No averaging, no rollover (an overflow is counted, never silently overwritten), A_FULL at 17.
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_FIFO_CONFIG, 0x0F);
  // ADC range 4096 nA, 100 samples/s, 411 us pulses (18 bits).
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_SPO2_CONFIG, (1 << 5) | (1 << 2) | 3);
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_LED1, 0x24);  // red ~7 mA
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_LED2, 0x24);  // IR ~7 mA
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_FIFO_WR_PTR, 0);
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_OVF_COUNTER, 0);
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_FIFO_RD_PTR, 0);
  ok = ok && twiWriteRegister(MAX30102_ADDRESS, REG_MODE_CONFIG, 0x03);  // SpO2: red + IR
  return ok;
}

static int32_t sample18(uint8_t a, uint8_t b, uint8_t c) {
  return (((int32_t)a << 16) | ((int32_t)b << 8) | c) & 0x3FFFF;
}

int8_t max30102Drain(SampleSink sink, uint8_t* overflowed) {
  uint8_t ptrs[3];  // WR_PTR, OVF_COUNTER, RD_PTR are consecutive
  if (!twiReadRegisters(MAX30102_ADDRESS, REG_FIFO_WR_PTR, ptrs, 3)) return -1;
  *overflowed = ptrs[1];
  uint8_t count = (ptrs[0] - ptrs[2]) & 0x1F;
  // WR == RD is empty, or full when samples were lost.
  if (count == 0 && ptrs[1] != 0) count = 32;
  if (count == 0) return 0;
  if (!twiBeginRead(MAX30102_ADDRESS, REG_FIFO_DATA)) return -1;
  for (uint8_t i = 0; i < count; i++) {
    uint8_t b[6];
    for (uint8_t k = 0; k < 6; k++) b[k] = twiReadByte(!(i + 1 == count && k == 5));
    sink(sample18(b[0], b[1], b[2]), sample18(b[3], b[4], b[5]));
  }
  twiStop();
  return (int8_t)count;
}

uint8_t smbusPec(const uint8_t* bytes, uint8_t n) {
  uint8_t crc = 0;
  for (uint8_t i = 0; i < n; i++) {
    crc ^= bytes[i];
    for (uint8_t k = 0; k < 8; k++) crc = (crc & 0x80) ? (uint8_t)((crc << 1) ^ 0x07) : (uint8_t)(crc << 1);
  }
  return crc;
}

Thermometer thermometerProbe() {
  uint8_t b[3];
  if (twiReadRegisters(MAX30205_ADDRESS, 0x00, b, 2)) return THERMO_MAX30205;
  if (twiReadRegisters(MLX90614_ADDRESS, 0x07, b, 3)) return THERMO_MLX90614;
  return THERMO_NONE;
}

int16_t thermometerRead(Thermometer which) {
  uint8_t b[3];
  if (which == THERMO_MAX30205) {
    if (!twiReadRegisters(MAX30205_ADDRESS, 0x00, b, 2)) return TEMP_NONE;
    int16_t raw = (int16_t)(((uint16_t)b[0] << 8) | b[1]);  // 1/256 degC
    return (int16_t)(((int32_t)raw * 100 + (raw >= 0 ? 128 : -128)) / 256);
  }
  if (which == THERMO_MLX90614) {
    // Object temperature (RAM 0x07), 0.02 K per LSB, checked by its PEC.
    if (!twiReadRegisters(MLX90614_ADDRESS, 0x07, b, 3)) return TEMP_NONE;
    uint8_t packet[5] = {MLX90614_ADDRESS << 1, 0x07, (MLX90614_ADDRESS << 1) | 1, b[0], b[1]};
    if (smbusPec(packet, 5) != b[2] || (b[1] & 0x80)) return TEMP_NONE;
    int32_t raw = ((int32_t)b[1] << 8) | b[0];
    return (int16_t)(raw * 2 - 27315);
  }
  return TEMP_NONE;
}
