#include "transport/ack_publisher.h"

#include <spdlog/spdlog.h>

namespace daqz {

namespace {
constexpr size_t kAcksPerMessage = 1024;
}

AckPublisher::AckPublisher(zmq::context_t& ctx, std::string node_id, SocketOptions socket_options)
    : ctx_(ctx), node_id_(std::move(node_id)), options_(std::move(socket_options)) {}

void AckPublisher::add(const std::string& reply_to, const RecordKey& key) {
  if (reply_to.empty()) return;
  wire::AckEntry a;
  a.set_source_id(key.source);
  a.set_run(key.run);
  a.set_sequence(key.sequence);
  pending_[reply_to].push_back(std::move(a));
  ++pending_count_;
}

zmq::socket_t* AckPublisher::socket_for(const std::string& endpoint) {
  if (auto it = sockets_.find(endpoint); it != sockets_.end()) return &it->second;
  try {
    zmq::socket_t s = make_socket(ctx_, zmq::socket_type::push, options_);
    connect_all(s, {endpoint});
    return &sockets_.emplace(endpoint, std::move(s)).first->second;
  } catch (const std::exception& e) {
    spdlog::error("cannot send acknowledgements to '{}': {}", endpoint, e.what());
    return nullptr;
  }
}

size_t AckPublisher::flush() {
  size_t sent = 0;
  for (auto& [endpoint, entries] : pending_) {
    zmq::socket_t* s = socket_for(endpoint);
    if (!s) continue;
    for (size_t at = 0; at < entries.size(); at += kAcksPerMessage) {
      const size_t end = std::min(entries.size(), at + kAcksPerMessage);
      Message ack = make_end_of_stream(node_id_, 0);
      ack.envelope.set_kind(wire::KIND_ACK);
      for (size_t k = at; k < end; ++k) *ack.envelope.add_acks() = entries[k];
      if (send_message(*s, ack, std::chrono::milliseconds(10))) sent += end - at;
    }
  }
  pending_.clear();
  pending_count_ = 0;
  return sent;
}

}  // namespace daqz
