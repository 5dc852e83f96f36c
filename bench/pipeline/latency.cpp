// Mode latency: at a fixed rate, per-message latency from the send (this process is the FELIX
// sender) to the upstream acknowledgement (record durable after fsync at the sink), p50/p90/p99;
// plus the ingest node's own histogram (sender timestamp -> record forwarded) as a cross-check.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "modes.h"
#include "pipeline.h"
#include "sim/stream_pacer.h"
#include "testing/free_ports.h"
#include "testing/http_client.h"
#include "testing/proc_stats.h"
#include "testing/prometheus_text.h"
#include "transport/zmq_io.h"

namespace daqz::bench {

CLI::App* add_latency_command(CLI::App& app, LatencyArgs& a) {
  auto* l = app.add_subcommand("latency", "End-to-end latency percentiles at a fixed rate");
  l->add_option("--codec", a.codec, "Ingest wedge codec")->capture_default_str();
  l->add_option("--rate", a.rate, "Wedges/s (well below saturation)")->capture_default_str();
  l->add_option("--seconds", a.seconds, "Measurement window")->capture_default_str();
  l->add_option("--threads", a.threads, "Intra-op threads")->capture_default_str();
  l->add_option("--batch", a.batch, "Max batch")->capture_default_str();
  return l;
}

namespace {

// Acknowledgements arriving on a PULL socket, timed on arrival by a reader thread that stops and
// joins on every exit path (a joinable thread left behind would terminate the process).
class AckClock {
 public:
  AckClock(zmq::context_t& ctx, std::string source) : acks_(ctx, zmq::socket_type::pull), source_(std::move(source)) {
    acks_.set(zmq::sockopt::linger, 0);
    acks_.set(zmq::sockopt::rcvtimeo, 100);
    endpoint_ = "tcp://127.0.0.1:" + std::to_string(free_tcp_ports(1)[0]);
    acks_.bind(endpoint_);
    reader_ = std::thread([this] { read(); });
  }
  ~AckClock() { stop(); }
  void stop() {
    stop_ = true;
    if (reader_.joinable()) reader_.join();
  }
  const std::string& endpoint() const { return endpoint_; }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_at_.size();
  }
  // Arrival times by sequence (call after stop()).
  const std::map<uint64_t, Clock::time_point>& arrivals() const { return acked_at_; }

 private:
  void read() {
    while (!stop_.load()) {
      auto frames = recv_frames(acks_, std::chrono::milliseconds(100));
      if (!frames) continue;
      const auto now = Clock::now();
      try {
        const Message m = message_from_frames(*frames, {});
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& e : m.envelope.acks())
          if (e.source_id() == source_) acked_at_.emplace(e.sequence(), now);
      } catch (const std::exception& e) {
        spdlog::warn("bad ack: {}", e.what());
      }
    }
  }
  zmq::socket_t acks_;
  std::string source_, endpoint_;
  std::mutex mu_;
  std::map<uint64_t, Clock::time_point> acked_at_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

}  // namespace

