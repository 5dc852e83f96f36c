// MetricsServer end to end over HTTP: /metrics in Prometheus text format, /healthz and /readyz
// driven by the HealthState, the server's own metrics, and scrapes that never hold the registry.
#include "runtime/metrics_server.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

#include "runtime/raw_http_client.h"
#include "testing/http_client.h"
#include "testing/prometheus_text.h"

namespace daqz {
namespace {

using http_test::http_request;
using http_test::RawClient;
using http_test::RawResponse;

int port_of(const MetricsServer& m) { return std::stoi(m.url().substr(m.url().rfind(':') + 1)); }

TEST(MetricsServer, ServesPrometheusText) {
  MetricsServer m("127.0.0.1:0", "daqz-test");
  add_counter(m.registry(), "daqz_test_things_total", "Things").Increment(3);
  ASSERT_FALSE(m.url().empty());
  EXPECT_EQ(m.base_url() + "/metrics", m.url());
  const RawResponse r = http_request(port_of(m), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("daqz_test_things_total 3"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("daqz_build_info{"), std::string::npos);
  EXPECT_NE(r.body.find("service=\"daqz-test\""), std::string::npos);
  EXPECT_DOUBLE_EQ(prometheus_sum(http_get(m.url()), "daqz_test_things_total"), 3) << "testing/http_client.h";

  const RawResponse head = http_request(port_of(m), "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_GT(std::stoul(head.header("Content-Length")), 100u);
  EXPECT_TRUE(head.body.empty());
}

TEST(MetricsServer, ReadinessFollowsStateAndConditions) {
  MetricsServer m("127.0.0.1:0", "daqz-test");
  const int port = port_of(m);
  auto readyz = [port] { return http_request(port, "GET", "/readyz"); };

  RawResponse live = http_request(port, "GET", "/healthz");
  ASSERT_EQ(live.status, 200) << "alive while initialising";
  EXPECT_EQ(live.header("Content-Type"), "application/json");
  auto doc = nlohmann::json::parse(live.body);
  EXPECT_EQ(doc["service"], "daqz-test");
  EXPECT_EQ(doc["state"], "idle");
  EXPECT_GE(doc["uptime_seconds"].get<double>(), 0.0);

  RawResponse r = readyz();
  EXPECT_EQ(r.status, 503) << "not ready before run";
  EXPECT_NE(nlohmann::json::parse(r.body)["reason"].get<std::string>().find("idle"), std::string::npos) << r.body;

  m.health().set_condition("storage_writable", true);
  m.health().set_state(DeviceState::kRunning);
  r = readyz();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(nlohmann::json::parse(r.body)["ready"].get<bool>());

  m.health().set_condition("storage_writable", false, "free space 1.0 MiB is below the minimum 256.0 MiB");
  r = readyz();
  EXPECT_EQ(r.status, 503);
  doc = nlohmann::json::parse(r.body);
  EXPECT_FALSE(doc["ready"].get<bool>());
  EXPECT_EQ(doc["reason"], "storage_writable: free space 1.0 MiB is below the minimum 256.0 MiB");
  EXPECT_FALSE(doc["conditions"]["storage_writable"]["ok"].get<bool>());
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 200) << "a full disk is no reason to restart";

  m.health().set_condition("storage_writable", true);
  EXPECT_EQ(readyz().status, 200) << "flips back";

  m.health().set_state(DeviceState::kDraining);
  r = readyz();
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("drain"), std::string::npos) << r.body;

  m.health().set_state(DeviceState::kError);
  EXPECT_EQ(http_request(port, "GET", "/healthz").status, 503) << "a service in error should be restarted";
  EXPECT_EQ(http_request(port, "HEAD", "/healthz").status, 503);
}

TEST(MetricsServer, SetHealthAddsDetails) {
  MetricsServer m("127.0.0.1:0", "daqz-test");
  m.set_health([] { return std::string("{\"segments\":3}"); });
  const auto doc = nlohmann::json::parse(http_request(port_of(m), "GET", "/healthz").body);
  EXPECT_EQ(doc["details"]["segments"], 3);
}

TEST(MetricsServer, CountsItsOwnConnectionTrouble) {
  HttpServerOptions o;
  o.read_timeout_s = 0.2;
  MetricsServer m("127.0.0.1:0", "daqz-test", "-", o);
  {
    RawClient silent(port_of(m));
    EXPECT_TRUE(silent.wait_closed(2.0));
  }
  const std::string text = http_request(port_of(m), "GET", "/metrics").body;
  EXPECT_DOUBLE_EQ(prometheus_sum(text, "daqz_http_connections_dropped_total"), 1) << text;
  EXPECT_NE(text.find("daqz_http_connections_dropped_total{reason=\"timeout\"} 1"), std::string::npos) << text;
  EXPECT_GE(prometheus_sum(text, "daqz_http_connections"), 1);
  const std::string again = http_request(port_of(m), "GET", "/metrics").body;
  EXPECT_DOUBLE_EQ(prometheus_sum(again, "daqz_http_connections_dropped_total"), 1) << "deltas are added once";
  EXPECT_GE(prometheus_sum(again, "daqz_http_requests_total"), 1);
}

// A scrape copies the registry and releases it before sending: a client that never reads its
// response holds no lock the data path (registration, increments) could wait on.
TEST(MetricsServer, AStalledScrapeHoldsNoRegistryLock) {
  MetricsServer m("127.0.0.1:0", "daqz-test");
  auto& family = prometheus::BuildCounter().Name("daqz_test_many_total").Help("Many").Register(m.registry());
  for (int i = 0; i < 20000; ++i) family.Add({{"i", std::to_string(i)}}).Increment();  // ~1 MB of text
  RawClient stalled(port_of(m));
  stalled.set_small_receive_buffer();
  ASSERT_TRUE(stalled.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the response is stuck in flight
  const auto start = std::chrono::steady_clock::now();
  auto& late = add_counter(m.registry(), "daqz_test_late_total", "Registered during a stalled scrape");
  for (int i = 0; i < 1000; ++i) late.Increment();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.1);
  EXPECT_EQ(http_request(port_of(m), "GET", "/healthz").status, 200);
}

TEST(MetricsServer, NotServingStillHasRegistryAndHealth) {
  MetricsServer m("", "daqz-test");
  EXPECT_TRUE(m.url().empty());
  EXPECT_TRUE(m.base_url().empty());
  m.health().set_state(DeviceState::kRunning);
  EXPECT_TRUE(m.health().readiness().ok);
  EXPECT_EQ(m.http_stats().accepted, 0u);
}

}  // namespace
}  // namespace daqz
