#include "runtime/health_state.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>
#include <vector>

namespace daqz {
namespace {

nlohmann::json parse(const HealthState::Report& r) { return nlohmann::json::parse(r.json); }

TEST(HealthState, StartsAliveButNotReady) {
  HealthState h("daqz-sink");
  EXPECT_TRUE(h.liveness().ok);
  const auto doc = parse(h.liveness());
  EXPECT_EQ(doc["service"], "daqz-sink");
  EXPECT_EQ(doc["state"], "idle");
  EXPECT_TRUE(doc["alive"].get<bool>());
  EXPECT_FALSE(h.readiness().ok);
  EXPECT_EQ(parse(h.readiness())["reason"], "state is idle, not running");
}

TEST(HealthState, ReadyOnlyInRunWithEveryConditionHolding) {
  HealthState h("daqz-ingest");
  h.set_condition("sockets_bound", false, "not bound yet");
  h.set_condition("codecs_loaded", false, "loading");
  h.set_state(DeviceState::kRunning);
  auto doc = parse(h.readiness());
  EXPECT_FALSE(h.readiness().ok);
  EXPECT_EQ(doc["reason"], "codecs_loaded: loading; sockets_bound: not bound yet") << "all failing conditions, by name";

  h.set_condition("sockets_bound", true);
  h.set_condition("codecs_loaded", true, "jet codec 'jet-ae' unavailable, storing jets losslessly");
  EXPECT_TRUE(h.readiness().ok);
  doc = parse(h.readiness());
  EXPECT_TRUE(doc["ready"].get<bool>());
  EXPECT_FALSE(doc.contains("reason"));
  EXPECT_EQ(doc["conditions"]["codecs_loaded"]["reason"], "jet codec 'jet-ae' unavailable, storing jets losslessly")
      << "a holding condition keeps its note";

  for (DeviceState s : {DeviceState::kInitializing, DeviceState::kDraining, DeviceState::kStopped, DeviceState::kError}) {
    h.set_state(s);
    EXPECT_FALSE(h.readiness().ok) << device_state_name(s);
  }
}

TEST(HealthState, OnlyTheErrorStateFailsLiveness) {
  HealthState h("x");
  for (DeviceState s : {DeviceState::kInitializing, DeviceState::kRunning, DeviceState::kDraining, DeviceState::kStopped}) {
    h.set_state(s);
    EXPECT_TRUE(h.liveness().ok) << device_state_name(s);
  }
  h.set_condition("storage_writable", false, "disk full");
  h.set_state(DeviceState::kRunning);
  EXPECT_TRUE(h.liveness().ok) << "failing readiness conditions do not make a node dead";
  h.set_state(DeviceState::kError);
  EXPECT_FALSE(h.liveness().ok);
  EXPECT_FALSE(parse(h.liveness())["alive"].get<bool>());
}

TEST(HealthState, DetailsAreEmbeddedOrQuotedWhenNotJson) {
  HealthState h("x");
  h.set_details([] { return std::string("{\"segments\":2}"); });
  EXPECT_EQ(parse(h.liveness())["details"]["segments"], 2);
  EXPECT_EQ(parse(h.readiness())["details"]["segments"], 2);
  h.set_details([] { return std::string("not json"); });
  EXPECT_EQ(parse(h.liveness())["details"], "not json");
  EXPECT_TRUE(h.liveness().ok);
}

TEST(HealthState, ConcurrentWritersAndReaders) {
  HealthState h("x");
  h.set_state(DeviceState::kRunning);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&h, t] {
      for (int i = 0; i < 2000; ++i) {
        h.set_condition("c" + std::to_string(t), i % 2 == 1, "flip " + std::to_string(i));
        EXPECT_TRUE(nlohmann::json::accept(h.readiness().json));
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(h.readiness().ok) << "every writer ended on ok: " << h.readiness().json;
}

}  // namespace
}  // namespace daqz
