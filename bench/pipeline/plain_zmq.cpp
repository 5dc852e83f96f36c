#include "plain_zmq.h"

#include <zmq.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <utility>

#include "common.h"
#include "testing/free_ports.h"
#include "testing/proc_stats.h"

namespace daqz::bench {

PlainZmqResult plain_zmq_push_pull(const std::vector<Message>& msgs, int hwm, double seconds, int hops) {
  zmq::context_t ctx(1), sender_ctx(1), relay_ctx(1);
  zmq::socket_t pull(ctx, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, hwm);
  pull.set(zmq::sockopt::linger, 0);
  const auto ports = free_tcp_ports(2);
  const std::string ep = "tcp://127.0.0.1:" + std::to_string(ports[0]);
  const std::string relay_ep = "tcp://127.0.0.1:" + std::to_string(ports[1]);
  pull.bind(ep);
  std::vector<std::pair<std::string, std::vector<uint8_t>>> frames;
  for (const auto& m : msgs) frames.emplace_back(m.envelope.SerializeAsString(), m.payload);
  std::atomic<bool> stop{false};
  std::thread relay;
  if (hops == 2) {
    zmq::socket_t in(relay_ctx, zmq::socket_type::pull);
    in.set(zmq::sockopt::rcvhwm, hwm);
    in.set(zmq::sockopt::linger, 0);
    in.set(zmq::sockopt::rcvtimeo, 100);
    in.bind(relay_ep);
    relay = std::thread([&, in = std::move(in)]() mutable {
      zmq::socket_t out(relay_ctx, zmq::socket_type::push);
      out.set(zmq::sockopt::sndhwm, hwm);
      out.set(zmq::sockopt::linger, 0);
      out.set(zmq::sockopt::sndtimeo, 100);
      out.connect(ep);
      zmq::message_t f;
      while (!stop.load()) {
        if (!in.recv(f)) continue;
        const auto flags = f.more() ? zmq::send_flags::sndmore : zmq::send_flags::none;
        while (!out.send(f, flags) && !stop.load()) {
        }
      }
    });
  }
  std::thread sender([&] {
    zmq::socket_t push(sender_ctx, zmq::socket_type::push);
    push.set(zmq::sockopt::sndhwm, hwm);
    push.set(zmq::sockopt::linger, 0);
    push.set(zmq::sockopt::sndtimeo, 100);
    push.connect(hops == 2 ? relay_ep : ep);
    size_t i = 0;
    while (!stop.load()) {
      const auto& [env, payload] = frames[i % frames.size()];
      zmq::message_t a(env.data(), env.size()), b(payload.data(), payload.size());
      if (!push.send(a, zmq::send_flags::sndmore)) continue;
      while (!push.send(b, zmq::send_flags::none) && !stop.load()) {
      }
      ++i;
    }
  });
  // Warm-up, then count.
  pull.set(zmq::sockopt::rcvtimeo, 1000);
  auto recv_one = [&]() -> size_t {
    size_t n = 0;
    zmq::message_t f;
    do {
      if (!pull.recv(f)) return 0;
      n += f.size();
    } while (f.more());
    return n;
  };
  const auto w0 = Clock::now();
  while (seconds_since(w0) < 1.0) recv_one();
  const auto t0 = Clock::now();
  const double c0 = self_cpu_seconds();
  double bytes = 0, count = 0;
  while (seconds_since(t0) < seconds) {
    const size_t n = recv_one();
    bytes += double(n);
    count += n > 0;
  }
  const double elapsed = seconds_since(t0);
  PlainZmqResult r;
  r.cpu_per_s = (self_cpu_seconds() - c0) / elapsed;
  stop = true;
  sender.join();
  if (relay.joinable()) relay.join();
  r.messages_per_s = count / elapsed;
  r.bytes_per_s = bytes / elapsed;
  return r;
}

}  // namespace daqz::bench
