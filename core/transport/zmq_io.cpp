#include "transport/zmq_io.h"

#include <zmq_addon.hpp>

#include <cerrno>
#include <cstring>

namespace daqz {

zmq::socket_t make_socket(zmq::context_t& ctx, zmq::socket_type type, const SocketOptions& o) {
  zmq::socket_t s(ctx, type);
  s.set(zmq::sockopt::sndhwm, o.hwm);
  s.set(zmq::sockopt::rcvhwm, o.hwm);
  s.set(zmq::sockopt::linger, o.linger_ms);
  s.set(zmq::sockopt::maxmsgsize, o.max_message_bytes > 0 ? 2 * o.max_message_bytes + (64 << 10) : int64_t(-1));
  if (o.curve.enabled) {
    if (o.curve.public_key.size() != 40 || o.curve.secret_key.size() != 40)
      throw TransportError("CURVE keys must be 40-character Z85 strings");
    s.set(zmq::sockopt::curve_publickey, o.curve.public_key);
    s.set(zmq::sockopt::curve_secretkey, o.curve.secret_key);
    if (o.curve.server) {
      s.set(zmq::sockopt::curve_server, 1);
    } else {
      if (o.curve.server_public_key.size() != 40)
        throw TransportError("CURVE client needs the server's 40-character public key");
      s.set(zmq::sockopt::curve_serverkey, o.curve.server_public_key);
    }
    if (o.curve.on_socket) o.curve.on_socket(s);
  }
  return s;
}

void bind_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints) {
  for (const auto& ep : endpoints) {
    try {
      socket.bind(ep);
    } catch (const zmq::error_t& e) {
      throw TransportError("cannot bind '" + ep + "': " + e.what());
    }
  }
}

void connect_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints) {
  for (const auto& ep : endpoints) {
    try {
      socket.connect(ep);
    } catch (const zmq::error_t& e) {
      throw TransportError("cannot connect to '" + ep + "': " + e.what());
    }
  }
}

zmq::socket_t make_bound_pull(zmq::context_t& ctx, const std::vector<std::string>& endpoints, int hwm,
                              int64_t max_message_bytes, const CurveConfig& curve) {
  SocketOptions opts;
  opts.curve = curve;
  opts.hwm = hwm;
  opts.max_message_bytes = max_message_bytes;
  zmq::socket_t pull = make_socket(ctx, zmq::socket_type::pull, opts);
  bind_all(pull, endpoints);
  return pull;
}

namespace {

// Queues the envelope then the payload frame made by `make_payload` (only once the envelope is queued).
template <typename MakePayload>
bool send_frames(zmq::socket_ref socket, const Message& m, std::chrono::milliseconds timeout, MakePayload make_payload) {
  const std::string env = m.envelope.SerializeAsString();
  const bool with_payload = m.envelope.payload_bytes() > 0 || !m.payload.empty();
  socket.set(zmq::sockopt::sndtimeo, int(timeout.count()));
  zmq::send_result_t first;
  try {
    first = socket.send(zmq::buffer(env), with_payload ? zmq::send_flags::sndmore : zmq::send_flags::none);
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return false;  // a signal (SIGTERM) interrupted the wait: caller re-checks
    throw;
  }
  if (!first) return false;
  // Once the first part is queued, ZeroMQ delivers the whole multipart atomically: the second
  // part cannot hit the high-water mark.
  if (with_payload) {
    zmq::message_t payload = make_payload();
    for (;;) {
      try {
        (void)socket.send(payload, zmq::send_flags::none);
        break;
      } catch (const zmq::error_t& e) {
        if (e.num() != EINTR) throw;
      }
    }
  }
  return true;
}

// ZeroMQ's deallocation hook for a zero-copy payload: drops the reference the frame held (on
// ZeroMQ's I/O thread, once the bytes are sent).
void release_shared_message(void* /*data*/, void* hint) { delete static_cast<std::shared_ptr<const Message>*>(hint); }

}  // namespace

bool send_message(zmq::socket_ref socket, const Message& m, std::chrono::milliseconds timeout) {
  return send_frames(socket, m, timeout, [&] { return zmq::message_t(m.payload.data(), m.payload.size()); });
}

bool send_message(zmq::socket_ref socket, std::shared_ptr<const Message> m, std::chrono::milliseconds timeout) {
  return send_frames(socket, *m, timeout, [&] {
    if (m->payload.empty()) return zmq::message_t();
    auto* ref = new std::shared_ptr<const Message>(m);
    return zmq::message_t(const_cast<uint8_t*>((*ref)->payload.data()), (*ref)->payload.size(),
                          &release_shared_message, ref);
  });
}

std::optional<std::vector<zmq::message_t>> recv_frames(zmq::socket_ref socket, std::chrono::milliseconds timeout) {
  socket.set(zmq::sockopt::rcvtimeo, int(timeout.count()));
  std::vector<zmq::message_t> frames;
  try {
    const auto n = zmq::recv_multipart(socket, std::back_inserter(frames));
    if (!n) return std::nullopt;
  } catch (const zmq::error_t& e) {
    if (e.num() == EINTR) return std::nullopt;  // a signal (SIGTERM) interrupted the wait
    throw;
  }
  return frames;
}

MessageView view_frames(const std::vector<zmq::message_t>& frames, const ValidationLimits& limits) {
  if (frames.empty() || frames.size() > 2)
    throw ValidationError(RejectReason::kBadEnvelope,
                          "message has " + std::to_string(frames.size()) + " frames, expected envelope + payload");
  const bool has_payload = frames.size() == 2;
  return parse_envelope(frames[0].data(), frames[0].size(), has_payload ? frames[1].data() : nullptr,
                        has_payload ? frames[1].size() : 0, has_payload, limits);
}

Message message_from_frames(const std::vector<zmq::message_t>& frames, const ValidationLimits& limits) {
  MessageView view = view_frames(frames, limits);
  verify_payload_crc(view);
  Message m;
  m.envelope = std::move(view.envelope);
  if (view.has_payload) m.payload.assign(view.payload.data, view.payload.data + view.payload.size);
  return m;
}

std::vector<uint8_t> raw_frames_bytes(const std::vector<zmq::message_t>& frames) {
  std::vector<uint8_t> out;
  auto put32 = [&out](uint32_t v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + 4);
  };
  put32(uint32_t(frames.size()));
  for (const auto& f : frames) {
    put32(uint32_t(f.size()));
    const auto* p = static_cast<const uint8_t*>(f.data());
    out.insert(out.end(), p, p + f.size());
  }
  return out;
}

}  // namespace daqz
