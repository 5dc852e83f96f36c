#include "nodes/ingest_node.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "codec/codec.h"
#include "codec_classic/classic_codecs.h"
#include "codec_classic/lossless_codec.h"
#include "codec/model_repository.h"
#include "runtime/bounded_queue.h"
#include "nodes/ingest_metrics.h"
#include "runtime/health_state.h"
#include "runtime/metrics_server.h"
#include "nodes/rate_monitor.h"
#include "storage/quarantine.h"
#include "transport/curve.h"
#include "transport/ack_publisher.h"
#include "transport/reliable_sender.h"
#include "transport/zmq_io.h"
#include "wire/message.h"
#include "wire/record_key.h"

namespace daqz {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct WorkItem {
  wire::Kind kind = wire::KIND_WEDGE_ZS;
  std::string source;
  uint64_t run = 0;  // the source's run: part of the record's identity (wire/record_key.h)
  uint64_t sequence = 0;
  uint64_t sent_ns = 0;  // sender's timestamp, for end-to-end latency
  std::string upstream;  // the sender's reply_to: where to acknowledge once a sink has stored it
  SparseWedge wedge;
  JetBatch jets;
  Clock::time_point received;
};

struct OutItem {
  Message message;
  uint64_t sent_ns = 0;
  std::string upstream;
};

double effective_target_bytes(const IngestConfig& c) {
  return c.target_bytes_per_second > 0 ? c.target_bytes_per_second
                                       : c.target_wedges_per_second * IngestConfig::kNominalWedgeWireBytes;
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
  if (c.sinks.empty()) fail("'sink' needs at least one endpoint");
  if (c.workers < 1) fail("'workers' must be >= 1");
  if (c.intra_op_threads < 1) fail("'intra-op-threads' must be >= 1");
  if (c.max_batch < 1) fail("'max-batch' must be >= 1");
  if (c.queue_capacity < 1) fail("'queue-capacity' must be >= 1");
  if (c.max_delay_ms < 0) fail("'max-delay-ms' must be >= 0");
  if (c.rate_window_s <= 0) fail("'rate-window' must be > 0");
  if (c.target_wedges_per_second < 0 || c.target_bytes_per_second < 0) fail("targets must be >= 0");
  validate(c.fidelity);
  check_compute_device(c.device);  // an unusable --device is a set-up error, never a silent CPU fallback
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (unsigned(c.workers * c.intra_op_threads) > cores)
    spdlog::warn("workers x intra-op threads = {} exceeds the {} cores: threads will contend",
                 c.workers * c.intra_op_threads, cores);
}

struct IngestNode::Impl {
  const IngestConfig& cfg;
  IngestMetrics metrics;
  std::shared_ptr<HealthState> health;
  std::function<bool()> stop_requested;
  zmq::context_t ctx{1};
  CurveSecurity curve{ctx, cfg.node.curve};  // after ctx: its ZAP handler closes before the context
  std::optional<zmq::socket_t> pull;          // after ctx: closed before it
  QuarantineWriter quarantine;
  BoundedQueue<WorkItem> input;
  BoundedQueue<OutItem> output;
  std::atomic<uint64_t> received{0}, rejected{0}, encoded{0}, fallback{0}, sent{0}, acked{0}, resent{0};
  std::atomic<uint64_t> unacked_at_exit{0};
  // Totals behind the rate and compression-ratio gauges.
  std::atomic<uint64_t> wedges_done{0}, bytes_received{0};
  std::atomic<uint64_t> dense_wedge_bytes{0}, stored_wedge_bytes{0}, dense_jet_bytes{0}, stored_jet_bytes{0};
  RateMonitor wedge_rate, byte_rate;  // receiver thread only
  Clock::time_point next_rate_update{};
  std::unique_ptr<FidelityMonitor> fidelity;
  std::atomic<bool> warned_no_acks{false};
  std::atomic<int> workers_running{0};
  std::string wedge_model_dir, jet_model_dir;
  bool wedge_codec_ok = true, jet_codec_ok = true;
  std::mutex codec_status_mu;  // guards the two below (workers report as they load)
  int workers_loaded = 0;
  std::string codec_notes;     // codecs that fell back to lossless, for /readyz
  std::thread sender;
  std::vector<std::thread> workers;

