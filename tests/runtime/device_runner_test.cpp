#include "runtime/device_runner.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "runtime/health_state.h"
#include "runtime/metrics_server.h"

namespace daqz {
namespace {

// A device that records which hooks ran and can be told to throw or to finish by itself.
struct ScriptedDevice : Device {
  int run_steps_before_done = -1;  // < 0: run until stopped
  bool throw_in_init = false, throw_in_run = false;
  int drain_exit_code = 0;
  std::atomic<int> inits{0}, steps{0}, drains{0};
  DeviceState state_seen_in_run = DeviceState::kIdle;
  std::function<DeviceState()> state_probe;

  void init(DeviceContext& ctx) override {
    ++inits;
    ctx.health->set_condition("scripted", true);
    if (throw_in_init) throw std::runtime_error("cannot bind tcp://*:1 (scripted)");
  }
  bool run_once() override {
    if (state_probe) state_seen_in_run = state_probe();
    if (throw_in_run) throw std::runtime_error("scripted failure");
    ++steps;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return run_steps_before_done < 0 || steps < run_steps_before_done;
  }
  int drain() override {
    ++drains;
    return drain_exit_code;
  }
};

double gauge_value(prometheus::Registry& r, const std::string& name) {
  for (const auto& family : r.Collect())
    if (family.name == name) return family.metric.at(0).gauge.value;
  return -1;
}

TEST(DeviceRunner, RunsHooksInOrderAndStopsOnRequestFromAnotherThread) {
  prometheus::Registry registry;
  auto health = std::make_shared<HealthState>("daqz-test");
  ScriptedDevice device;
  DeviceRunner runner(device, "daqz-test", registry, health);
  device.state_probe = [&] { return runner.state(); };
  EXPECT_EQ(runner.state(), DeviceState::kIdle);
  int rc = -1;
  std::thread t([&] { rc = runner.run(); });
  while (device.steps < 5) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(health->readiness().ok) << health->readiness().json;  // running + its condition holds
  EXPECT_EQ(gauge_value(registry, "daqz_test_state"), double(int(DeviceState::kRunning)));
  runner.request_stop();
  t.join();
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(device.inits, 1);
  EXPECT_EQ(device.drains, 1);
  EXPECT_EQ(device.state_seen_in_run, DeviceState::kRunning);
  EXPECT_EQ(runner.state(), DeviceState::kStopped);
  EXPECT_EQ(gauge_value(registry, "daqz_test_state"), double(int(DeviceState::kStopped)));
  EXPECT_FALSE(health->readiness().ok);
}

TEST(DeviceRunner, DeviceThatFinishesDrainsWithoutAStopAndReturnsItsExitCode) {
  prometheus::Registry registry;
  ScriptedDevice device;
  device.run_steps_before_done = 3;
  device.drain_exit_code = 3;
  DeviceRunner runner(device, "daqz-felix-sim", registry, std::make_shared<HealthState>("daqz-felix-sim"));
  EXPECT_EQ(runner.run(), 3);
  EXPECT_EQ(device.steps, 3);
  EXPECT_EQ(device.drains, 1);
  EXPECT_EQ(gauge_value(registry, "daqz_felix_sim_state"), double(int(DeviceState::kStopped)));
}

TEST(DeviceRunner, InitFailureIsAnErrorStateWithoutRunOrDrain) {
  prometheus::Registry registry;
  auto health = std::make_shared<HealthState>("daqz-sink");
  ScriptedDevice device;
  device.throw_in_init = true;
  DeviceRunner runner(device, "daqz-sink", registry, health);
  EXPECT_EQ(runner.run(), DeviceRunner::kInitFailedExitCode);
  EXPECT_EQ(runner.state(), DeviceState::kError);
  EXPECT_EQ(device.steps, 0);
  EXPECT_EQ(device.drains, 0);
  EXPECT_FALSE(health->liveness().ok);  // error: a liveness probe may restart it
}

TEST(DeviceRunner, FailureWhileRunningIsAnErrorState) {
  prometheus::Registry registry;
  ScriptedDevice device;
  device.throw_in_run = true;
  DeviceRunner runner(device, "daqz-ingest", registry, std::make_shared<HealthState>("daqz-ingest"));
  EXPECT_EQ(runner.run(), DeviceRunner::kFailedExitCode);
  EXPECT_EQ(runner.state(), DeviceState::kError);
  EXPECT_EQ(gauge_value(registry, "daqz_ingest_state"), double(int(DeviceState::kError)));
}

TEST(DeviceRunner, TwoRunnersInOneProcessStopIndependently) {
  prometheus::Registry r1, r2;
  ScriptedDevice a, b;
  DeviceRunner ra(a, "daqz-a", r1, std::make_shared<HealthState>("a"));
  DeviceRunner rb(b, "daqz-b", r2, std::make_shared<HealthState>("b"));
  std::thread ta([&] { ra.run(); }), tb([&] { rb.run(); });
  while (a.steps < 3 || b.steps < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ra.request_stop();
  ta.join();
  const int b_steps = b.steps;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_GT(b.steps, b_steps) << "stopping one runner stopped the other";
  EXPECT_EQ(rb.state(), DeviceState::kRunning);
  rb.request_stop();
  tb.join();
  EXPECT_EQ(rb.state(), DeviceState::kStopped);
}

TEST(DeviceRunner, StateMetricNames) {
  EXPECT_EQ(state_metric_name("daqz-sink"), "daqz_sink_state");
  EXPECT_EQ(state_metric_name("daqz-felix-sim"), "daqz_felix_sim_state");
  EXPECT_EQ(device_state_name(DeviceState::kDraining), std::string("draining"));
}

}  // namespace
}  // namespace daqz
