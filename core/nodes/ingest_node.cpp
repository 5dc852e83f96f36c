#include "nodes/ingest_node.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "codec/codec.h"
#include "codec_classic/classic_codecs.h"
#include "codec/model_repository.h"
#include "nodes/ingest_receiver.h"
#include "nodes/ingest_rejects.h"
#include "nodes/rate_monitor.h"
#include "runtime/health_state.h"
#include "transport/curve.h"

namespace daqz {
namespace {

using Clock = std::chrono::steady_clock;

IngestTargets targets_of(const IngestConfig& c) {
  return {c.target_wedges_per_second, c.target_bytes_per_second > 0
                                          ? c.target_bytes_per_second
                                          : c.target_wedges_per_second * IngestConfig::kNominalWedgeWireBytes};
}

std::string parent_dir(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// A directory, a name (latest version) or name@version under the models root (codec/model_repository.h).
std::string resolve_model_dir(const std::string& model, const std::string& root) {
  if (model.empty()) return "";
  try {
    return ModelRepository({root}).resolve(model).dir;
  } catch (const ModelCardError& e) {
    spdlog::warn("{}", e.what());
    return model;  // the codec then reports it missing: fatal with --require-model, else lossless fallback
  }
}

}  // namespace

void validate(const IngestConfig& c) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("ingest config: " + what); };
  validate(c.node, /*listens=*/true);
  if (c.forward.sinks.empty()) fail("'sink' needs at least one endpoint");
  if (c.pool.workers < 1) fail("'workers' must be >= 1");
  if (c.intra_op_threads < 1) fail("'intra-op-threads' must be >= 1");
  if (c.pool.max_batch < 1) fail("'max-batch' must be >= 1");
  if (c.pool.queue_capacity < 1) fail("'queue-capacity' must be >= 1");
  if (c.pool.max_delay_ms < 0) fail("'max-delay-ms' must be >= 0");
  if (c.forward.replay_capacity < 1) fail("'replay-capacity' must be >= 1");
  if (c.rate_window_s <= 0) fail("'rate-window' must be > 0");
  if (c.target_wedges_per_second < 0 || c.target_bytes_per_second < 0) fail("targets must be >= 0");
  validate(c.fidelity);
  check_compute_device(c.device);  // an unusable --device is a set-up error, never a silent CPU fallback
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (unsigned(c.pool.workers * c.intra_op_threads) > cores)
    spdlog::warn("workers x intra-op threads = {} exceeds the {} cores: threads will contend",
                 c.pool.workers * c.intra_op_threads, cores);
}

struct IngestNode::Impl {
  const IngestConfig& cfg;
  IngestStats stats;
  std::shared_ptr<HealthState> health;
  zmq::context_t ctx{1};
  CurveSecurity curve{ctx, cfg.node.curve};  // after ctx: its ZAP handler closes before the context
  IngestRejects rejects;
  CodecSpec codecs;
  std::unique_ptr<FidelityMonitor> fidelity;
  std::unique_ptr<Forwarder> forwarder;
  std::unique_ptr<EncoderPool> pool;
  std::vector<std::unique_ptr<IngestReceiver>> receivers;
  RateMonitor wedge_rate, byte_rate;
  std::mutex codec_status_mu;  // guards the two below (workers report as they load)
  int workers_loaded = 0;
  std::string codec_notes;     // codecs that fell back to lossless, for /readyz

