#include "nodes/fidelity_monitor.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "base/reconstruction_metrics.h"
#include "runtime/bounded_queue.h"
#include "codec_classic/record_decoder.h"

namespace daqz {
namespace {

struct Sample {
  SparseWedge original;
  EncodedRecord record;
};

}  // namespace

void validate(const FidelityConfig& c) {
  if (c.fraction < 0 || c.fraction > 1) throw std::invalid_argument("fidelity: 'fraction' must be in [0, 1]");
  if (c.queue_capacity < 1) throw std::invalid_argument("fidelity: 'queue' must be >= 1");
  if (c.window < 1) throw std::invalid_argument("fidelity: 'window' must be >= 1");
}

struct FidelityMonitor::Impl {
  FidelityConfig cfg;
  BoundedQueue<Sample> queue;
  RecordDecoder decoder;
  std::mutex sampling_mu;
  double sampling_credit = 0;
  std::atomic<uint64_t> offered{0}, measured{0}, dropped{0}, failed{0};
  std::deque<MetricsAccumulator> recent;  // decoder thread only
  prometheus::Counter& samples_total;
  prometheus::Counter& dropped_total;
  prometheus::Counter& errors_total;
  prometheus::Gauge& mse;
  prometheus::Gauge& log_mae;
  prometheus::Gauge& precision;
  prometheus::Gauge& recall;
  prometheus::Gauge& fraction;
  std::thread thread;

  Impl(const FidelityConfig& c, std::vector<std::string> roots, prometheus::Registry& r)
      : cfg(c),
        queue(c.queue_capacity),
        decoder(std::move(roots), "cpu", 1),
        samples_total(add_counter(r, "daqz_ingest_fidelity_samples_total", "Wedges decoded and compared by the fidelity monitor")),
        dropped_total(add_counter(r, "daqz_ingest_fidelity_dropped_total", "Sampled wedges skipped because the fidelity monitor was busy")),
        errors_total(add_counter(r, "daqz_ingest_fidelity_errors_total", "Sampled wedges the fidelity monitor could not decode")),
        mse(add_gauge(r, "daqz_ingest_fidelity_mse", "Mean squared error on raw ADC over the recent samples")),
        log_mae(add_gauge(r, "daqz_ingest_fidelity_log_mae", "Mean |log2(x+1) - log2(x^+1)| over the recent samples")),
        precision(add_gauge(r, "daqz_ingest_fidelity_precision", "Precision of nonzero voxels over the recent samples")),
        recall(add_gauge(r, "daqz_ingest_fidelity_recall", "Recall of nonzero voxels over the recent samples")),
        fraction(add_gauge(r, "daqz_ingest_fidelity_sample_fraction", "Configured share of wedges sampled")) {
    fraction.Set(c.fraction);
  }

  void run() {
    while (!queue.drained()) {
      auto s = queue.pop(std::chrono::milliseconds(100));
      if (!s) continue;
      measure(*s);
    }
  }

  void measure(const Sample& s) {
    try {
      const DecodedRecord d = decoder.decode(s.record);
      if (d.kind != PayloadKind::kWedge) throw CodecError("record decoded to a jet batch, not a wedge");
      MetricsAccumulator acc;
      acc.add_wedge(to_dense(s.original), d.wedge.adc.data(), d.wedge.adc.size());
      recent.push_back(acc);
      while (recent.size() > cfg.window) recent.pop_front();
      MetricsAccumulator all;
      for (const auto& a : recent) all.merge(a);
      const MetricsSummary m = all.summary();
      mse.Set(m.mse);
      log_mae.Set(m.log_mae);
      precision.Set(m.precision);
      recall.Set(m.recall);
      samples_total.Increment();
    } catch (const std::exception& e) {
      ++failed;
      errors_total.Increment();
      spdlog::warn("fidelity monitor: cannot measure {} record: {}", s.record.codec_id, e.what());
    }
    ++measured;
  }
};

FidelityMonitor::FidelityMonitor(const FidelityConfig& config, std::vector<std::string> model_roots,
                                 prometheus::Registry& registry)
    : config_(config) {
  validate(config);
  if (!enabled()) return;  // no thread, no metric families: a dashboard shows "no data", not zeros
  impl_ = std::make_unique<Impl>(config, std::move(model_roots), registry);
  impl_->thread = std::thread([this] { impl_->run(); });
}

FidelityMonitor::~FidelityMonitor() {
  if (!impl_) return;
  impl_->queue.close();
  if (impl_->thread.joinable()) impl_->thread.join();
}

void FidelityMonitor::offer(const SparseWedge& original, const EncodedRecord& record) {
  if (!enabled()) return;
  {
    // Deterministic sampling: every wedge earns `fraction` credit; a full credit buys a sample.
    std::lock_guard<std::mutex> lock(impl_->sampling_mu);
    impl_->sampling_credit += config_.fraction;
    if (impl_->sampling_credit < 1.0) return;
    impl_->sampling_credit -= 1.0;
  }
  Sample s{original, record};
  ++impl_->offered;
  if (!impl_->queue.push(s, std::chrono::milliseconds(0))) {
    ++impl_->dropped;
    impl_->dropped_total.Increment();
  }
}

void FidelityMonitor::flush(double timeout_s) {
  if (!impl_) return;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (impl_->measured + impl_->dropped < impl_->offered && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

uint64_t FidelityMonitor::measured() const { return impl_ ? impl_->measured - impl_->failed : 0; }
uint64_t FidelityMonitor::dropped() const { return impl_ ? impl_->dropped.load() : 0; }

}  // namespace daqz
