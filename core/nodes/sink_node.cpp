#include "nodes/sink_node.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "runtime/lifecycle.h"
#include "storage/deduplicator.h"
#include "storage/quarantine.h"
#include "transport/ack_publisher.h"
#include "transport/curve.h"
#include "transport/zmq_io.h"

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
  RejectCounters rejected{};
  prometheus::Histogram& fsync_seconds;
  prometheus::Gauge& state;
  prometheus::Gauge& pending_acks;

  explicit SinkMetrics(prometheus::Registry& r)
      : received(add_counter(r, "daqz_sink_records_received_total", "Valid records received (duplicates included)")),
        stored_wedge(add_counter(r, "daqz_sink_records_stored_total", "Records appended to segments", {{"kind", "wedge"}})),
        stored_jets(add_counter(r, "daqz_sink_records_stored_total", "Records appended to segments", {{"kind", "jets"}})),
        duplicates(add_counter(r, "daqz_sink_duplicates_total", "Re-sent records dropped as already stored")),
        bytes_written(add_counter(r, "daqz_sink_written_bytes_total", "Bytes appended to segment files")),
        segments(add_counter(r, "daqz_sink_segments_opened_total", "Segment files opened")),
        acks(add_counter(r, "daqz_sink_acks_sent_total", "Records acknowledged to ingest nodes")),
        write_errors(add_counter(r, "daqz_sink_write_errors_total", "Failed appends or fsyncs (records left unacknowledged)")),
        recovered_bytes(add_counter(r, "daqz_sink_recovered_truncated_bytes_total", "Torn-tail bytes truncated at start")),
        quarantined(add_counter(r, "daqz_sink_quarantined_frames_total", "Rejected frames kept in the quarantine file")),
        fsync_seconds(add_histogram(r, "daqz_sink_fsync_seconds", "Duration of flush + fsync", exponential_buckets(1e-5, 2, 20))),
        state(add_gauge(r, "daqz_sink_state", "Lifecycle state: 0 init, 1 run, 2 drain, 3 stop")),
        pending_acks(add_gauge(r, "daqz_sink_pending_acks", "Stored records whose acknowledgement is not sent yet")) {
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

}  // namespace

struct SinkNode::Impl {
  SinkConfig cfg;
  SinkMetrics metrics;
  zmq::context_t ctx{1};
  CurveSecurity curve{ctx, cfg.curve};  // after ctx: its ZAP handler closes before the context
  QuarantineWriter quarantine;
  std::unique_ptr<SegmentWriter> writer;
  Deduplicator dedup;
  AckPublisher acks{ctx, cfg.node_id, ack_socket_options(curve)};
  Clock::time_point last_ack = Clock::now();
  Totals totals;

  Impl(const SinkConfig& c, prometheus::Registry& r) : cfg(c), metrics(r), quarantine(c.quarantine_path) {
    curve.require_roles(/*server=*/true, /*client=*/false);
    curve.count_failures(add_counter(r, "daqz_sink_auth_failures_total", CurveSecurity::kAuthFailuresHelp));
    recover();
    SegmentWriterConfig w;
    w.dir = cfg.out_dir;
    w.max_bytes = cfg.segment_bytes;
    w.max_seconds = cfg.segment_seconds;
    w.fsync = parse_fsync_policy(cfg.fsync);
    w.fsync_interval_s = cfg.fsync_interval_s;
    w.writer_id = cfg.node_id;
    writer = std::make_unique<SegmentWriter>(w);
  }

  // Truncates torn tails and rebuilds the dedup index from what is already stored.
  void recover() {
    std::filesystem::create_directories(cfg.out_dir);
    for (const auto& path : list_segments(cfg.out_dir)) {
      try {
        const RecoveryReport rep = recover_segment(path);
        if (rep.truncated_bytes) {
          metrics.recovered_bytes.Increment(double(rep.truncated_bytes));
          spdlog::warn("recovered '{}': truncated {} bytes of torn tail after {} records", path,
                       rep.truncated_bytes, rep.records);
        }
        SegmentReader reader(path);
        while (auto m = reader.next()) {
          dedup.insert(m->envelope.source_id(), m->envelope.sequence());
          ++totals.recovered_records;
        }
      } catch (const StorageError& e) {
        spdlog::error("segment '{}' is unreadable and left as it is: {}", path, e.what());
      }
    }
    if (totals.recovered_records)
      spdlog::info("dedup index rebuilt from {} stored records", totals.recovered_records);
  }

