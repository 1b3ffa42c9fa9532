// Everything board-specific in one place: porting to another AVR board starts here (docs/firmware.md).
#ifndef VITALS_BOARD_H
#define VITALS_BOARD_H

#include <avr/io.h>

#ifndef NODE_ID
#define NODE_ID "avr-328p"
#endif
#define FW_VERSION "vitals-avr/0.1.0"

#define UART_BAUD 115200UL
#define TWI_HZ 400000UL

// Piezo on Arduino D3 = PD3 = OC2B: timer 2 toggles it in hardware, no interrupt per half-wave.
#define BUZZER_DDR DDRD
#define BUZZER_PORT PORTD
#define BUZZER_BIT PD3

// High while the main loop works, low while it waits: its duty cycle is the CPU load (Arduino D7).
#define BUSY_DDR DDRD
#define BUSY_PORT PORTD
#define BUSY_BIT PD7

#endif
