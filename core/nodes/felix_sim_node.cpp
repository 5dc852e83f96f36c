#include "nodes/felix_sim_node.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "base/npy.h"
#include "runtime/health_state.h"
#include "runtime/metrics_server.h"
#include "sim/collision_system.h"
#include "sim/jet_generator.h"
#include "sim/stream_pacer.h"
#include "sim/tpc_simulator.h"
#include "sim/tpcml_hdf5.h"
#include "sim/wedge_source.h"
#include "transport/curve.h"
#include "transport/zmq_io.h"
#include "wire/message.h"
#include "wire/record_key.h"

namespace daqz {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One event = 24 wedges of the outer TPC group; its jet batch follows its last wedge.
constexpr uint64_t kWedgesPerEvent = 24;

std::unique_ptr<WedgeSource> make_source(const FelixSimConfig& c) {
  if (c.input.empty()) {
    TpcSimConfig sim;
    apply_collision_system(sim, c.collisions, c.pileup_khz >= 0 ? std::optional<double>(c.pileup_khz) : std::nullopt);
    return make_tpc_sim_source(sim, c.seed, 0);
  }
  const std::string ext = std::filesystem::path(c.input).extension().string();
  if (ext == ".h5" || ext == ".hdf5") return make_hdf5_source(c.input);
  return make_npy_folder_source(c.input, c.loop);
}

struct FelixSimMetrics {
  prometheus::Counter& wedges;
  prometheus::Counter& jets;
  prometheus::Counter& bytes;
  prometheus::Counter& blocked_seconds;
  prometheus::Counter& acks;
  prometheus::Counter& resent;
  prometheus::Gauge& unacked;
  explicit FelixSimMetrics(prometheus::Registry& r)
      : wedges(add_counter(r, "daqz_felix_sim_messages_sent_total", "Messages sent", {{"kind", "wedge"}})),
        jets(add_counter(r, "daqz_felix_sim_messages_sent_total", "Messages sent", {{"kind", "jets"}})),
        bytes(add_counter(r, "daqz_felix_sim_bytes_sent_total", "Payload and envelope bytes sent")),
        blocked_seconds(add_counter(r, "daqz_felix_sim_backpressure_seconds_total",
                                    "Time spent waiting for the ingest node to accept a message")),
        acks(add_counter(r, "daqz_felix_sim_acks_total", "Messages acknowledged as stored")),
        resent(add_counter(r, "daqz_felix_sim_resent_messages_total", "Messages re-sent after an acknowledgement time-out")),
        unacked(add_gauge(r, "daqz_felix_sim_unacked_messages", "Messages sent but not yet acknowledged")) {}
};

}  // namespace

struct FelixSimNode::Impl {
  const FelixSimConfig& c;
  FelixSimMetrics metrics;
  std::function<bool()> stop_requested;
  std::unique_ptr<WedgeSource> source;
  std::unique_ptr<JetSource> jet_source;
  std::vector<SparseWedge> pool;
  std::vector<Message> pool_messages;  // the pool's wedges serialised once (payload + CRC): flat-out
                                       // runs then measure the pipeline, not the simulator's encoding
  zmq::context_t ctx{1};
  CurveSecurity curve{ctx, c.node.curve};
  SocketOptions opts;
  std::optional<zmq::socket_t> push;
  std::optional<ReliableSender> out;
  StreamPacer pacer{c.rate};
  const std::string jet_source_id = c.source_id + "-jets";
  Clock::time_point start;
  uint64_t wedges = 0, jet_messages = 0, bytes = 0, unsent = 0;

  Impl(const FelixSimConfig& config, DeviceContext& device)
      : c(config), metrics(device.registry), stop_requested(device.stop_requested) {
    source = make_source(c);
    if (c.jets) jet_source = make_jet_generator(c.seed);
    spdlog::info("source: {}, run {}; sending to {} endpoint(s), rate {}", source->describe(), c.run,
                 c.endpoints.size(), c.rate > 0 ? std::to_string(c.rate) + " wedges/s" : std::string("flat out"));
    if (!c.dump_dir.empty()) std::filesystem::create_directories(c.dump_dir);
    for (size_t i = 0; i < c.pool; ++i) {
      auto w = source->next();
      if (!w) break;
      pool_messages.push_back(make_wedge_message(*w, c.source_id, 0));
      pool.push_back(std::move(*w));
    }
    curve.require_roles(/*server=*/false, /*client=*/true);
    opts.hwm = c.node.hwm;
    opts.curve = curve.client();
    push.emplace(make_socket(ctx, zmq::socket_type::push, opts));
    connect_all(*push, c.endpoints);
    out.emplace(ctx, *push, c.reliable, opts);
    out->on_bytes_sent = [this](uint64_t n) { metrics.bytes.Increment(double(n)); };
    out->on_ack = [this](const RecordKey&) { metrics.acks.Increment(); };
    out->on_resend = [this] { metrics.resent.Increment(); };
    out->on_blocked = [this] { count_blocked(); };
    if (out->reliable())
      spdlog::info("acknowledgements at {}; re-send after {:.0f} s", out->reply_to(), c.reliable.resend_after_s);
    start = Clock::now();
  }

  // Back-pressure time is counted while the wait goes on (the sender's on_blocked fires every
  // ~100 ms of it), not once the send returns: a stalled downstream must show on the dashboard
  // while it is stalled, not as one spike afterwards.
  std::optional<Clock::time_point> blocked_since;  // set while send() is in progress
  void count_blocked() {
    if (!blocked_since) return;
    const auto now = Clock::now();
    metrics.blocked_seconds.Increment(std::chrono::duration<double>(now - *blocked_since).count());
    blocked_since = now;
  }