  Impl(const IngestConfig& c, DeviceContext& device)
      : cfg(c),
        metrics(device.registry, c.target_wedges_per_second, effective_target_bytes(c)),
        health(device.health),
        stop_requested(device.stop_requested),
        quarantine(c.quarantine_path),
        input(c.queue_capacity), output(c.queue_capacity),
        wedge_rate(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(c.rate_window_s))),
        byte_rate(wedge_rate) {
    register_classic_codecs();  // lossless is the fallback of every stream
    curve.require_roles(/*server=*/true, /*client=*/true);
    prometheus::Registry& r = device.registry;
    curve.count_failures(add_counter(r, "daqz_ingest_auth_failures_total", CurveSecurity::kAuthFailuresHelp));
    wedge_model_dir = resolve_model_dir(cfg.wedge_model, cfg.models_root);
    std::vector<std::string> model_roots{cfg.models_root};
    if (!wedge_model_dir.empty()) model_roots.push_back(parent_dir(wedge_model_dir));
    fidelity = std::make_unique<FidelityMonitor>(cfg.fidelity, model_roots, r);
    jet_model_dir = resolve_model_dir(cfg.jet_model, cfg.models_root);
    metrics.input_capacity.Set(double(c.queue_capacity));
    metrics.output_capacity.Set(double(c.queue_capacity));
    metrics.replay_capacity.Set(double(c.replay_capacity));
  }

  CodecOptions codec_options(const std::string& model_dir) const {
    CodecOptions o;
    o.model_dir = model_dir;
    o.device = cfg.device;
    o.intra_op_threads = cfg.intra_op_threads;
    o.params = cfg.codec_params;
    return o;
  }

  // Checks once at start that the configured codecs load; falls back to lossless otherwise.
  void probe_codecs() {
    try {
      make_wedge_codec(cfg.wedge_codec, codec_options(wedge_model_dir));
    } catch (const std::exception& e) {
      if (cfg.require_model) throw;
      wedge_codec_ok = false;
      note_codec_problem("wedge codec '" + cfg.wedge_codec + "' unavailable, storing wedges losslessly");
      metrics.codec_unavailable.Increment();
      spdlog::error("wedge codec '{}' unavailable ({}); storing wedges losslessly", cfg.wedge_codec, e.what());
    }
    try {
      make_jet_codec(cfg.jet_codec, codec_options(jet_model_dir));
    } catch (const std::exception& e) {
      if (cfg.require_model) throw;
      jet_codec_ok = false;
      note_codec_problem("jet codec '" + cfg.jet_codec + "' unavailable, storing jets losslessly");
      metrics.codec_unavailable.Increment();
      spdlog::error("jet codec '{}' unavailable ({}); storing jets losslessly", cfg.jet_codec, e.what());
    }
  }

  void note_codec_problem(const std::string& what) {
    std::lock_guard<std::mutex> lock(codec_status_mu);
    codec_notes += (codec_notes.empty() ? "" : "; ") + what;
  }

  // Readiness waits for every worker's codecs: a model loads in seconds on a GPU node.
  void worker_loaded() {
    std::lock_guard<std::mutex> lock(codec_status_mu);
    if (++workers_loaded == cfg.workers) health->set_condition("codecs_loaded", true, codec_notes);
  }

  // A node that failed between init and drain still stops its threads (the queues close, the
  // workers and the sender finish what they hold).
  ~Impl() {
    input.close();
    for (auto& t : workers)
      if (t.joinable()) t.join();
    output.close();
    if (sender.joinable()) sender.join();
  }

  void reject(RejectReason reason, const std::string& what, const std::vector<uint8_t>& raw) {
    ++rejected;
    metrics.rejected(reason).Increment();
    const bool kept = quarantine.write(reason, what, raw);
    if (kept) metrics.quarantined.Increment();
    spdlog::warn("rejected frame ({}): {}{}", reject_reason_label(reason), what, kept ? "" : " [quarantine full]");
  }

