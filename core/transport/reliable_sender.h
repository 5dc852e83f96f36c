// At-least-once sending over a PUSH socket: every message is stamped with the address where the
// receiver acknowledges it (reply_to), kept in a bounded replay buffer until acknowledged by
// (source, run, sequence), and re-sent when unacknowledged for too long. Receivers drop duplicates.
// Used by daqz-felix-sim (towards ingest nodes) and by daqz-ingest (towards sinks).
//
//   ReliableSender out(ctx, push, {"tcp://*:5560", "", 4096, 5.0}, socket_options);
//   out.on_ack = [](const RecordKey& key) { ... };                      // first acks only
//   out.send(std::move(msg), ctx.stop_requested);                         // blocks under back-pressure
//   ... out.service();                                                   // acks + re-sends, call often
//   out.wait_all_acked(10.0);                                            // drain
//
// Re-sends happen only once acknowledgements have stalled for resend_after_s (a receiver that
// keeps acknowledging is busy, not dead), for messages older than that.
// With an empty ack_listen the sender is fire-and-forget (no reply_to, no buffer). Back-pressure:
// send() blocks while the socket would block or the replay buffer is full, servicing acks and
// re-sends meanwhile, so nothing is forgotten. Not thread-safe: one thread owns it and the socket.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "transport/replay_buffer.h"
#include "transport/zmq_io.h"

namespace daqz {

struct ReliableSenderOptions {
  std::string ack_listen;     // PULL endpoint to bind for acknowledgements; empty = no acks
  std::string ack_advertise;  // reply_to as receivers reach it (default: ack_listen, "*" -> 127.0.0.1)
  size_t capacity = 4096;     // unacknowledged messages kept
  double resend_after_s = 5;  // re-send a message unacknowledged this long
};

class ReliableSender {
 public:
  ReliableSender(zmq::context_t& ctx, zmq::socket_t& push, const ReliableSenderOptions& options,
                 const SocketOptions& ack_socket_options);

  // Sends `m` (stamped with reply_to when acks are on). Returns false if `give_up` turned true
  // while waiting on back-pressure; the message is then not sent.
  bool send(Message m, const std::function<bool()>& give_up);
  // Takes acknowledgements and re-sends overdue messages; cheap, call it often. A re-send blocked
  // by back-pressure waits until `give_up` (if given) turns true.
  void service(const std::function<bool()>& give_up = nullptr);
  // Services until every message is acknowledged or `timeout_s` passes; true when all are.
  bool wait_all_acked(double timeout_s);

  bool reliable() const { return acks_.has_value(); }
  const std::string& reply_to() const { return reply_to_; }
  size_t unacked() const { return replay_.size(); }
  uint64_t acked() const { return acked_; }
  uint64_t resent() const { return resent_; }

  // Hooks for metrics and for forwarding acknowledgements upstream (all optional).
  std::function<void(const RecordKey& key)> on_ack;
  std::function<void()> on_resend;
  std::function<void()> on_blocked;                    // one back-pressure wait (~100 ms or less)
  std::function<void(uint64_t bytes)> on_bytes_sent;   // every send, re-sends included

 private:
  bool send_now(const SharedMessage& m, const std::function<bool()>& give_up);
  void take_acks();

  zmq::socket_t& push_;
  ReliableSenderOptions options_;
  std::optional<zmq::socket_t> acks_;
  std::string reply_to_;
  ReplayBuffer replay_;
  uint64_t acked_ = 0, resent_ = 0;
  std::chrono::steady_clock::time_point last_progress_{};  // last first-ack, or start of an outstanding run
};

// "tcp://*:5560" -> "tcp://127.0.0.1:5560": the address a local peer can connect to.
std::string advertised_endpoint(const std::string& listen, const std::string& advertise);

}  // namespace daqz
