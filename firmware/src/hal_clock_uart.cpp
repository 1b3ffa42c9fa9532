#include <avr/interrupt.h>
#include <util/atomic.h>

#include "board.h"
#include "hal.h"

static volatile uint32_t ticks;

void clockInit() {
  // Timer 0, CTC, F_CPU / 64 / (OCR0A + 1) = 1 kHz (249 at 16 MHz, 124 at 8 MHz).
  TCCR0A = _BV(WGM01);
  TCCR0B = _BV(CS01) | _BV(CS00);
  OCR0A = (uint8_t)(F_CPU / 64 / 1000 - 1);
  TIMSK0 = _BV(OCIE0A);
}

ISR(TIMER0_COMPA_vect) {
  // The busy pin also covers this interrupt (the only one with real work: the alarm pattern), so the
  // measured load includes it.
  uint8_t wasBusy = BUSY_PORT & _BV(BUSY_BIT);
  BUSY_PORT |= _BV(BUSY_BIT);
  ticks++;
  buzzerTick();
  if (!wasBusy) BUSY_PORT &= ~_BV(BUSY_BIT);
}

uint32_t millis() {
  uint32_t t;
  ATOMIC_BLOCK(ATOMIC_RESTORESTATE) { t = ticks; }
  return t;
}

#define TX_SIZE 128
#define RX_SIZE 64
static volatile uint8_t txBuf[TX_SIZE];
static volatile uint8_t txHead, txTail;
static volatile uint8_t rxBuf[RX_SIZE];
static volatile uint8_t rxHead, rxTail;

void uartInit() {
  // Double speed: 115200 baud is 2.1 % off at 16 MHz, as on every Uno.
  UCSR0A = _BV(U2X0);
  uint16_t ubrr = (uint16_t)((F_CPU / 4 / UART_BAUD - 1) / 2);
  UBRR0H = ubrr >> 8;
  UBRR0L = ubrr & 0xff;
  UCSR0C = _BV(UCSZ01) | _BV(UCSZ00);  // 8N1
  UCSR0B = _BV(RXEN0) | _BV(TXEN0) | _BV(RXCIE0);
}

ISR(USART_RX_vect) {
  uint8_t c = UDR0;
  uint8_t next = (rxHead + 1) % RX_SIZE;
  if (next != rxTail) {  // a full queue drops the byte; the line parser then rejects the line
    rxBuf[rxHead] = c;
    rxHead = next;
  }
}

// Entered only with bytes queued; the interrupt is switched off with the last byte, as Arduino's
// HardwareSerial does (avr8js clears UDRE on entry, so an entry that writes nothing would stall it).
ISR(USART_UDRE_vect) {
  UDR0 = txBuf[txTail];
  txTail = (txTail + 1) % TX_SIZE;
  if (txHead == txTail) UCSR0B &= ~_BV(UDRIE0);
}

void uartWrite(const char* data, size_t len) {
  for (size_t i = 0; i < len; i++) {
    uint8_t next = (txHead + 1) % TX_SIZE;
    while (next == txTail) {
    }
    txBuf[txHead] = (uint8_t)data[i];
    txHead = next;
    UCSR0B |= _BV(UDRIE0);
  }
}

int16_t uartRead() {
  if (rxHead == rxTail) return -1;
  uint8_t c = rxBuf[rxTail];
  rxTail = (rxTail + 1) % RX_SIZE;
  return c;
}
