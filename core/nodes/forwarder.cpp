#include "nodes/forwarder.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "base/thread_cpu.h"
#include "transport/ack_publisher.h"
#include "transport/curve.h"
#include "transport/reliable_sender.h"
#include "transport/zmq_io.h"
#include "wire/record_key.h"

namespace daqz {
namespace {

int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Forwarder::Forwarder(const ForwarderConfig& config, zmq::context_t& ctx, const CurveSecurity& curve, IngestStats& stats)
    : config_(config), ctx_(ctx), curve_(curve), stats_(stats), queue_(config.queue_capacity) {
  thread_ = std::thread([this] { run(); });
}

Forwarder::~Forwarder() { stop(); }

void Forwarder::enqueue(ForwardItem&& item) {
  queue_.push(std::move(item));  // blocks while full: back-pressure into the encoder workers
  stats_.output_depth.Set(double(queue_.size()));
}

size_t Forwarder::stop() {
  if (thread_.joinable()) {
    const auto bound = std::chrono::duration<double>(config_.drain_ack_timeout_s);
    give_up_at_ns_ = steady_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(bound).count();
    queue_.close();
    thread_.join();
  }
  return unacked_at_exit_;
}

// The sockets live on this thread only (ZeroMQ sockets are not thread-safe).
void Forwarder::run() {
  pthread_setname_np(pthread_self(), "forwarder");
  SocketOptions opts;
  opts.hwm = config_.hwm;
  opts.max_message_bytes = config_.max_message_bytes;
  opts.curve = curve_.client();  // CURVE client of the sinks, for records and their acks
  zmq::socket_t push = make_socket(ctx_, zmq::socket_type::push, opts);
  connect_all(push, config_.sinks);
  ReliableSender out(ctx_, push, {config_.ack_listen, config_.ack_advertise, config_.replay_capacity,
                                  config_.replay_timeout_s}, opts);
  SocketOptions upstream_opts;
  upstream_opts.hwm = 1000;
  upstream_opts.linger_ms = 500;
  upstream_opts.curve = curve_.server();  // as the sink does for its acks: the server of the link acknowledges
  AckPublisher upstream_acks(ctx_, config_.node_id, upstream_opts);
  std::map<RecordKey, std::string> upstream_of;  // records in the replay buffer -> the sender's reply_to
  out.on_blocked = [&] { stats_.backpressure_waits.Increment(); };
  out.on_bytes_sent = [&](uint64_t n) { stats_.bytes_out.Increment(double(n)); };
  out.on_resend = [&] { stats_.resent.Increment(); };
  out.on_ack = [&](const RecordKey& key) {
    stats_.acks.Increment();
    if (auto it = upstream_of.find(key); it != upstream_of.end()) {
      upstream_acks.add(it->second, key);
      upstream_of.erase(it);
    }
  };
  // While running, a send blocked by the sinks waits as long as it takes (back-pressure); once
  // stopping, only until the drain deadline.
  auto give_up = [this] {
    const int64_t at = give_up_at_ns_.load();
    return at != 0 && steady_ns() >= at;
  };
  auto service = [&] {
    out.service(give_up);
    if (upstream_acks.pending()) stats_.upstream_acks.Increment(double(upstream_acks.flush()));
    stats_.replay_depth.Set(double(out.unacked()));
  };
  size_t unsent = 0;
  while (true) {
    const double t0 = thread_cpu_seconds();
    service();
    auto item = queue_.pop(std::chrono::milliseconds(20));
    stats_.output_depth.Set(double(queue_.size()));
    if (!item) {
      stats_.add_stage_cpu(IngestStage::kSend, thread_cpu_seconds() - t0);
      if (queue_.drained()) break;
      continue;
    }
    const RecordKey key = RecordKey::of(item->message.envelope);
    if (!out.send(std::move(item->message), give_up)) {
      ++unsent;  // stopping and the sinks took nothing until the deadline: the sender re-sends it
      continue;
    }
    stats_.records_out.Increment();
    if (item->sent_ns) stats_.latency.Observe(double(now_ns() - item->sent_ns) * 1e-9);
    if (out.reliable() && !item->upstream.empty()) upstream_of[key] = std::move(item->upstream);
    stats_.add_stage_cpu(IngestStage::kSend, thread_cpu_seconds() - t0);
  }
  if (out.reliable()) {  // drain: wait (bounded) for the sinks to acknowledge everything sent
    const double left_s = std::max(0.0, double(give_up_at_ns_.load() - steady_ns()) * 1e-9);
    out.wait_all_acked(left_s);
    service();
  }
  unacked_at_exit_ = unsent + (out.reliable() ? out.unacked() : 0);
  if (unsent) spdlog::error("drain: {} records not sent: no sink took them within the drain time-out", unsent);
  if (out.unacked() > 0)
    spdlog::error("drain: {} records still unacknowledged after {:.1f} s", out.unacked(), config_.drain_ack_timeout_s);
}

}  // namespace daqz
