// Cost of ZeroMQ CURVE on the data path: one PUSH -> PULL pair over tcp://127.0.0.1 in one process,
// messages the size of a zero-suppressed outer wedge (~165 KB), plain (NULL) vs CURVE with the ZAP
// allow-list of transport/curve.h. Prints messages/s and MB/s of each, and the ratio.
//
//   bench_curve_bench [--messages 2000] [--bytes 165000]
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <unistd.h>

#include "transport/curve.h"

namespace {

namespace fs = std::filesystem;

double run(bool curve_on, const fs::path& keys, int messages, size_t bytes) {
  using namespace daqz;
  zmq::context_t server_ctx(1), client_ctx(1);
  CurveOptions so, co;
  if (curve_on) {
    so.secret_key_file = (keys / "server.key_secret").string();
    so.allow_dir = (keys / "allow").string();
    co.secret_key_file = (keys / "client.key_secret").string();
    co.server_key_file = (keys / "server.key").string();
  }
  CurveSecurity server(server_ctx, so), client(client_ctx, co);
  zmq::socket_t pull = make_bound_pull(server_ctx, {"tcp://127.0.0.1:*"}, 64, 64 << 20, server.server());
  SocketOptions po;
  po.curve = client.client();
  zmq::socket_t push = make_socket(client_ctx, zmq::socket_type::push, po);
  push.connect(pull.get(zmq::sockopt::last_endpoint));
  std::vector<uint8_t> payload(bytes, 0x5a);
  std::thread sender([&] {
    for (int i = 0; i < messages; ++i) (void)push.send(zmq::buffer(payload), zmq::send_flags::none);
  });
  zmq::message_t m;
  (void)pull.recv(m);  // first message: connection and handshake done
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i < messages; ++i) (void)pull.recv(m);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  sender.join();
  return double(messages - 1) / s;
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 2000;
  size_t bytes = 165000;
  CLI::App app{"bench_curve: ZeroMQ throughput with and without CURVE"};
  app.add_option("--messages", messages, "Messages per run")->capture_default_str();
  app.add_option("--bytes", bytes, "Message size")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  const fs::path keys = fs::temp_directory_path() / ("daqz-curve-bench-" + std::to_string(::getpid()));
  fs::create_directories(keys / "allow");
  daqz::write_curve_keypair(keys.string(), "server", daqz::generate_curve_keypair());
  daqz::write_curve_keypair(keys.string(), "client", daqz::generate_curve_keypair());
  fs::copy_file(keys / "client.key", keys / "allow" / "client.key");
  const double plain = run(false, keys, messages, bytes), curve = run(true, keys, messages, bytes);
  std::printf("%-6s %10s %10s\n", "mode", "msg/s", "MB/s");
  std::printf("%-6s %10.0f %10.1f\n", "plain", plain, plain * double(bytes) / 1e6);
  std::printf("%-6s %10.0f %10.1f\n", "curve", curve, curve * double(bytes) / 1e6);
  std::printf("CURVE keeps %.0f%% of the plain rate (%zu-byte messages, one connection)\n", 100 * curve / plain, bytes);
  fs::remove_all(keys);
  return 0;
}
