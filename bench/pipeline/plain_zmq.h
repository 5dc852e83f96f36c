// The transport mode's references: a plain ZeroMQ PUSH/PULL pair over tcp loopback in this process
// (one hop), and the same through a relay that forwards each message untouched (two hops, as
// felix-sim -> ingest -> sink, with no work at all: the floor of any two-hop pipeline).
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
// With hops == 2 the frames pass through a relay thread (PULL -> PUSH, the received zmq::message_t
// sent on as it is); each end and the relay has its own ZeroMQ context (I/O thread), like three
// processes.
PlainZmqResult plain_zmq_push_pull(const std::vector<Message>& msgs, int hwm, double seconds, int hops = 1);

}  // namespace daqz::bench
