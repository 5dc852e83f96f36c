#include "nodes/sink_node.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>
#include <thread>

#include "runtime/health_state.h"
#include "runtime/metrics_server.h"
#include "storage/deduplicator.h"
#include "storage/durable_appender.h"
#include "storage/quarantine.h"
#include "transport/ack_publisher.h"
#include "transport/curve.h"
#include "transport/zmq_io.h"
#include "wire/message_view.h"

namespace daqz {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct SinkMetrics {
  prometheus::Counter& received;
  prometheus::Counter& stored_wedge;
  prometheus::Counter& stored_jets;
  prometheus::Counter& duplicates;
  prometheus::Counter& bytes_written;
  prometheus::Counter& segments;
  prometheus::Counter& acks;
  prometheus::Counter& write_errors;
  prometheus::Counter& recovered_bytes;
  prometheus::Counter& quarantined;
  prometheus::Counter& key_conflicts;
  prometheus::Counter& beyond_window;
  prometheus::Counter& write_retries;
  prometheus::Counter& recovery_skipped_bytes;
  prometheus::Counter& recovered_records;
  RejectCounters rejected{};
  prometheus::Histogram& fsync_seconds;
  prometheus::Gauge& pending_acks;
  prometheus::Gauge& held_records;
  prometheus::Gauge& storage_failing;
  prometheus::Gauge& dedup_runs;