  // ---- receiver -----------------------------------------------------------------------------
  // Returns false when the frames were not a data message (rejected or end-of-stream).
  bool accept(std::vector<zmq::message_t>& frames, WorkItem& item) {
    size_t bytes = 0;
    for (auto& f : frames) bytes += f.size();
    metrics.bytes_in.Increment(double(bytes));
    bytes_received += bytes;
    try {
      ValidationLimits limits;
      limits.max_payload_bytes = size_t(cfg.node.max_message_bytes);
      Message m = message_from_frames(frames, limits);
      const auto& e = m.envelope;
      item.kind = e.kind();
      item.source = e.source_id();
      item.run = e.run();
      item.sequence = e.sequence();
      item.sent_ns = e.timestamp_ns();
      item.upstream = e.reply_to();
      if (!item.upstream.empty() && cfg.ack_listen.empty() && !warned_no_acks.exchange(true))
        spdlog::warn("'{}' asks for acknowledgements ({}) but this node has no --ack-listen: it cannot tell when "
                     "records are stored, so it never acknowledges and the sender will re-send", item.source,
                     item.upstream);
      item.received = Clock::now();
      if (e.kind() == wire::KIND_WEDGE_ZS) {
        item.wedge = wedge_from_message(m, cfg.wedge_shape);
        metrics.messages_in_wedge.Increment();
        return true;
      }
      if (e.kind() == wire::KIND_JET_BATCH) {
        item.jets = jets_from_message(m);
        metrics.messages_in_jets.Increment();
        return true;
      }
      if (e.kind() == wire::KIND_END_OF_STREAM) {
        metrics.end_of_stream.Increment();
        spdlog::info("end of stream from '{}' after {} messages", e.source_id(), e.sequence());
        return false;
      }
      throw ValidationError(RejectReason::kUnknownKind, "kind " + wire::Kind_Name(e.kind()) +
                                                            " is not accepted on the ingest data channel");
    } catch (const ValidationError& e) {
      reject(e.reason(), e.what(), raw_frames_bytes(frames));
      return false;
    }
  }

  void enqueue(WorkItem& item) {
    // Blocking push with a bounded wait so a stop request is noticed; nothing is dropped.
    while (!input.push(item, milliseconds(100))) {
      metrics.backpressure_waits.Increment();
      if (input.closed()) return;
    }
    ++received;
  }

  void receive_one() {
    auto frames = recv_frames(*pull, milliseconds(100));
    metrics.input_depth.Set(double(input.size()));
    update_rates();
    if (!frames) return;
    WorkItem item;
    if (accept(*frames, item)) enqueue(item);
  }

  // Achieved rates against the FELIX-rate target, refreshed about once a second.
  void update_rates() {
    const auto now = Clock::now();
    if (now < next_rate_update) return;
    next_rate_update = now + std::chrono::seconds(1);
    const double wedges_per_s = wedge_rate.update(now, double(wedges_done));
    metrics.achieved_wedges_per_second.Set(wedges_per_s);
    metrics.achieved_bytes_per_second.Set(byte_rate.update(now, double(bytes_received)));
    metrics.target_ratio.Set(target_fraction(wedges_per_s, cfg.target_wedges_per_second));
  }

  void count_compression(const WorkItem& item, const EncodedRecord& record) {
    const uint64_t stored = record.bytes.size();
    if (item.kind == wire::KIND_WEDGE_ZS) {
      const double dense = double(dense_wedge_bytes += cfg.wedge_shape.voxels() * sizeof(uint16_t));
      metrics.compression_ratio_wedge.Set(dense / double(stored_wedge_bytes += stored));
    } else {
      const double dense = double(dense_jet_bytes += uint64_t(item.jets.n) * item.jets.f * sizeof(float));
      metrics.compression_ratio_jets.Set(dense / double(stored_jet_bytes += stored));
    }
  }

  // Drain: stop new connections, then empty what the socket already holds.
  void drain_socket(zmq::socket_t& pull) {
    for (const auto& ep : cfg.node.listen) {
      try {
        pull.unbind(ep);
      } catch (const zmq::error_t&) {
        // Wildcard endpoints ("tcp://*:5555") cannot be unbound by name; the quiet period below
        // still empties the socket.
      }
    }
    uint64_t drained = 0;
    while (auto frames = recv_frames(pull, milliseconds(int(cfg.drain_quiet_ms)))) {
      WorkItem item;
      if (accept(*frames, item)) {
        input.push(std::move(item));
        ++received;
        ++drained;
      }
    }
    spdlog::info("drain: took {} messages still queued in the socket", drained);
  }

