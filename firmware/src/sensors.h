// The node's I2C sensors: MAX30102 pulse oximeter, MAX30205 or MLX90614 thermometer.
#ifndef VITALS_SENSORS_H
#define VITALS_SENSORS_H

#include <stdint.h>

#define MAX30102_ADDRESS 0x57
#define MAX30205_ADDRESS 0x48
#define MLX90614_ADDRESS 0x5A

// Resets and configures the MAX30102: SpO2 mode, 100 Hz, no on-chip averaging, 18-bit, FIFO cleared.
bool max30102Init();
// Reads every sample waiting in the FIFO (at most 32), oldest first. Returns how many, or -1 on a bus
// error. `overflowed` counts samples the chip reports lost since the last drain.
typedef void (*SampleSink)(int32_t red, int32_t ir);
int8_t max30102Drain(SampleSink sink, uint8_t* overflowed);

enum Thermometer : uint8_t { THERMO_NONE, THERMO_MAX30205, THERMO_MLX90614 };
Thermometer thermometerProbe();
// Temperature in 0.01 degC, or TEMP_NONE (bus error, bad PEC).
int16_t thermometerRead(Thermometer which);

// SMBus packet error code: CRC-8, polynomial x^8 + x^2 + x + 1.
uint8_t smbusPec(const uint8_t* bytes, uint8_t n);

#endif