  bool send(Message m) {
    // Take the acknowledgements that arrived and re-send what is overdue before each message: left
    // to the back-pressure waits alone, acks would pile up unread and a dead ingest node's messages
    // would be re-sent only once the replay buffer filled (minutes at a low rate) or at the end.
    out->service(stop_requested);
    metrics.unacked.Set(double(out->unacked()));
    m.envelope.set_run(c.run);
    const uint64_t size = m.envelope.ByteSizeLong() + m.payload.size();
    blocked_since = Clock::now();
    const bool sent = out->send(std::move(m), stop_requested);
    count_blocked();
    blocked_since.reset();
    if (!sent) return false;
    bytes += size;
    metrics.unacked.Set(double(out->unacked()));
    return true;
  }

  // `make_array` runs only when the record is dumped: densifying a wedge (1.5 MB) per send was a third
  // of the simulator's CPU in flat-out runs.
  template <typename MakeArray>
  void dump(const std::string& source_id, uint64_t sequence, MakeArray make_array) {
    if (c.dump_dir.empty() || (c.dump_limit && sequence >= c.dump_limit)) return;
    write_npy(c.dump_dir + "/" + record_file_stem({source_id, c.run, sequence}) + ".npy", make_array());
  }

  // One wedge (and the event's jets after every 24th). False when there is nothing more to send.
  bool send_next() {
    if (c.count && wedges >= c.count) return false;
    if (c.duration_s > 0 && std::chrono::duration<double>(Clock::now() - start).count() >= c.duration_s) return false;
    const SparseWedge* w = nullptr;
    std::optional<SparseWedge> generated;
    Message m;
    if (!pool.empty()) {
      w = &pool[wedges % pool.size()];
      m = pool_messages[wedges % pool.size()];
      m.envelope.set_sequence(wedges);
      m.envelope.set_timestamp_ns(now_ns());
    } else {
      generated = source->next();
      if (!generated) return false;
      w = &*generated;
      m = make_wedge_message(*w, c.source_id, wedges);
    }
    pacer.wait_next();
    if (!send(std::move(m))) {
      ++unsent;
      return false;
    }
    dump(c.source_id, wedges, [&] { return npy_from_wedge(to_dense(*w)); });
    ++wedges;
    metrics.wedges.Increment();
    if (jet_source && wedges % kWedgesPerEvent == 0) {
      if (auto jets = jet_source->next(); jets && jets->n > 0) {
        if (!send(make_jet_message(*jets, jet_source_id, jet_messages))) return false;
        dump(jet_source_id, jet_messages,
             [&] { return NpyArray::make(NpyDType::kFloat32, {jets->n, jets->f}, jets->values.data()); });
        ++jet_messages;
        metrics.jets.Increment();
      }
    }
    return true;
  }

  int finish() {
    // End-of-stream markers carry the count sent, so downstream can tell loss from silence.
    auto end_of_stream = [&](const std::string& source_id, uint64_t count) {
      Message m = make_end_of_stream(source_id, count);
      m.envelope.set_run(c.run);
      (void)send_message(*push, m, milliseconds(1000));
    };
    end_of_stream(c.source_id, wedges);
    if (jet_source) end_of_stream(jet_source_id, jet_messages);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (out->reliable() && !out->wait_all_acked(c.drain_timeout_s))
      spdlog::error("{} messages still unacknowledged after {:.0f} s", out->unacked(), c.drain_timeout_s);
    metrics.unacked.Set(double(out->unacked()));
    const double wedges_per_second = seconds > 0 ? double(wedges) / seconds : 0.0;
    const double bytes_per_wedge = wedges ? double(bytes) / double(wedges) : 0.0;
    if (c.json) {
      const nlohmann::json summary = {{"run", c.run},
                                      {"wedges_sent", wedges},
                                      {"jet_batches_sent", jet_messages},
                                      {"bytes_sent", bytes},
                                      {"bytes_per_wedge", bytes_per_wedge},
                                      {"dense_bytes_per_wedge", kOuterWedgeShape.voxels() * sizeof(uint16_t)},
                                      {"seconds", seconds},
                                      {"wedges_per_second", wedges_per_second},
                                      {"unsent", unsent},
                                      {"acknowledged", out->acked()},
                                      {"resent", out->resent()},
                                      {"unacknowledged", out->unacked()}};
      std::cout << summary.dump() << std::endl;
    }
    spdlog::info("sent {} wedges and {} jet batches in {:.2f} s ({:.1f} wedges/s, {:.0f} bytes/wedge)", wedges,
                 jet_messages, seconds, wedges_per_second, bytes_per_wedge);
    if (c.stay) {
      spdlog::info("done sending; serving metrics until stopped");
      while (!stop_requested()) {
        out->service(stop_requested);
        metrics.unacked.Set(double(out->unacked()));
        std::this_thread::sleep_for(milliseconds(100));
      }
    }
    // The socket's linger (SocketOptions) flushes queued messages when it closes.
    return out->unacked() == 0 ? 0 : kUnacknowledgedExitCode;
  }
};

FelixSimNode::FelixSimNode(FelixSimConfig config) : config_(std::move(config)) {
  if (config_.run == FelixSimConfig::kNewRun)
    config_.run = uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count());
}
FelixSimNode::~FelixSimNode() = default;

void FelixSimNode::init(DeviceContext& ctx) { impl_ = std::make_unique<Impl>(config_, ctx); }
bool FelixSimNode::run_once() { return impl_->send_next(); }
int FelixSimNode::drain() { return impl_->finish(); }

}  // namespace daqz