  // ---- workers ------------------------------------------------------------------------------
  void worker_loop(int index) {
    std::unique_ptr<WedgeCodec> wedge_codec;
    std::unique_ptr<JetCodec> jet_codec;
    LosslessCodec lossless;
    std::unique_ptr<JetCodec> jet_lossless = make_jet_codec("jet-lossless", {});
    try {
      if (wedge_codec_ok) wedge_codec = make_wedge_codec(cfg.wedge_codec, codec_options(wedge_model_dir));
      if (jet_codec_ok) jet_codec = make_jet_codec(cfg.jet_codec, codec_options(jet_model_dir));
    } catch (const std::exception& e) {
      spdlog::error("worker {}: codec failed to load ({}); this worker stores losslessly", index, e.what());
      note_codec_problem("worker " + std::to_string(index) + ": codec failed to load, storing losslessly");
    }
    worker_loaded();
    const size_t max_batch = std::min(cfg.max_batch, wedge_codec ? std::max<size_t>(wedge_codec->preferred_batch(), 1)
                                                                 : cfg.max_batch);
    std::vector<WorkItem> batch;
    while (!input.drained()) {
      batch.clear();
      const size_t n = input.pop_batch(batch, max_batch, std::chrono::microseconds(int64_t(cfg.max_delay_ms * 1000)),
                                       milliseconds(100));
      if (n == 0) continue;
      metrics.batch_size.Observe(double(n));
      std::vector<const SparseWedge*> wedges;
      std::vector<size_t> wedge_index;
      for (size_t i = 0; i < n; ++i)
        if (batch[i].kind == wire::KIND_WEDGE_ZS) wedges.push_back(&batch[i].wedge), wedge_index.push_back(i);
      std::vector<EncodedRecord> records(n);
      if (!wedges.empty()) encode_wedges(wedge_codec.get(), lossless, wedges, wedge_index, records);
      for (size_t i = 0; i < n; ++i)
        if (batch[i].kind == wire::KIND_JET_BATCH) records[i] = encode_jets(jet_codec.get(), *jet_lossless, batch[i].jets);
      for (size_t i = 0; i < n; ++i) {
        count_compression(batch[i], records[i]);
        if (batch[i].kind == wire::KIND_WEDGE_ZS) fidelity->offer(batch[i].wedge, records[i]);
        OutItem out{make_record_message(records[i], batch[i].source, batch[i].sequence), batch[i].sent_ns,
                    std::move(batch[i].upstream)};
        out.message.envelope.set_run(batch[i].run);
        metrics.ratio_in_bytes.Increment(double(records[i].original_bytes));
        metrics.ratio_out_bytes.Increment(double(records[i].bytes.size()));
        output.push(std::move(out));
      }
      encoded += n;
    }
  }

  void encode_wedges(WedgeCodec* codec, LosslessCodec& lossless, const std::vector<const SparseWedge*>& wedges,
                     const std::vector<size_t>& index, std::vector<EncodedRecord>& records) {
    const auto t0 = Clock::now();
    std::vector<EncodedRecord> encoded_batch;
    bool ok = false;
    if (codec) {
      try {
        encoded_batch = codec->encode(wedges);
        ok = encoded_batch.size() == wedges.size();
        if (!ok) spdlog::error("codec returned {} records for {} wedges", encoded_batch.size(), wedges.size());
      } catch (const std::exception& e) {
        spdlog::error("wedge codec '{}' failed on a batch of {}: {}; storing them losslessly", cfg.wedge_codec,
                      wedges.size(), e.what());
      }
    }
    if (!ok) {
      encoded_batch.clear();
      for (const SparseWedge* w : wedges) encoded_batch.push_back(lossless.encode_one(*w));
      fallback += wedges.size();
      metrics.fallback_wedge.Increment(double(wedges.size()));
    }
    metrics.encode_seconds.Observe(std::chrono::duration<double>(Clock::now() - t0).count());
    metrics.wedges_encoded.Increment(double(wedges.size()));
    wedges_done += wedges.size();
    for (size_t k = 0; k < wedges.size(); ++k) records[index[k]] = std::move(encoded_batch[k]);
  }

  EncodedRecord encode_jets(JetCodec* codec, JetCodec& lossless, const JetBatch& jets) {
    if (codec) {
      try {
        auto r = codec->encode(jets);
        metrics.jets_encoded.Increment(double(jets.n));
        return r;
      } catch (const std::exception& e) {
        spdlog::error("jet codec '{}' failed: {}; storing the batch losslessly", cfg.jet_codec, e.what());
      }
    }
    ++fallback;
    metrics.fallback_jets.Increment();
    metrics.jets_encoded.Increment(double(jets.n));
    return lossless.encode(jets);
  }

