// The transport mode's reference: a plain ZeroMQ PUSH/PULL pair over tcp loopback in this process.
#pragma once

#include <vector>

#include "wire/message.h"

namespace daqz::bench {

struct PlainZmqResult {
  double bytes_per_s = 0;     // received
  double messages_per_s = 0;
  double cpu_per_s = 0;       // CPU seconds of this process (both ends) per second
};

// Sends the messages' envelope + payload frames round-robin as fast as possible for `seconds`
// (after a one-second warm-up) with high-water marks `hwm`, and measures what arrives.
PlainZmqResult plain_zmq_push_pull(const std::vector<Message>& msgs, int hwm, double seconds);

}  // namespace daqz::bench
