// The FELIX simulator as a device, in-process: acknowledgements are taken while it streams (not only
// under back-pressure or at the end, which left a dead ingest node's messages un-re-sent for minutes),
// and back-pressure time is counted while a send waits (so a stalled pipeline shows on the dashboard
// while it is stalled). Both were found by the fault tests (tests/integration/fault_*_test.sh).
#include "nodes/felix_sim_node.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/device_runner.h"
#include "runtime/health_state.h"
#include "transport/zmq_io.h"
#include "wire/message.h"
#include "wire/record_key.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Sum of every sample of a counter or gauge family in the registry (thread-safe: Collect()).
double metric(prometheus::Registry& registry, const std::string& name) {
  double sum = 0;
  for (const auto& family : registry.Collect())
    if (family.name == name)
      for (const auto& m : family.metric)
        sum += family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
  return sum;
}

struct SimUnderTest {
  FelixSimNode node;
  prometheus::Registry registry;
  DeviceRunner runner{node, "daqz-felix-sim", registry, std::make_shared<HealthState>("daqz-felix-sim")};
  std::thread thread;
  int exit_code = -1;

  explicit SimUnderTest(FelixSimConfig config) : node(std::move(config)) {
    thread = std::thread([this] { exit_code = runner.run(); });
  }
  ~SimUnderTest() {
    runner.request_stop();
    if (thread.joinable()) thread.join();
  }
  bool wait_running() {
    for (int i = 0; i < 3000 && runner.state() != DeviceState::kRunning; ++i) std::this_thread::sleep_for(milliseconds(10));
    return runner.state() == DeviceState::kRunning;
  }
  int stop() {
    runner.request_stop();
    thread.join();
    return exit_code;
  }
};

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::path(::testing::TempDir()) / (name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

FelixSimConfig small_sim(const fs::path& dir) {
  FelixSimConfig c;
  c.endpoints = {"ipc://" + (dir / "data").string()};
  c.count = 0;  // until stopped
  c.pool = 2;   // simulate two wedges once, then cycle them
  c.drain_timeout_s = 5;
  return c;
}

// A stand-in ingest node that acknowledges every message at once, on its own thread.
struct AckingReceiver {
  zmq::context_t ctx{1};
  zmq::socket_t pull;
  std::optional<zmq::socket_t> acks;
  std::atomic<bool> stop{false};
  std::thread thread;

  explicit AckingReceiver(const std::string& endpoint) : pull(make_socket(ctx, zmq::socket_type::pull, SocketOptions{})) {
    bind_all(pull, {endpoint});
    thread = std::thread([this] { run(); });
  }
  ~AckingReceiver() {
    stop = true;
    thread.join();
  }
  void run() {
    while (!stop) {
      auto frames = recv_frames(pull, milliseconds(20));
      if (!frames) continue;
      const Message m = message_from_frames(*frames, {});
      if (m.envelope.kind() == wire::KIND_END_OF_STREAM || m.envelope.reply_to().empty()) continue;
      if (!acks) {
        acks.emplace(make_socket(ctx, zmq::socket_type::push, SocketOptions{}));
        connect_all(*acks, {m.envelope.reply_to()});
      }
      Message ack = make_end_of_stream("fake-ingest", 0);
      ack.envelope.set_kind(wire::KIND_ACK);
      const RecordKey key = RecordKey::of(m.envelope);
      wire::AckEntry* a = ack.envelope.add_acks();
      a->set_source_id(key.source);
      a->set_run(key.run);
      a->set_sequence(key.sequence);
      (void)send_message(*acks, ack, milliseconds(1000));
    }
  }
};

TEST(FelixSimNode, TakesAcknowledgementsWhileStreaming) {
  const fs::path dir = temp_dir("felix_sim_acks");
  FelixSimConfig c = small_sim(dir);
  c.rate = 50;
  c.reliable.ack_listen = "ipc://" + (dir / "acks").string();
  AckingReceiver ingest(c.endpoints.front());
  SimUnderTest sim(c);
  ASSERT_TRUE(sim.wait_running());
  // Far fewer messages than the replay buffer holds (512): only servicing acknowledgements while
  // sending takes them before the end of the stream.
  double acks = 0;
  for (int i = 0; i < 300 && acks < 20; ++i, std::this_thread::sleep_for(milliseconds(10)))
    acks = metric(sim.registry, "daqz_felix_sim_acks_total");
  EXPECT_EQ(sim.runner.state(), DeviceState::kRunning);
  EXPECT_GE(acks, 20) << "acknowledgements were not taken while streaming";
  EXPECT_LT(metric(sim.registry, "daqz_felix_sim_unacked_messages"), 100);
  EXPECT_EQ(sim.stop(), 0);  // every message acknowledged
  fs::remove_all(dir);
}

TEST(FelixSimNode, CountsBackPressureWhileASendWaits) {
  const fs::path dir = temp_dir("felix_sim_blocked");
  FelixSimConfig c = small_sim(dir);  // nobody binds the endpoint: sends block once the pipe is full
  c.node.hwm = 1;
  SimUnderTest sim(c);
  ASSERT_TRUE(sim.wait_running());
  std::this_thread::sleep_for(milliseconds(1500));
  const double blocked = metric(sim.registry, "daqz_felix_sim_backpressure_seconds_total");
  EXPECT_GE(blocked, 0.7) << "a send blocked for over a second counted " << blocked << " s of back-pressure";
  EXPECT_EQ(sim.stop(), 0);  // fire-and-forget: nothing to wait for
  fs::remove_all(dir);
}

}  // namespace
}  // namespace daqz
