// The last few vitals frames the host has not acknowledged yet: resent, oldest first, until an ack
// arrives; when the buffer is full the oldest is given up (counted). Portable C++.
#ifndef VITALS_RETRY_BUFFER_H
#define VITALS_RETRY_BUFFER_H

#include <stdint.h>

#include "vitals_frame.h"

#define RETRY_SLOTS 8
#define RETRY_AFTER_MS 3000

class RetryBuffer {
 public:
  // Stores a frame just sent at `now`.
  void add(const VitalsRecord& r, uint32_t now);
  // Forgets the frame with this seq; false if it was not waiting.
  bool ack(uint32_t seq);
  // The oldest frame unacknowledged for RETRY_AFTER_MS, marked as resent at `now`; null if none.
  const VitalsRecord* due(uint32_t now);
  uint8_t pending() const { return count; }
  uint32_t dropped = 0;
  uint32_t resent = 0;

 private:
  VitalsRecord records[RETRY_SLOTS];
  uint32_t sentAt[RETRY_SLOTS];
  uint8_t head = 0;  // oldest
  uint8_t count = 0;
};

#endif
