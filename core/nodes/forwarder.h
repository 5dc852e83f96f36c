// The ingest node's forwarder: one thread that owns the data-out socket (PUSH to the sinks), the
// reliable sender (replay buffer, re-send on time-out, back-pressure when full) and the upstream
// acknowledgements. A record is acknowledged to its sender (the FELIX side's reply_to) only once a
// sink has stored it, so a sender that keeps unacknowledged messages loses nothing when this node dies.
//
//   Forwarder fwd(config, ctx, curve, stats);
//   fwd.enqueue(std::move(item));    // from the encoder workers; blocks while the queue is full
//   size_t left = fwd.stop();        // sends what is queued, waits (bounded) for the sinks' acks
//
// stop() is bounded by drain_ack_timeout_s even when every sink is gone: what is not sent or not
// acknowledged by then stays unacknowledged upstream, so the sender re-sends it elsewhere.
// Thread-safe: enqueue from any thread; stop once.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "nodes/ingest_item.h"
#include "nodes/ingest_stats.h"
#include "runtime/bounded_queue.h"

namespace daqz {

class CurveSecurity;

struct ForwarderConfig {
  std::vector<std::string> sinks{"tcp://127.0.0.1:5556"};
  std::string ack_listen;       // where sinks send acknowledgements (PULL bind); empty = no acks
  std::string ack_advertise;    // address sinks connect to for acks (default: ack_listen, * -> 127.0.0.1)
  size_t queue_capacity = 64;
  size_t replay_capacity = 4096;   // unacknowledged records kept for re-send
  double replay_timeout_s = 5;     // re-send records unacknowledged this long
  double drain_ack_timeout_s = 10; // at stop, wait this long for outstanding acks
  std::string node_id = "ingest-0";
  int hwm = 64;
  int64_t max_message_bytes = 64 << 20;
};

class Forwarder {
 public:
  Forwarder(const ForwarderConfig& config, zmq::context_t& ctx, const CurveSecurity& curve, IngestStats& stats);
  ~Forwarder();  // stop()
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  void enqueue(ForwardItem&& item);
  size_t queued() const { return queue_.size(); }
  // Returns how many records stayed unacknowledged (0 without acks). Idempotent.
  size_t stop();

 private:
  void run();

  const ForwarderConfig config_;
  zmq::context_t& ctx_;
  const CurveSecurity& curve_;
  IngestStats& stats_;
  BoundedQueue<ForwardItem> queue_;
  std::atomic<int64_t> give_up_at_ns_{0};  // 0 while running; the drain deadline once stopping
  std::atomic<size_t> unacked_at_exit_{0};
  std::thread thread_;
};

}  // namespace daqz
