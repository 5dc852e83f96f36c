#include "nodes/rd_metrics.h"

#include "codec_classic/smallest_codec.h"

namespace daqz {
namespace {

// 512 B (a nearly empty lossless wedge) to 2 MiB (beyond a dense 16-bit wedge, 1.5 MB), factor 2.
constexpr double kFirstBucketBytes = 512;
constexpr int kBuckets = 13;
constexpr double kFp16OperatingPoint = 16;

}  // namespace

RdMetrics::RdMetrics(prometheus::Registry& r)
    : stored_bytes_(add_histogram(r, "daqz_ingest_stored_bytes_per_wedge",
                                 "Stored payload size of each encoded wedge record, in bytes",
                                 exponential_buckets(kFirstBucketBytes, 2.0, kBuckets))),
      operating_point_(prometheus::BuildGauge()
                           .Name("daqz_ingest_operating_point")
                           .Help("Latent bits per value of the stream's last neural record (K; 16 = fp16)")
                           .Register(r)),
      choice_(prometheus::BuildCounter()
                  .Name("daqz_ingest_codec_choice_total")
                  .Help("Wedge records kept by the smallest-record mode, by the codec that won")
                  .Register(r)) {}

void RdMetrics::observe_wedge_record(const EncodedRecord& record, const std::string& source) {
  stored_bytes_.Observe(double(record.bytes.size()));
  const bool neural = !record.model_name.empty();
  const bool chosen = selected_by_smallest(record);
  if (!neural && !chosen) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (neural) {
    auto& gauge = point_by_source_[source];
    if (!gauge) gauge = &operating_point_.Add({{"source", source}});
    const auto bits = record.params.find("bits");
    double point = kFp16OperatingPoint;
    if (bits != record.params.end() && bits->second != "fp16") {
      try {
        point = std::stod(bits->second);
      } catch (const std::exception&) {
      }
    }
    gauge->Set(point);
  }
  if (chosen) {
    auto& counter = choice_by_codec_[record.codec_id];
    if (!counter) counter = &choice_.Add({{"codec", record.codec_id}});
    counter->Increment();
  }
}

}  // namespace daqz
