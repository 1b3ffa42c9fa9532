#include <util/twi.h>

#include "board.h"
#include "hal.h"

// A stuck bus must not hang the node: every wait gives up after this many polls (~1 ms).
#define TWI_SPIN 4000

static bool waitTwint() {
  for (uint16_t i = 0; i < TWI_SPIN; i++) {
    if (TWCR & _BV(TWINT)) return true;
  }
  return false;
}

void twiInit() {
  TWSR = 0;  // prescaler 1
  TWBR = (uint8_t)((F_CPU / TWI_HZ - 16) / 2);
  TWCR = _BV(TWEN);
}

static bool start(uint8_t addressRw) {
  TWCR = _BV(TWINT) | _BV(TWSTA) | _BV(TWEN);
  if (!waitTwint()) return false;
  uint8_t st = TW_STATUS;
  if (st != TW_START && st != TW_REP_START) return false;
  TWDR = addressRw;
  TWCR = _BV(TWINT) | _BV(TWEN);
  if (!waitTwint()) return false;
  st = TW_STATUS;
  return st == TW_MT_SLA_ACK || st == TW_MR_SLA_ACK;
}

static bool writeByte(uint8_t b) {
  TWDR = b;
  TWCR = _BV(TWINT) | _BV(TWEN);
  return waitTwint() && TW_STATUS == TW_MT_DATA_ACK;
}

void twiStop() {
  TWCR = _BV(TWINT) | _BV(TWSTO) | _BV(TWEN);
  for (uint16_t i = 0; i < TWI_SPIN && (TWCR & _BV(TWSTO)); i++) {
  }
}

bool twiWriteRegister(uint8_t address, uint8_t reg, uint8_t value) {
  bool ok = start(address << 1) && writeByte(reg) && writeByte(value);
  twiStop();
  return ok;
}

bool twiBeginRead(uint8_t address, uint8_t reg) {
  if (start(address << 1) && writeByte(reg) && start((address << 1) | 1)) return true;
  twiStop();
  return false;
}

uint8_t twiReadByte(bool ack) {
  TWCR = _BV(TWINT) | _BV(TWEN) | (ack ? _BV(TWEA) : 0);
  if (!waitTwint()) return 0xff;
  return TWDR;
}

bool twiReadRegisters(uint8_t address, uint8_t reg, uint8_t* out, uint8_t n) {
  if (!twiBeginRead(address, reg)) return false;
  for (uint8_t i = 0; i < n; i++) out[i] = twiReadByte(i + 1 < n);
  twiStop();
  return true;
}
