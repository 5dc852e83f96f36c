// ZeroMQ helpers shared by the services: socket creation with explicit high-water marks, linger
// and maximum message size, and send/receive of daqz messages (envelope frame + payload frame).
//
//   zmq::context_t ctx{1};
//   SocketOptions opt;  opt.hwm = 64;
//   zmq::socket_t push = make_socket(ctx, zmq::socket_type::push, opt);
//   connect_all(push, {"tcp://127.0.0.1:5555"});
//   if (!send_message(push, msg, 100ms)) { /* would block: back-pressure, retry */ }
//   if (auto frames = recv_frames(pull, 100ms)) { ... parse_message(...) }
//
// "Would block" and time-outs are ordinary outcomes ([[nodiscard]] bool / optional). Broken set-up
// (bad endpoint) throws zmq::error_t with the endpoint in the message (TransportError).
// Sockets are not thread-safe: one thread per socket, as ZeroMQ requires.
#pragma once

#include <zmq.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "wire/message.h"
#include "wire/message_view.h"

namespace daqz {

struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CurveConfig {
  bool enabled = false;
  std::string public_key;         // Z85, 40 chars: this socket's key pair
  std::string secret_key;
  std::string server_public_key;  // clients only: the server's public key
  bool server = false;            // bind side acts as CURVE server
  // Called by make_socket on the new socket (CurveSecurity uses it to watch server sockets for
  // failed handshakes). Empty: nothing.
  std::function<void(zmq::socket_t&)> on_socket;
};

struct SocketOptions {
  static constexpr int kDefaultHwm = 64;  // messages; ~10 MB of zero-suppressed wedges
  int hwm = kDefaultHwm;                  // both send and receive high-water marks
  int linger_ms = 2000;                   // bounded wait to flush on close
  // The application limit; ZeroMQ's own ZMQ_MAXMSGSIZE is set to twice it, so a moderately oversize
  // frame still reaches validation (counted, quarantined) while a huge one drops the peer.
  int64_t max_message_bytes = 64 << 20;
  CurveConfig curve;
};

zmq::socket_t make_socket(zmq::context_t& ctx, zmq::socket_type type, const SocketOptions& options);
void bind_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints);
void connect_all(zmq::socket_t& socket, const std::vector<std::string>& endpoints);

// A PULL socket with the given high-water mark and size limit, bound to every endpoint (the data
// input of ingest nodes and sinks). Throws TransportError naming an endpoint that cannot be bound.
// `curve` (transport/curve.h: CurveSecurity::server()) secures it when enabled.
zmq::socket_t make_bound_pull(zmq::context_t& ctx, const std::vector<std::string>& endpoints, int hwm,
                              int64_t max_message_bytes, const CurveConfig& curve = {});

// Sends envelope + payload (payload frame only if the envelope announces one). Returns false if
// the message could not be queued within `timeout` (peer gone or back-pressure).
[[nodiscard]] bool send_message(zmq::socket_ref socket, const Message& m, std::chrono::milliseconds timeout);
// The same without copying the payload: ZeroMQ sends it from `m`, which it keeps alive (a reference)
// until the bytes are on the wire, possibly after the caller dropped its own.
[[nodiscard]] bool send_message(zmq::socket_ref socket, std::shared_ptr<const Message> m,
                                std::chrono::milliseconds timeout);

// Receives one multipart message; std::nullopt on time-out.
[[nodiscard]] std::optional<std::vector<zmq::message_t>> recv_frames(zmq::socket_ref socket,
                                                                     std::chrono::milliseconds timeout);

// The envelope checks of received frames (wire/message_view.h's parse_envelope; more than 2 frames, or
// none, is kBadEnvelope), the payload left in frames[1]: valid while the frames live. Not the CRC.
MessageView view_frames(const std::vector<zmq::message_t>& frames, const ValidationLimits& limits);

// Validates received frames into a Message, payload CRC included, copying the payload (throws
// ValidationError like view_frames and verify_payload_crc).
Message message_from_frames(const std::vector<zmq::message_t>& frames, const ValidationLimits& limits);

// Concatenates frames for the quarantine file (u32 count, then u32 length + bytes per frame).
std::vector<uint8_t> raw_frames_bytes(const std::vector<zmq::message_t>& frames);

}  // namespace daqz
