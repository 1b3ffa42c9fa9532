#include "retry_buffer.h"

void RetryBuffer::add(const VitalsRecord& r, uint32_t now) {
  if (count == RETRY_SLOTS) {
    head = (head + 1) % RETRY_SLOTS;
    count--;
    dropped++;
  }
  uint8_t slot = (head + count) % RETRY_SLOTS;
  records[slot] = r;
  sentAt[slot] = now;
  count++;
}

bool RetryBuffer::ack(uint32_t seq) {
  for (uint8_t i = 0; i < count; i++) {
    uint8_t slot = (head + i) % RETRY_SLOTS;
    if (records[slot].seq != seq) continue;
    // Close the gap, keeping the order oldest first.
    for (uint8_t j = i; j + 1 < count; j++) {
      uint8_t to = (head + j) % RETRY_SLOTS;
      uint8_t from = (head + j + 1) % RETRY_SLOTS;
      records[to] = records[from];
      sentAt[to] = sentAt[from];
    }
    count--;
    return true;
  }
  return false;
}

const VitalsRecord* RetryBuffer::due(uint32_t now) {
  for (uint8_t i = 0; i < count; i++) {
    uint8_t slot = (head + i) % RETRY_SLOTS;
    if (now - sentAt[slot] < RETRY_AFTER_MS) continue;
    sentAt[slot] = now;
    resent++;
    return &records[slot];
  }
  return 0;
}
