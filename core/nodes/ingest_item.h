// What travels through the ingest node: an IngestItem from a receiver to the encoder pool (the frames
// exactly as ZeroMQ delivered them, only the envelope parsed), a ForwardItem from the pool to the
// forwarder (the encoded record as a message).
//
// Payloads are never copied on the way in: the item owns the zmq::message_t frames and the workers
// validate and decode straight from frames[1] (payload()). Not thread-safe; moved between threads
// through bounded queues.
#pragma once

#include <chrono>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "daqz.pb.h"
#include "wire/message.h"
#include "wire/payload_view.h"

namespace daqz {

struct IngestItem {
  wire::Envelope envelope;               // parsed by the receiver (size, schema, kind, payload size checked)
  std::vector<zmq::message_t> frames;    // [0] envelope, [1] payload when the kind has one
  std::chrono::steady_clock::time_point received;

  bool has_payload() const { return frames.size() > 1; }
  // Computed on use: a small message keeps its bytes inside zmq::message_t, so a view taken before
  // the item moved between threads could dangle.
  PayloadView payload() const {
    return has_payload() ? PayloadView(frames[1].data(), frames[1].size()) : PayloadView();
  }
};

struct ForwardItem {
  Message message;        // the record, addressed (source, run, sequence) as its input was
  uint64_t sent_ns = 0;   // the sender's timestamp, for the end-to-end latency histogram
  std::string upstream;   // the sender's reply_to: acknowledged there once a sink stored the record
};

}  // namespace daqz