  // ---- sender (owns the data-out, ack and upstream-ack sockets) -------------------------------
  // A record is acknowledged upstream (to the FELIX side's reply_to) only once a sink has stored
  // it, so a sender that keeps unacknowledged records loses nothing when this node dies.
  void sender_loop() {
    SocketOptions opts;
    opts.hwm = cfg.node.hwm;
    opts.max_message_bytes = cfg.node.max_message_bytes;
    opts.curve = curve.client();  // CURVE client of the sinks, for records and their acks
    zmq::socket_t push = make_socket(ctx, zmq::socket_type::push, opts);
    connect_all(push, cfg.sinks);
    ReliableSender out(ctx, push, {cfg.ack_listen, cfg.ack_advertise, cfg.replay_capacity, cfg.replay_timeout_s}, opts);
    SocketOptions upstream_opts;
    upstream_opts.hwm = 1000;
    upstream_opts.linger_ms = 500;
    upstream_opts.curve = curve.server();  // as the sink does for its acks: the server of the link acknowledges
    AckPublisher upstream_acks(ctx, cfg.node.node_id, upstream_opts);
    std::map<RecordKey, std::string> upstream_of;  // records in the replay buffer -> the sender's reply_to
    out.on_blocked = [&] { metrics.backpressure_waits.Increment(); };
    out.on_bytes_sent = [&](uint64_t n) { metrics.bytes_out.Increment(double(n)); };
    out.on_resend = [&] { ++resent, metrics.resent.Increment(); };
    out.on_ack = [&](const RecordKey& key) {
      ++acked;
      metrics.acks.Increment();
      if (auto it = upstream_of.find(key); it != upstream_of.end()) {
        upstream_acks.add(it->second, key);
        upstream_of.erase(it);
      }
    };
    auto service = [&] {
      out.service();
      if (upstream_acks.pending()) metrics.upstream_acks.Increment(double(upstream_acks.flush()));
      metrics.replay_depth.Set(double(out.unacked()));
    };
    while (true) {
      service();
      auto item = output.pop(milliseconds(20));
      metrics.output_depth.Set(double(output.size()));
      if (!item) {
        if (output.drained()) break;
        continue;
      }
      const RecordKey key = RecordKey::of(item->message.envelope);
      out.send(std::move(item->message), nullptr);
      ++sent;
      metrics.records_out.Increment();
      if (item->sent_ns) metrics.latency.Observe(double(now_ns() - item->sent_ns) * 1e-9);
      if (out.reliable() && !item->upstream.empty()) upstream_of[key] = std::move(item->upstream);
    }
    if (out.reliable()) {  // drain: wait (bounded) for the sinks to acknowledge everything sent
      out.wait_all_acked(cfg.drain_ack_timeout_s);
      service();
      unacked_at_exit = out.unacked();
      if (out.unacked() > 0)
        spdlog::error("drain: {} records still unacknowledged after {:.1f} s", out.unacked(), cfg.drain_ack_timeout_s);
    }
  }
};

IngestNode::IngestNode(IngestConfig config) : config_(std::move(config)) {}
IngestNode::~IngestNode() = default;

void IngestNode::init(DeviceContext& ctx) {
  validate(config_);
  impl_ = std::make_unique<Impl>(config_, ctx);
  Impl& s = *impl_;
  s.health->set_condition("sockets_bound", false, "not bound yet");
  s.health->set_condition("codecs_loaded", false, "loading");
  s.probe_codecs();
  s.pull.emplace(make_bound_pull(s.ctx, s.cfg.node.listen, s.cfg.node.hwm, s.cfg.node.max_message_bytes,
                                 s.curve.server()));
  s.health->set_condition("sockets_bound", true);
  s.sender = std::thread([&s] { s.sender_loop(); });
  for (int i = 0; i < s.cfg.workers; ++i) s.workers.emplace_back([&s, i] { s.worker_loop(i); });
  spdlog::info("{}: listen {}, sinks {}, wedge codec '{}'{}, {} worker(s)", s.cfg.node.node_id,
               s.cfg.node.listen.front(), s.cfg.sinks.front(), s.cfg.wedge_codec,
               s.wedge_model_dir.empty() ? "" : " (" + s.wedge_model_dir + ")", s.cfg.workers);
}

bool IngestNode::run_once() {
  impl_->receive_one();
  return true;
}

int IngestNode::drain() {
  Impl& s = *impl_;
  s.drain_socket(*s.pull);
  s.input.close();
  for (auto& t : s.workers) t.join();
  s.workers.clear();
  s.output.close();
  s.sender.join();
  spdlog::info("stopped: received {}, rejected {}, encoded {} ({} lossless fallback), sent {}, acked {}, re-sent {}",
               s.received.load(), s.rejected.load(), s.encoded.load(), s.fallback.load(), s.sent.load(),
               s.acked.load(), s.resent.load());
  return s.unacked_at_exit == 0 ? 0 : kUnacknowledgedExitCode;
}

}  // namespace daqz