  Impl(const IngestConfig& c, DeviceContext& device)
      : cfg(c),
        stats(device.registry, targets_of(c)),
        health(device.health),
        rejects(c.quarantine_path, stats),
        wedge_rate(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.rate_window_s))),
        byte_rate(wedge_rate) {
    register_classic_codecs();  // lossless is the fallback of every stream
    health->set_condition("sockets_bound", false, "not bound yet");
    health->set_condition("codecs_loaded", false, "loading");
    curve.require_roles(/*server=*/true, /*client=*/true);
    curve.count_failures(add_counter(device.registry, "daqz_ingest_auth_failures_total", CurveSecurity::kAuthFailuresHelp));
    stats.input_capacity.Set(double(c.pool.queue_capacity));
    stats.output_capacity.Set(double(c.forward.queue_capacity));
    stats.replay_capacity.Set(double(c.forward.replay_capacity));
    resolve_codecs();
    probe_codecs();
    std::vector<std::string> model_roots{cfg.models_root};
    if (!codecs.wedge_options.model_dir.empty()) model_roots.push_back(parent_dir(codecs.wedge_options.model_dir));
    fidelity = std::make_unique<FidelityMonitor>(cfg.fidelity, model_roots, device.registry);
  }

  void resolve_codecs() {
    auto options = [&](const std::string& model) {
      CodecOptions o;
      o.model_dir = resolve_model_dir(model, cfg.models_root);
      o.device = cfg.device;
      o.intra_op_threads = cfg.intra_op_threads;
      o.params = cfg.codec_params;
      return o;
    };
    codecs.wedge_codec = cfg.wedge_codec;
    codecs.wedge_options = options(cfg.wedge_model);
    codecs.jet_codec = cfg.jet_codec;
    codecs.jet_options = options(cfg.jet_model);
  }

  // Checks once at start that the configured codecs load; falls back to lossless otherwise.
  void probe_codecs() {
    auto probe = [&](const char* kind, const std::string& id, bool& ok, auto make) {
      try {
        make();
      } catch (const std::exception& e) {
        if (cfg.require_model) throw;
        ok = false;
        note_codec_problem(std::string(kind) + " codec '" + id + "' unavailable, storing " + kind + "s losslessly");
        stats.codec_unavailable.Increment();
        spdlog::error("{} codec '{}' unavailable ({}); storing {}s losslessly", kind, id, e.what(), kind);
      }
    };
    probe("wedge", codecs.wedge_codec, codecs.wedge_ok, [&] { make_wedge_codec(codecs.wedge_codec, codecs.wedge_options); });
    probe("jet", codecs.jet_codec, codecs.jet_ok, [&] { make_jet_codec(codecs.jet_codec, codecs.jet_options); });
  }

  void note_codec_problem(const std::string& what) {
    std::lock_guard<std::mutex> lock(codec_status_mu);
    codec_notes += (codec_notes.empty() ? "" : "; ") + what;
  }

  // Readiness waits for every worker's codecs: a model loads in seconds on a GPU node.
  void worker_loaded() {
    std::lock_guard<std::mutex> lock(codec_status_mu);
    if (++workers_loaded == cfg.pool.workers) health->set_condition("codecs_loaded", true, codec_notes);
  }

  void start_parts() {
    ForwarderConfig fc = cfg.forward;
    fc.queue_capacity = cfg.pool.queue_capacity;  // --queue-capacity bounds both queues
    fc.node_id = cfg.node.node_id;
    fc.hwm = cfg.node.hwm;
    fc.max_message_bytes = cfg.node.max_message_bytes;
    forwarder = std::make_unique<Forwarder>(fc, ctx, curve, stats);
    pool = std::make_unique<EncoderPool>(
        cfg.pool, codecs, stats, rejects, fidelity.get(), [this](ForwardItem&& item) { forwarder->enqueue(std::move(item)); },
        [this] { worker_loaded(); });
    ReceiverConfig rc;
    rc.hwm = cfg.node.hwm;
    rc.max_message_bytes = cfg.node.max_message_bytes;
    rc.acks_enabled = !cfg.forward.ack_listen.empty();
    rc.drain_quiet_ms = cfg.drain_quiet_ms;
    for (const auto& endpoint : cfg.node.listen)  // all bound before any starts: a bad endpoint fails init
      receivers.push_back(std::make_unique<IngestReceiver>(endpoint, rc, ctx, curve, *pool, stats, rejects));
    health->set_condition("sockets_bound", true);
    for (auto& r : receivers) r->start();
  }

  // Achieved rates against the FELIX-rate target and the queue depths.
  void update_gauges() {
    const auto now = Clock::now();
    const IngestStats::Counts c = stats.counts();
    const double wedges_per_s = wedge_rate.update(now, double(c.wedges_encoded));
    stats.achieved_wedges_per_second.Set(wedges_per_s);
    stats.achieved_bytes_per_second.Set(byte_rate.update(now, stats.bytes_in.Value()));
    stats.target_ratio.Set(target_fraction(wedges_per_s, cfg.target_wedges_per_second));
    stats.input_depth.Set(double(pool->queued()));
    stats.output_depth.Set(double(forwarder->queued()));
  }

  // Receivers first (nothing new comes in), then the pool (everything taken is encoded), then the
  // forwarder (everything encoded is sent and, bounded, acknowledged).
  size_t stop_parts() {
    for (auto& r : receivers) r->drain();
    if (pool) pool->stop();
    return forwarder ? forwarder->stop() : 0;
  }

  ~Impl() { stop_parts(); }  // a node that failed mid-way still joins its threads
};

IngestNode::IngestNode(IngestConfig config) : config_(std::move(config)) {}
IngestNode::~IngestNode() = default;

void IngestNode::init(DeviceContext& ctx) {
  validate(config_);
  impl_ = std::make_unique<Impl>(config_, ctx);
  impl_->start_parts();
  spdlog::info("{}: listen {}, sinks {}, wedge codec '{}'{}, {} worker(s)", config_.node.node_id,
               config_.node.listen.front(), config_.forward.sinks.front(), config_.wedge_codec,
               impl_->codecs.wedge_options.model_dir.empty() ? "" : " (" + impl_->codecs.wedge_options.model_dir + ")",
               config_.pool.workers);
}

bool IngestNode::run_once() {
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  impl_->update_gauges();
  return true;
}

int IngestNode::drain() {
  const size_t unacked = impl_->stop_parts();
  impl_->update_gauges();
  const IngestStats::Counts c = counts();
  spdlog::info("stopped: received {}, rejected {}, encoded {} wedges and {} jets ({} lossless fallback), sent {}, "
               "acked {}, re-sent {}",
               c.received, c.rejected, c.wedges_encoded, c.jets_encoded, c.fallback, c.sent, c.acked, c.resent);
  return unacked == 0 ? 0 : kUnacknowledgedExitCode;
}

IngestStats::Counts IngestNode::counts() const { return impl_ ? impl_->stats.counts() : IngestStats::Counts{}; }

}  // namespace daqz