  explicit SinkMetrics(prometheus::Registry& r)
      : received(add_counter(r, "daqz_sink_records_received_total", "Valid records received (duplicates included)")),
        stored_wedge(add_counter(r, "daqz_sink_records_stored_total", "Records appended to segments", {{"kind", "wedge"}})),
        stored_jets(add_counter(r, "daqz_sink_records_stored_total", "Records appended to segments", {{"kind", "jets"}})),
        duplicates(add_counter(r, "daqz_sink_duplicates_total", "Re-sent records dropped as already stored")),
        bytes_written(add_counter(r, "daqz_sink_written_bytes_total", "Bytes appended to segment files")),
        segments(add_counter(r, "daqz_sink_segments_opened_total", "Segment files opened")),
        acks(add_counter(r, "daqz_sink_acks_sent_total", "Records acknowledged to ingest nodes")),
        write_errors(add_counter(r, "daqz_sink_write_errors_total", "Failed appends or fsyncs (records kept unacknowledged and retried)")),
        recovered_bytes(add_counter(r, "daqz_sink_recovered_truncated_bytes_total", "Torn-tail bytes cut from the newest segment at start")),
        quarantined(add_counter(r, "daqz_sink_quarantined_frames_total", "Rejected frames kept in the quarantine file")),
        key_conflicts(add_counter(r, "daqz_sink_key_conflicts_total", "Records whose (source, run, sequence) was stored before with another payload (stored again)")),
        beyond_window(add_counter(r, "daqz_sink_dedup_beyond_window_total", "Records too old for the dedup window to judge (stored)")),
        write_retries(add_counter(r, "daqz_sink_write_retries_total", "Retries of held records after a storage failure")),
        recovery_skipped_bytes(add_counter(r, "daqz_sink_recovery_corrupt_bytes_total", "Corrupt segment bytes found at start (kept; readers skip them)")),
        recovered_records(add_counter(r, "daqz_sink_recovered_records_total", "Records found in the segments at start (dedup index rebuilt from them)")),
        fsync_seconds(add_histogram(r, "daqz_sink_fsync_seconds", "Duration of flush + fsync", exponential_buckets(1e-5, 2, 20))),
        pending_acks(add_gauge(r, "daqz_sink_pending_acks", "Stored records whose acknowledgement is not sent yet")),
        held_records(add_gauge(r, "daqz_sink_held_records", "Records kept in memory while storage fails (not acknowledged)")),
        storage_failing(add_gauge(r, "daqz_sink_storage_failing", "1 while appends or fsyncs fail and the sink stops reading")),
        dedup_runs(add_gauge(r, "daqz_sink_dedup_runs", "(source, run) windows held by the dedup index")) {
    rejected = add_reject_counters(r, "daqz_sink_frames_rejected_total");
  }
};

SocketOptions ack_socket_options(const CurveSecurity& curve) {
  SocketOptions o;
  o.hwm = 1000;
  o.linger_ms = 500;
  o.curve = curve.server();  // the sink is the CURVE server of the ingest-sink link, acks included
  return o;
}

// Logs every damaged region recovery or reading finds in a segment.
struct LoggingReporter : CorruptionReporter {
  void corruption(const std::string& path, uint64_t offset, uint64_t bytes, const std::string& reason) override {
    spdlog::warn("segment '{}' at byte {}: {} bytes skipped: {}", path, offset, bytes, reason);
  }
};

SegmentWriterConfig writer_config(const SinkConfig& c) {
  SegmentWriterConfig w;
  w.dir = c.out_dir;
  w.max_bytes = c.segment_bytes;
  w.max_seconds = c.segment_seconds;
  w.fsync = parse_fsync_policy(c.fsync);
  w.fsync_interval_s = c.fsync_interval_s;
  w.writer_id = c.node.node_id;
  w.fs = c.fs;
  return w;
}

double seconds_since_start() {
  static const auto t0 = Clock::now();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

struct SinkNode::Impl {
  const SinkConfig& cfg;
  SinkMetrics metrics;
  std::shared_ptr<HealthState> health;
  zmq::context_t ctx{1};
  CurveSecurity curve{ctx, cfg.node.curve};  // after ctx: its ZAP handler closes before the context
  QuarantineWriter quarantine;
  Deduplicator dedup;
  std::unique_ptr<DurableAppender> appender;
  std::unique_ptr<StorageHealthMonitor> storage;  // after recover(): the folder exists
  AckPublisher acks{ctx, cfg.node.node_id, ack_socket_options(curve)};
  std::optional<zmq::socket_t> pull;
  std::vector<SegmentRecord> batch;  // records of one step, written together
  Clock::time_point last_ack = Clock::now();
  std::atomic<bool> storage_ok{true};

  Impl(const SinkConfig& c, DeviceContext& device)
      : cfg(c),
        metrics(device.registry),
        health(device.health),
        quarantine(c.quarantine_path, QuarantineWriter::kDefaultMaxBytes, c.fs),
        dedup(c.dedup) {
    health->set_condition("sockets_bound", false, "not bound yet");
    curve.require_roles(/*server=*/true, /*client=*/false);
    curve.count_failures(add_counter(device.registry, "daqz_sink_auth_failures_total", CurveSecurity::kAuthFailuresHelp));
    const SegmentWriterConfig w = writer_config(cfg);  // validates the fsync policy before recovery
    recover();
    StorageHealthConfig sh;
    sh.dir = cfg.out_dir;
    sh.min_free_bytes = cfg.min_free_bytes;
    sh.interval_s = cfg.disk_check_interval_s;
    storage = std::make_unique<StorageHealthMonitor>(sh, device.registry, health);
    appender = std::make_unique<DurableAppender>(w, cfg.retry);
    hook_appender_metrics();
    pull.emplace(make_bound_pull(ctx, cfg.node.listen, cfg.node.hwm, cfg.node.max_message_bytes, curve.server()));
    health->set_condition("sockets_bound", true);
    spdlog::info("{}: listen {}, writing to '{}'", cfg.node.node_id, cfg.node.listen.front(), cfg.out_dir);
  }

  void hook_appender_metrics() {
    DurableAppender& a = *appender;
    a.on_append = [this](const AppendResult& res) {
      metrics.bytes_written.Increment(double(res.bytes));
      metrics.segments.Increment(double(res.segments_opened));
    };
    a.on_fsync = [this](double s) { metrics.fsync_seconds.Observe(s); };
    a.on_durable = [this](const SegmentRecord& r) {
      (r.envelope.record_meta().original_kind() == wire::KIND_JET_BATCH ? metrics.stored_jets : metrics.stored_wedge)
          .Increment();
    };
    a.on_error = [this](const std::string& what, size_t held) {
      storage_ok = false;
      metrics.write_errors.Increment();
      metrics.storage_failing.Set(1);
      metrics.held_records.Set(double(held));
      storage->write_failed(what);
      spdlog::error("storage failing, {} records held unacknowledged, retrying with back-off: {}", held, what);
    };
    a.on_recovered = [this](uint64_t failures) {
      storage_ok = true;
      metrics.storage_failing.Set(0);
      metrics.held_records.Set(0);
      storage->write_succeeded();
      spdlog::info("storage writable again after {} failed attempts", failures);
    };
  }

  // Rebuilds the dedup index from what is stored. Corrupt regions stay in place (readers skip and
  // report them); only a torn tail of the newest segment, an append never acknowledged, is cut.
  void recover() {
    std::filesystem::create_directories(cfg.out_dir);
    const std::vector<std::string> segments = list_segments(cfg.out_dir);
    LoggingReporter reporter;
    const double now = seconds_since_start();
    for (const auto& path : segments) {
      try {
        const RecoveryReport rep = recover_segment(
            path, path == segments.back(),
            [&](const Message& m) {
              dedup.insert(RecordKey::of(m.envelope), m.envelope.payload_crc32c(), now);
              metrics.recovered_records.Increment();
            },
            &reporter, cfg.fs);
        if (rep.truncated_bytes) {
          metrics.recovered_bytes.Increment(double(rep.truncated_bytes));
          spdlog::warn("recovered '{}': cut a torn tail of {} bytes after {} records", path, rep.truncated_bytes,
                       rep.records);
        }
        if (rep.removed) spdlog::warn("removed '{}': its creation was interrupted (no header, no record)", path);
        if (rep.skipped_bytes) {
          metrics.recovery_skipped_bytes.Increment(double(rep.skipped_bytes));
          spdlog::error("segment '{}' has {} corrupt region(s), {} bytes, kept in place; {} records readable", path,
                        rep.corrupt_regions, rep.skipped_bytes, rep.records);
        }
      } catch (const StorageError& e) {
        spdlog::error("segment '{}' is unreadable and left as it is: {}", path, e.what());
      }
    }
    metrics.dedup_runs.Set(double(dedup.runs()));
    if (const auto n = uint64_t(metrics.recovered_records.Value()))
      spdlog::info("dedup index rebuilt from {} stored records ({} runs)", n, dedup.runs());
  }

  void reject(RejectReason reason, const std::string& what, const std::vector<uint8_t>& raw) {
    metrics.rejected[size_t(reason)]->Increment();
    if (quarantine.write(reason, what, raw)) metrics.quarantined.Increment();
    spdlog::warn("rejected frame ({}): {}", reject_reason_label(reason), what);
  }

  // Validates one message and adds it to `batch` (or, for a duplicate, only acknowledges it again).
  // The payload is not copied: the record keeps the received ZeroMQ frame alive until it is durable.
  // Returns the payload bytes taken.
  size_t take(std::vector<zmq::message_t>& frames, std::vector<SegmentRecord>& batch) {
    MessageView view;
    try {
      ValidationLimits limits;
      limits.max_payload_bytes = size_t(cfg.node.max_message_bytes);
      view = view_frames(frames, limits);
      if (view.envelope.kind() == wire::KIND_END_OF_STREAM) return 0;
      check_record_envelope(view.envelope);
      verify_payload_crc(view);
    } catch (const ValidationError& e) {
      reject(e.reason(), e.what(), raw_frames_bytes(frames));
      return 0;
    }
    metrics.received.Increment();
    const RecordKey key = RecordKey::of(view.envelope);
    switch (dedup.insert(key, view.envelope.payload_crc32c(), seconds_since_start())) {
      case DedupVerdict::kDuplicate:
        metrics.duplicates.Increment();
        queue_ack(view.envelope);  // acknowledge again (after the next sync): the first ack was lost or late
        return 0;
      case DedupVerdict::kConflict:
        metrics.key_conflicts.Increment();
        spdlog::warn("record {} was stored before with another payload (CRC now {:08x}); storing this one too",
                     key.str(), view.envelope.payload_crc32c());
        break;
      case DedupVerdict::kBeyondWindow: metrics.beyond_window.Increment(); break;
      case DedupVerdict::kNew: break;
    }
    metrics.dedup_runs.Set(double(dedup.runs()));
    // Its ack goes out only once everything taken is durable (flush_acks, after the batch is written).
    queue_ack(view.envelope);
    SegmentRecord r;
    r.envelope = std::move(view.envelope);
    r.payload_crc_verified = true;
    if (frames.size() == 2) {
      auto payload = std::make_shared<zmq::message_t>(std::move(frames[1]));
      r.payload = PayloadView(payload->data(), payload->size());  // after the move: small messages live inline
      r.keep = std::move(payload);
    }
    batch.push_back(std::move(r));
    return batch.back().payload.size;
  }
  void queue_ack(const wire::Envelope& e) {
    acks.add(e.reply_to(), RecordKey::of(e));
    metrics.pending_acks.Set(double(acks.pending()));
  }

  // Makes stored records durable, then acknowledges them. While storage fails this retries (on its
  // back-off) and withholds every acknowledgement.
  void flush_acks(bool force) {
    const bool failing = appender->failing();
    if (!failing && acks.pending() == 0) return;
    if (!force && !failing &&
        Clock::now() - last_ack < std::chrono::duration<double, std::milli>(cfg.ack_interval_ms))
      return;
    const uint64_t retries_before = appender->retries();
    const bool durable = appender->make_durable(Clock::now());
    metrics.write_retries.Increment(double(appender->retries() - retries_before));
    metrics.held_records.Set(double(appender->held()));
    if (!durable) return;
    metrics.acks.Increment(double(acks.flush()));
    metrics.pending_acks.Set(0);
    last_ack = Clock::now();
  }

  // One step of the loop: take what the socket holds (up to one write batch) unless the disk fails,
  // and write it with one gathered write. While the disk fails, wait for the next retry without
  // reading: the socket's high-water mark pushes back on the senders.
  bool step(milliseconds wait) {
    bool got = false;
    if (!appender->failing()) {
      size_t bytes = 0;
      for (size_t n = 0; n < cfg.write_batch_records && bytes < cfg.write_batch_bytes; ++n) {
        auto frames = recv_frames(*pull, n == 0 ? wait : milliseconds(0));
        if (!frames) break;
        got = true;
        bytes += take(*frames, batch);
      }
      // The appender owns the records from here: written now, or held and retried; never dropped.
      if (!batch.empty()) appender->submit_batch(std::move(batch), Clock::now());
    } else {
      const auto until = std::min(appender->next_attempt(), Clock::now() + wait);
      std::this_thread::sleep_until(until);
    }
    flush_acks(false);
    return got;
  }

  // Empties the socket; a failing disk is retried for at most drain_retry_s.
  int drain() {
    const auto give_up = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(cfg.drain_retry_s));
    while (true) {
      if (appender->failing()) {
        if (Clock::now() >= give_up) break;
        step(milliseconds(20));  // waits for the next retry without reading
      } else if (!step(milliseconds(int(cfg.drain_quiet_ms)))) {
        break;  // quiet: the socket is empty
      }
    }
    flush_acks(true);
    appender->close();
    const Counts c = counts();
    spdlog::info("stopped: received {}, stored {}, duplicates {}, key conflicts {}, rejected {}, write errors {}, "
                 "acks sent {}",
                 c.received, c.stored, c.duplicates, c.conflicts, c.rejected, c.write_errors, c.acks_sent);
    const bool all_stored = appender->held() == 0 && appender->unsynced() == 0;
    if (!all_stored)
      spdlog::error("{} records left unstored (never acknowledged: the ingest node keeps and re-sends them)",
                    appender->held() + appender->unsynced());
    return all_stored ? 0 : kRecordsLeftExitCode;
  }

  Counts counts() const {
    auto n = [](const prometheus::Counter& c) { return uint64_t(c.Value()); };
    Counts c;
    c.received = n(metrics.received);
    c.stored = n(metrics.stored_wedge) + n(metrics.stored_jets);
    c.duplicates = n(metrics.duplicates);
    c.conflicts = n(metrics.key_conflicts);
    for (const prometheus::Counter* r : metrics.rejected) c.rejected += n(*r);
    c.write_errors = n(metrics.write_errors);
    c.acks_sent = n(metrics.acks);
    c.recovered_records = n(metrics.recovered_records);
    return c;
  }
};

SinkNode::SinkNode(SinkConfig config) : config_(std::move(config)) {}
SinkNode::~SinkNode() = default;

void SinkNode::init(DeviceContext& ctx) { impl_ = std::make_unique<Impl>(config_, ctx); }
bool SinkNode::run_once() {
  impl_->step(milliseconds(20));
  return true;
}
int SinkNode::drain() { return impl_->drain(); }
SinkNode::Counts SinkNode::counts() const { return impl_ ? impl_->counts() : Counts{}; }
bool SinkNode::storage_writable() const { return !impl_ || impl_->storage_ok.load(); }

}  // namespace daqz