  void reject(RejectReason reason, const std::string& what, const std::vector<uint8_t>& raw) {
    ++totals.rejected;
    metrics.rejected[size_t(reason)]->Increment();
    if (quarantine.write(reason, what, raw)) metrics.quarantined.Increment();
    spdlog::warn("rejected frame ({}): {}", reject_reason_label(reason), what);
  }

  void handle(std::vector<zmq::message_t>& frames) {
    Message m;
    try {
      ValidationLimits limits;
      limits.max_payload_bytes = size_t(cfg.max_message_bytes);
      m = message_from_frames(frames, limits);
      if (m.envelope.kind() == wire::KIND_END_OF_STREAM) return;
      (void)record_from_message(m);  // validates the record metadata
    } catch (const ValidationError& e) {
      reject(e.reason(), e.what(), raw_frames_bytes(frames));
      return;
    }
    ++totals.received;
    metrics.received.Increment();
    const auto& e = m.envelope;
    if (dedup.contains(e.source_id(), e.sequence())) {
      ++totals.duplicates;
      metrics.duplicates.Increment();
      queue_ack(e);  // acknowledge again: the first ack was lost or late
      return;
    }
    try {
      const AppendResult res = writer->append(m);
      metrics.bytes_written.Increment(double(res.bytes));
      if (res.rotated) metrics.segments.Increment();
      if (res.fsync_seconds >= 0) metrics.fsync_seconds.Observe(res.fsync_seconds);
    } catch (const StorageError& err) {
      metrics.write_errors.Increment();
      spdlog::error("append failed, record ({}, {}) left unacknowledged: {}", e.source_id(), e.sequence(), err.what());
      return;
    }
    dedup.insert(e.source_id(), e.sequence());
    ++totals.stored;
    (e.record_meta().original_kind() == wire::KIND_JET_BATCH ? metrics.stored_jets : metrics.stored_wedge).Increment();
    queue_ack(e);
  }

  void queue_ack(const wire::Envelope& e) {
    acks.add(e.reply_to(), e.source_id(), e.sequence());
    metrics.pending_acks.Set(double(acks.pending()));
  }

  // Makes stored records durable, then acknowledges them.
  void flush_acks(bool force) {
    if (acks.pending() == 0) return;
    if (!force && Clock::now() - last_ack < std::chrono::duration<double, std::milli>(cfg.ack_interval_ms)) return;
    try {
      metrics.fsync_seconds.Observe(writer->sync());
    } catch (const StorageError& err) {
      metrics.write_errors.Increment();
      spdlog::error("fsync failed; {} acknowledgements withheld: {}", acks.pending(), err.what());
      return;
    }
    const size_t sent = acks.flush();
    totals.acks_sent += sent;
    metrics.acks.Increment(double(sent));
    metrics.pending_acks.Set(0);
    last_ack = Clock::now();
  }
};

SinkNode::SinkNode(const SinkConfig& config, prometheus::Registry& registry)
    : impl_(std::make_unique<Impl>(config, registry)) {}

SinkNode::~SinkNode() = default;

int SinkNode::run() {
  Impl& s = *impl_;
  zmq::socket_t pull = make_bound_pull(s.ctx, s.cfg.listen, s.cfg.hwm, s.cfg.max_message_bytes, s.curve.server());
  s.metrics.state.Set(1);
  spdlog::info("{} running: listen {}, writing to '{}'", s.cfg.node_id, s.cfg.listen.front(), s.cfg.out_dir);
  while (!stop_requested()) {
    if (auto frames = recv_frames(pull, milliseconds(20))) s.handle(*frames);
    s.flush_acks(false);
  }
  s.metrics.state.Set(2);
  spdlog::info("stop requested: draining");
  while (auto frames = recv_frames(pull, milliseconds(int(s.cfg.drain_quiet_ms)))) s.handle(*frames);
  s.flush_acks(true);
  s.writer->close();
  s.metrics.state.Set(3);
  spdlog::info("stopped: received {}, stored {}, duplicates {}, rejected {}, acks sent {}", s.totals.received,
               s.totals.stored, s.totals.duplicates, s.totals.rejected, s.totals.acks_sent);
  return 0;
}

SinkNode::Totals SinkNode::totals() const { return impl_->totals; }

}  // namespace daqz