int run_latency(Common& c, const LatencyArgs& a) {
  std::printf("\n== latency: %s at %.1f wedges/s for %.0f s (this process sends, paced like felix-sim) ==\n",
              describe_codec(c, a.codec).c_str(), a.rate, a.seconds);
  const auto pool = make_pool(c.pool, c.seed);
  zmq::context_t ctx(1);
  const std::string source = "bench-latency";
  AckClock acks(ctx, source);
  PipelineSpec s;
  s.codec = a.codec;
  s.threads = a.threads;
  s.batch = a.batch;
  s.start_felix = false;
  Pipeline p(c, s, "latency");
  SocketOptions opts;
  zmq::socket_t push = make_socket(ctx, zmq::socket_type::push, opts);
  connect_all(push, {p.data_endpoint()});

  // Warm-up at the same rate until the first acknowledgement (the model loads), then `warmup_s` more;
  // those messages are sent but left out of the statistics.
  StreamPacer pacer(a.rate);
  std::vector<Clock::time_point> sent_at;  // by sequence
  uint64_t seq = 0;
  auto send_one = [&] {
    pacer.wait_next();
    Message m = make_wedge_message(pool[seq % pool.size()], source, seq);  // stamps timestamp_ns now
    m.envelope.set_reply_to(acks.endpoint());  // the ingest node acknowledges here once a sink stored it
    const auto t = Clock::now();
    while (!send_message(push, m, std::chrono::milliseconds(100))) p.check_alive();
    sent_at.push_back(t);
    ++seq;
  };
  const auto t_start = Clock::now();
  for (;;) {
    send_one();
    if (acks.count() > 0) break;
    if (seconds_since(t_start) > 180) throw std::runtime_error("no acknowledgement within 180 s");
  }
  const auto t_warm = Clock::now();
  while (seconds_since(t_warm) < c.warmup_s) send_one();
  const uint64_t first_measured = seq;
  const std::string histogram = "daqz_ingest_end_to_end_latency_seconds";
  const auto before = prometheus_histogram_buckets(http_get(p.url(Service::kIngest)), histogram);
  const auto t0 = Clock::now();
  while (seconds_since(t0) < a.seconds) send_one();
  const uint64_t end_seq = seq;
  const double send_seconds = seconds_since(t0);
  const auto t_wait = Clock::now();  // the last acknowledgements
  while (acks.count() < end_seq && seconds_since(t_wait) <= 30) sleep_s(0.05);
  const auto after = prometheus_histogram_buckets(http_get(p.url(Service::kIngest)), histogram);
  const double load = load_1min();
  acks.stop();
  p.stop();

  std::vector<double> lat_ms;
  uint64_t missing = 0;
  for (uint64_t i = first_measured; i < end_seq; ++i) {
    auto it = acks.arrivals().find(i);
    if (it == acks.arrivals().end()) {
      ++missing;
      continue;
    }
    lat_ms.push_back(std::chrono::duration<double, std::milli>(it->second - sent_at[i]).count());
  }
  double mean = 0;
  for (double v : lat_ms) mean += v / double(lat_ms.size());
  const double max = lat_ms.empty() ? 0.0 : *std::max_element(lat_ms.begin(), lat_ms.end());
  const double achieved = double(end_seq - first_measured) / send_seconds;
  std::printf("%zu messages measured (achieved %.2f wedges/s), %lu unacknowledged after 30 s, load 1m %.2f\n",
              lat_ms.size(), achieved, (unsigned long)missing, load);
  std::printf("%-52s %9s %9s %9s %9s %9s\n", "latency (ms)", "p50", "p90", "p99", "max", "mean");
  std::printf("%-52s %9.1f %9.1f %9.1f %9.1f %9.1f\n", "send -> sink ack (durable, exact per message)",
              percentile(lat_ms, 0.5), percentile(lat_ms, 0.9), percentile(lat_ms, 0.99), max, mean);
  const double h50 = 1e3 * histogram_quantile(before, after, 0.5), h90 = 1e3 * histogram_quantile(before, after, 0.9),
               h99 = 1e3 * histogram_quantile(before, after, 0.99);
  std::printf("%-52s %9.1f %9.1f %9.1f %9s %9s\n", "ingest histogram: send -> forwarded (interpolated)", h50, h90, h99,
              "", "");
  std::fflush(stdout);
  c.results["latency_" + a.codec] = {
      {"codec", describe_codec(c, a.codec)}, {"rate", a.rate}, {"achieved_rate", achieved}, {"measured", lat_ms.size()},
      {"unacknowledged", missing}, {"ack_p50_ms", percentile(lat_ms, 0.5)}, {"ack_p90_ms", percentile(lat_ms, 0.9)},
      {"ack_p99_ms", percentile(lat_ms, 0.99)}, {"ack_max_ms", max}, {"ack_mean_ms", mean},
      {"ingest_hist_p50_ms", h50}, {"ingest_hist_p90_ms", h90}, {"ingest_hist_p99_ms", h99}, {"load_1m", load}};
  return 0;
}

}  // namespace daqz::bench
