// The sink as a device, in-process: started and stopped by a DeviceRunner on its own thread, no
// process-wide state, so two sinks can run side by side in one test process.
#include "nodes/sink_node.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "codec/codec.h"
#include "runtime/device_runner.h"
#include "runtime/health_state.h"
#include "storage/segment.h"
#include "support/synthetic_wedges.h"
#include "transport/zmq_io.h"
#include "wire/message.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

struct SinkUnderTest {
  SinkConfig config;
  prometheus::Registry registry;
  std::shared_ptr<HealthState> health = std::make_shared<HealthState>("daqz-sink");
  std::unique_ptr<SinkNode> node;
  std::unique_ptr<DeviceRunner> runner;
  std::thread thread;
  int exit_code = -1;

  SinkUnderTest(const fs::path& dir, const std::string& name) {
    config.node.node_id = name;
    config.node.listen = {"ipc://" + (dir / (name + ".sock")).string()};
    config.out_dir = (dir / name).string();
    config.quarantine_path = (dir / (name + ".quarantine")).string();
    config.min_free_bytes = 0;
    config.drain_quiet_ms = 50;
    node = std::make_unique<SinkNode>(config);
    runner = std::make_unique<DeviceRunner>(*node, "daqz-sink", registry, health);
    thread = std::thread([this] { exit_code = runner->run(); });
  }
  bool wait_running() {
    for (int i = 0; i < 500 && runner->state() != DeviceState::kRunning; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return runner->state() == DeviceState::kRunning;
  }
  int stop() {
    runner->request_stop();
    thread.join();
    return exit_code;
  }
};

Message record_message(const std::string& source, uint64_t sequence) {
  auto codec = make_wedge_codec("lossless", {});
  const SparseWedge w = to_sparse(testing::synthetic_wedge(uint32_t(sequence) + 1));
  Message m = make_record_message(codec->encode({&w}).at(0), source, sequence);
  m.envelope.set_run(7);
  return m;
}

size_t stored_records(const std::string& dir) {
  size_t n = 0;
  for (const auto& path : list_segments(dir)) {
    SegmentReader reader(path);
    while (reader.next()) ++n;
  }
  return n;
}

TEST(SinkNode, TwoSinksRunInOneProcessAndStopCleanly) {
  const fs::path dir = fs::path(::testing::TempDir()) / ("sink_node_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  SinkUnderTest a(dir, "sink-a"), b(dir, "sink-b");
  ASSERT_TRUE(a.wait_running());
  ASSERT_TRUE(b.wait_running());
  EXPECT_TRUE(a.health->readiness().ok) << a.health->readiness().json;

  zmq::context_t ctx(1);
  zmq::socket_t push = make_socket(ctx, zmq::socket_type::push, SocketOptions{});
  push.connect(a.config.node.listen.front());
  for (uint64_t seq = 0; seq < 5; ++seq) ASSERT_TRUE(send_message(push, record_message("src", seq), std::chrono::seconds(5)));
  ASSERT_TRUE(send_message(push, record_message("src", 2), std::chrono::seconds(5)));  // an exact duplicate
  for (int i = 0; i < 500 && a.node->counts().received < 6; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));

  EXPECT_EQ(a.stop(), 0);
  EXPECT_EQ(a.runner->state(), DeviceState::kStopped);
  EXPECT_EQ(b.runner->state(), DeviceState::kRunning) << "stopping one sink stopped the other";
  EXPECT_EQ(b.stop(), 0);
  const SinkNode::Counts c = a.node->counts();
  EXPECT_EQ(c.received, 6u);
  EXPECT_EQ(c.stored, 5u);
  EXPECT_EQ(c.duplicates, 1u);
  EXPECT_EQ(stored_records(a.config.out_dir), 5u);
  EXPECT_EQ(stored_records(b.config.out_dir), 0u);
  fs::remove_all(dir);
}

TEST(SinkNode, UnusableFolderFailsInitWithTheReason) {
  SinkConfig config;
  config.node.node_id = "sink-bad";
  config.node.listen = {"ipc:///tmp/daqz-sink-bad-" + std::to_string(::getpid())};
  config.out_dir = "/proc/daqz-cannot-write-here";
  SinkNode node(config);
  prometheus::Registry registry;
  DeviceRunner runner(node, "daqz-sink", registry, std::make_shared<HealthState>("daqz-sink"));
  EXPECT_EQ(runner.run(), DeviceRunner::kInitFailedExitCode);
  EXPECT_EQ(runner.state(), DeviceState::kError);
}

}  // namespace
}  // namespace daqz
