#include "transport/reliable_sender.h"

#include <spdlog/spdlog.h>

#include <thread>

namespace daqz {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string advertised_endpoint(const std::string& listen, const std::string& advertise) {
  std::string r = advertise.empty() ? listen : advertise;
  if (const auto star = r.find("://*"); star != std::string::npos) r.replace(star + 3, 1, "127.0.0.1");
  return r;
}

ReliableSender::ReliableSender(zmq::context_t& ctx, zmq::socket_t& push, const ReliableSenderOptions& options,
                               const SocketOptions& ack_socket_options)
    : push_(push), options_(options), replay_(options.capacity) {
  if (options.ack_listen.empty()) return;
  acks_.emplace(make_socket(ctx, zmq::socket_type::pull, ack_socket_options));
  bind_all(*acks_, {options.ack_listen});
  reply_to_ = advertised_endpoint(options.ack_listen, options.ack_advertise);
}

bool ReliableSender::send_now(const SharedMessage& m, const std::function<bool()>& give_up) {
  while (!send_message(push_, m, milliseconds(100))) {
    if (on_blocked) on_blocked();
    if (acks_) take_acks();
    if (give_up && give_up()) return false;
  }
  if (on_bytes_sent) on_bytes_sent(m->envelope.ByteSizeLong() + m->payload.size());
  return true;
}

bool ReliableSender::send(Message m, const std::function<bool()>& give_up) {
  if (!acks_) return send_now(std::make_shared<const Message>(std::move(m)), give_up);
  while (replay_.full()) {  // back-pressure until the receivers acknowledge
    service(give_up);
    if (!replay_.full()) break;
    if (on_blocked) on_blocked();
    if (give_up && give_up()) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  m.envelope.set_reply_to(reply_to_);
  // Shared by the replay buffer and the frame ZeroMQ sends from: the payload is never copied.
  auto shared = std::make_shared<const Message>(std::move(m));
  if (!send_now(shared, give_up)) return false;
  if (replay_.size() == 0) last_progress_ = Clock::now();  // the clock starts with the first outstanding message
  replay_.add(std::move(shared), Clock::now());
  return true;
}

void ReliableSender::service(const std::function<bool()>& give_up) {
  if (!acks_) return;
  take_acks();
  // While acknowledgements keep arriving the receiver is alive and merely busy: its queues hold the
  // older messages, and re-sending them would only add load. Re-send once acks have stalled.
  const auto now = Clock::now();
  if (now - last_progress_ < std::chrono::duration<double>(options_.resend_after_s)) return;
  for (const RecordKey& key : replay_.due(now, std::chrono::duration<double>(options_.resend_after_s))) {
    // Shared: send_now() takes acknowledgements while it waits, which may erase this very entry.
    const SharedMessage m = replay_.find(key);
    if (!m) continue;  // acknowledged while an earlier re-send waited on back-pressure
    if (!send_now(m, give_up)) break;
    ++resent_;
    if (on_resend) on_resend();
  }
}

bool ReliableSender::wait_all_acked(double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  auto past_deadline = [&] { return Clock::now() >= deadline; };
  while (replay_.size() > 0 && !past_deadline()) {
    service(past_deadline);
    std::this_thread::sleep_for(milliseconds(10));
  }
  return replay_.size() == 0;
}

void ReliableSender::take_acks() {
  while (auto frames = recv_frames(*acks_, milliseconds(0))) {
    try {
      Message m = message_from_frames(*frames, {});
      if (m.envelope.kind() != wire::KIND_ACK) continue;
      for (const auto& a : m.envelope.acks()) {
        const RecordKey key = RecordKey::of(a);
        if (replay_.ack(key)) {
          ++acked_;
          last_progress_ = Clock::now();
          if (on_ack) on_ack(key);
        }
      }
    } catch (const ValidationError& e) {
      spdlog::warn("ignored a malformed acknowledgement: {}", e.what());
    }
  }
}

}  // namespace daqz
