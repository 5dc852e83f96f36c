// A receive path that only receives: one thread per data endpoint, each owning a PULL socket bound to
// it, taking messages as ZeroMQ delivered them, parsing the small envelope only (size, schema, kind,
// payload size: wire/message_view.h), and handing the frames over to the encoder pool. The payload is
// never copied here; its CRC, run list and ADC values are checked by the pool's workers, in parallel.
//
//   IngestReceiver rx(endpoint, config, ctx, curve, pool, stats, rejects);   // binds (throws if it can't)
//   rx.start();
//   rx.drain();   // unbind, empty what the socket already holds, stop; blocks until done
//
// Back-pressure, not loss: when the pool's queue is full the receiver waits, stops reading, ZeroMQ's
// receive high-water mark fills and the senders' PUSH blocks. Thread-safe: start/drain from one thread.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <zmq.hpp>

#include "nodes/encoder_pool.h"
#include "nodes/ingest_rejects.h"
#include "nodes/ingest_stats.h"

namespace daqz {

class CurveSecurity;

struct ReceiverConfig {
  int hwm = 64;
  int64_t max_message_bytes = 64 << 20;
  bool acks_enabled = false;     // the node can acknowledge upstream (it has --ack-listen)
  double drain_quiet_ms = 300;   // drain: the socket counts as empty after this much silence
};

class IngestReceiver {
 public:
  IngestReceiver(std::string endpoint, const ReceiverConfig& config, zmq::context_t& ctx, const CurveSecurity& curve,
                 EncoderPool& pool, IngestStats& stats, IngestRejects& rejects);
  ~IngestReceiver();  // drain() if it was not called
  IngestReceiver(const IngestReceiver&) = delete;
  IngestReceiver& operator=(const IngestReceiver&) = delete;

  void start();
  void drain();
  const std::string& endpoint() const { return endpoint_; }

 private:
  void run();
  void handle(std::vector<zmq::message_t>& frames);

  const std::string endpoint_;
  const ReceiverConfig config_;
  EncoderPool& pool_;
  IngestStats& stats_;
  IngestRejects& rejects_;
  zmq::socket_t pull_;
  std::atomic<bool> draining_{false};
  std::thread thread_;
  uint64_t drained_ = 0;
  bool warned_no_acks_ = false;
};

}  // namespace daqz
