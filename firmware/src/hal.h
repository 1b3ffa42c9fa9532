// Register-level drivers for the ATmega328P: 1 kHz tick, interrupt-driven UART, polled TWI master,
// timer-2 tone output. No Arduino core: smaller, and every cycle is ours.
#ifndef VITALS_HAL_H
#define VITALS_HAL_H

#include <stddef.h>
#include <stdint.h>

#include "vitals_frame.h"

void clockInit();
uint32_t millis();

void uartInit();
// Queues bytes for transmission, waiting while the 128-byte queue is full.
void uartWrite(const char* data, size_t len);
// Next received byte, or -1.
int16_t uartRead();

void twiInit();
bool twiWriteRegister(uint8_t address, uint8_t reg, uint8_t value);
// Write the register pointer, repeated START, read n bytes (ACK all but the last), STOP.
bool twiReadRegisters(uint8_t address, uint8_t reg, uint8_t* out, uint8_t n);
// Streaming variant for long bursts: begin, read bytes one by one, the last with ack=false, then stop.
bool twiBeginRead(uint8_t address, uint8_t reg);
uint8_t twiReadByte(bool ack);
void twiStop();

void buzzerInit();
// Plays the priority's IEC 60601-1-8 pattern from its first pulse; the same priority again changes nothing.
void buzzerSet(AlarmPriority priority);
// Called from the 1 ms tick interrupt.
void buzzerTick();

#endif
