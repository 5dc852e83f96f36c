// `daqz encode`: the offline partner of `daqz decode`. Compresses existing data — folders of .npy
// wedges (and jet batches), TPCMLDataInterface HDF5 files — into segment files with any codec and
// operating point, exactly as an ingest node would have stored them (same records, same segment
// format), so `daqz decode`, `daqz export` and the Python module read them back.
//
//   daqz encode data/wedges --out segs                                   # lossless
//   daqz encode frames.h5 --out segs --codec bcae --model bcae-2d-sim --codec-param threshold=0.4
//   daqz encode dump/ --out segs --keys-from-names --json                # keep felix-sim --dump names
//
// The --json summary: records, bytes in (dense and zero-suppressed) and out, ratios against both,
// the fidelity of lossy codecs (every record decoded again and compared; --no-fidelity skips it),
// seconds and wedges/s. Exit 0 on success, 1 on bad input or a codec that cannot be built.
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "base/install_paths.h"
#include "base/progress_bar.h"
#include "base/reconstruction_metrics.h"
#include "codec/codec.h"
#include "codec/model_repository.h"
#include "command.h"
#include "encode_inputs.h"
#include "storage/segment.h"
#include "wire/message.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct EncodeArgs {
  std::vector<std::string> inputs;
  std::string out;
  std::string codec = "lossless";
  std::string model;
  std::string jet_codec = "jet-lossless";
  std::string jet_model;
  std::vector<std::string> params;
  std::vector<std::string> models{daqz::default_models_root()};
  std::string device = "cpu";
  int threads = 1;
  size_t batch = 0;
  uint64_t max_records = 0;
  uint64_t segment_bytes = daqz::SegmentWriterConfig::kDefaultMaxBytes;
  std::string layer_group = "outer";
  bool fidelity = true;
  bool append = false;
  bool json = false;
  bool progress = true;
  daqz::EncodeInputOptions input;
};

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A model given as a directory, or by name under the model roots (as `daqz decode` finds it).
std::string resolve_model(const std::string& model, const std::vector<std::string>& roots) {
  if (model.empty()) return "";
  if (fs::exists(fs::path(model) / "model.json")) return model;
  return daqz::ModelRepository(roots).resolve(model).dir;
}

// Sums over everything encoded; one per record kind.
struct Totals {
  uint64_t records = 0, dense_bytes = 0, wire_bytes = 0, stored_bytes = 0;
  double encode_s = 0, verify_s = 0;
};

class Encoder {
 public:
  explicit Encoder(const EncodeArgs& a) : a_(a) {
    daqz::CodecOptions o;
    o.device = a.device;
    o.intra_op_threads = a.threads;
    for (const auto& p : a.params) {
      const auto eq = p.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("--codec-param '" + p + "' is not key=value");
      o.params[p.substr(0, eq)] = p.substr(eq + 1);
    }
    daqz::check_compute_device(a.device);
    o.model_dir = resolve_model(a.model, a.models);
    wedge_options_ = o;
    o.model_dir = resolve_model(a.jet_model, a.models);
    jet_options_ = o;
    daqz::SegmentWriterConfig w;
    w.dir = a.out;
    w.max_bytes = a.segment_bytes;
    w.max_seconds = 1e9;  // offline: rotate by size only
    w.fsync = daqz::FsyncPolicy::kOnRotate;
    w.writer_id = "daqz-encode";
    writer_ = std::make_unique<daqz::SegmentWriter>(w);
  }

  void add(daqz::EncodeItem item) {
    if (item.kind == daqz::PayloadKind::kWedge) {
      suppressed_voxels_ += item.suppressed_voxels;
      pending_.push_back(std::move(item));
      if (pending_.size() >= batch_size()) flush();
    } else {
      flush();  // keep the input order in the segments
      encode_jets(item);
    }
  }

  void flush() {
    if (pending_.empty()) return;
    auto& codec = wedge_codec();
    std::vector<const daqz::SparseWedge*> batch;
    for (const auto& it : pending_) batch.push_back(&it.wedge);
    const auto t0 = Clock::now();
    std::vector<daqz::EncodedRecord> records = codec.encode(batch);
    wedges_.encode_s += seconds_since(t0);
    for (size_t i = 0; i < records.size(); ++i) {
      const daqz::SparseWedge& w = pending_[i].wedge;
      wedges_.records++;
      wedges_.dense_bytes += uint64_t(w.shape.voxels()) * sizeof(uint16_t);
      wedges_.wire_bytes += daqz::wedge_payload_size(w);
      wedges_.stored_bytes += records[i].bytes.size();
      if (a_.fidelity) {
        const auto t1 = Clock::now();
        const daqz::Reconstruction r = codec.decode(records[i]);
        fidelity_.add_wedge(daqz::to_dense(w), r.adc.data(), r.adc.size());
        wedges_.verify_s += seconds_since(t1);
      }
      store(records[i], pending_[i].key);
    }
    pending_.clear();
  }

  // Closes the last segment (fsync) and returns the summary.
  nlohmann::json finish(double seconds) {
    flush();
    writer_->close();
    uint64_t segment_bytes = 0, segments = 0;
    for (const auto& p : daqz::list_segments(a_.out)) segment_bytes += fs::file_size(p), ++segments;
    const uint64_t out_bytes = wedges_.stored_bytes + jets_.stored_bytes;
    auto ratio = [](uint64_t in, uint64_t out) { return out ? double(in) / double(out) : 0.0; };
    nlohmann::json s = {
        {"inputs", a_.inputs}, {"out", a_.out}, {"segments", segments},
        {"wedge_codec", descriptor(wedge_codec_.get(), a_.codec)},
        {"jet_codec", descriptor(jet_codec_.get(), a_.jet_codec)},
        {"wedges", wedges_.records}, {"jet_batches", jets_.records},
        {"bytes_in_dense", wedges_.dense_bytes + jets_.dense_bytes},
        {"bytes_in_zero_suppressed", wedges_.wire_bytes + jets_.wire_bytes},
        {"bytes_out", out_bytes}, {"bytes_out_segments", segment_bytes},
        {"ratio_vs_dense", ratio(wedges_.dense_bytes + jets_.dense_bytes, out_bytes)},
        {"ratio_vs_zero_suppressed", ratio(wedges_.wire_bytes + jets_.wire_bytes, out_bytes)},
        {"wedge_ratio_vs_dense", ratio(wedges_.dense_bytes, wedges_.stored_bytes)},
        {"wedge_ratio_vs_zero_suppressed", ratio(wedges_.wire_bytes, wedges_.stored_bytes)},
        {"voxels_zero_suppressed_on_read", suppressed_voxels_},
        {"seconds", seconds},
        {"encode_seconds", wedges_.encode_s + jets_.encode_s},
        {"wedges_per_second", wedges_.encode_s > 0 ? double(wedges_.records) / wedges_.encode_s : 0.0}};
    if (a_.fidelity && wedges_.records) {
      const daqz::MetricsSummary f = fidelity_.summary();
      s["fidelity"] = {{"wedges", f.n_wedges}, {"mse", f.mse},           {"log_mae", f.log_mae},
                       {"psnr_db", f.psnr_db}, {"precision", f.precision}, {"recall", f.recall},
                       {"lossless", f.mse == 0},
                       {"decode_seconds", wedges_.verify_s}};
    }
    if (a_.fidelity && jets_.records)
      s["jet_fidelity"] = {{"batches", jets_.records}, {"mse", jet_values_ ? jet_sq_sum_ / double(jet_values_) : 0.0},
                           {"lossless", jet_sq_sum_ == 0}};
    return s;
  }

 private:
  size_t batch_size() { return a_.batch ? a_.batch : std::max<size_t>(1, wedge_codec().preferred_batch()); }

  daqz::WedgeCodec& wedge_codec() {
    if (!wedge_codec_) wedge_codec_ = daqz::make_wedge_codec(a_.codec, wedge_options_);
    return *wedge_codec_;
  }

  void encode_jets(const daqz::EncodeItem& item) {
    if (!jet_codec_) jet_codec_ = daqz::make_jet_codec(a_.jet_codec, jet_options_);
    const auto t0 = Clock::now();
    daqz::EncodedRecord r = jet_codec_->encode(item.jets);
    jets_.encode_s += seconds_since(t0);
    jets_.records++;
    jets_.dense_bytes += item.jets.values.size() * sizeof(float);
    jets_.wire_bytes += item.jets.values.size() * sizeof(float);
    jets_.stored_bytes += r.bytes.size();
    if (a_.fidelity) {
      const daqz::JetBatch back = jet_codec_->decode(r);
      for (size_t i = 0; i < back.values.size() && i < item.jets.values.size(); ++i) {
        const double d = double(back.values[i]) - double(item.jets.values[i]);
        jet_sq_sum_ += d * d;
      }
      jet_values_ += item.jets.values.size();
    }
    store(r, item.key);
  }

  void store(const daqz::EncodedRecord& r, const daqz::RecordKey& key) {
    daqz::Message m = daqz::make_record_message(r, key.source, key.sequence);
    m.envelope.set_run(key.run);
    writer_->append(m);
  }

  static nlohmann::json descriptor(const void* used, const std::string& id) {
    return used ? nlohmann::json(id) : nlohmann::json(nullptr);  // null: no record of that kind
  }

  const EncodeArgs& a_;
  daqz::CodecOptions wedge_options_, jet_options_;
  std::unique_ptr<daqz::WedgeCodec> wedge_codec_;
  std::unique_ptr<daqz::JetCodec> jet_codec_;
  std::unique_ptr<daqz::SegmentWriter> writer_;
  std::vector<daqz::EncodeItem> pending_;
  Totals wedges_, jets_;
  daqz::MetricsAccumulator fidelity_;
  double jet_sq_sum_ = 0;
  uint64_t jet_values_ = 0, suppressed_voxels_ = 0;
};

int run_encode(EncodeArgs a) {
  using namespace daqz;
  const std::map<std::string, uint32_t> groups = {{"inner", 0}, {"middle", 16}, {"outer", 32}};
  a.input.hdf5_first_layer = groups.at(a.layer_group);
  if (!a.append && fs::is_directory(a.out) && !list_segments(a.out).empty())
    throw std::invalid_argument("'" + a.out + "' already holds segments; choose an empty folder or pass --append");
  fs::create_directories(a.out);

  const auto t0 = Clock::now();
  EncodeInputs inputs(a.inputs, a.input);
  Encoder encoder(a);
  const uint64_t expected = a.max_records ? std::min(a.max_records, inputs.expected()) : inputs.expected();
  ProgressBar::Options po;
  po.item_name = "records";
  if (!a.progress) po.mode = ProgressBar::Mode::kOff;
  ProgressBar bar("encode", expected, ProgressBar::Unit::kItems, po);
  uint64_t n = 0;
  while (auto item = inputs.next()) {
    if (a.max_records && n == a.max_records) break;
    encoder.add(std::move(*item));
    bar.set(++n);
  }
  const nlohmann::json s = encoder.finish(seconds_since(t0));
  bar.finish();
  if (s["voxels_zero_suppressed_on_read"].get<uint64_t>() > 0)
    spdlog::warn("{} voxels at or below the zero-suppression threshold ({}) read as 0: the input was not "
                 "zero-suppressed, so a lossless round trip restores it zero-suppressed",
                 s["voxels_zero_suppressed_on_read"].get<uint64_t>(), kZeroSuppressionThreshold);
  if (a.json) {
    std::cout << s.dump() << std::endl;
  } else {
    spdlog::info("encoded {} wedges and {} jet batches into {} segment(s) in '{}': {:.1f}x vs dense, {:.2f}x vs "
                 "zero-suppressed, {:.1f} wedges/s{}", s["wedges"].get<uint64_t>(), s["jet_batches"].get<uint64_t>(),
                 s["segments"].get<uint64_t>(), a.out, s["ratio_vs_dense"].get<double>(),
                 s["ratio_vs_zero_suppressed"].get<double>(), s["wedges_per_second"].get<double>(),
                 s.contains("fidelity") ? ", MSE " + std::to_string(s["fidelity"]["mse"].get<double>()) : "");
  }
  return 0;
}

void setup_encode(CLI::App& sub, int& exit_code) {
  auto a = std::make_shared<EncodeArgs>();
  sub.add_option("inputs", a->inputs, ".npy files, folders of them, TPCMLDataInterface .h5 files")->required();
  sub.add_option("--out", a->out, "Folder for the segment files")->required();
  sub.add_option("--codec", a->codec, "Wedge codec: lossless, zfp, bcae, ...")->capture_default_str();
  sub.add_option("--model", a->model, "Model of the wedge codec: a model directory or a name under --models");
  sub.add_option("--jet-codec", a->jet_codec, "Jet codec: jet-lossless, float-trunc, jet-ae, ...")->capture_default_str();
  sub.add_option("--jet-model", a->jet_model, "Model of the jet codec (directory or name)");
  sub.add_option("--codec-param", a->params, "Codec parameter key=value (repeatable): the operating point, "
                                             "e.g. threshold=0.4, mode=rate, rate=2, bits=10");
  sub.add_option("--models", a->models, "Model roots searched for --model/--jet-model names")->capture_default_str();
  sub.add_option("--device", a->device, "cpu or cuda[:N]")->capture_default_str();
  sub.add_option("--threads", a->threads, "LibTorch intra-op threads")->capture_default_str()->check(CLI::Range(1, 256));
  sub.add_option("--batch", a->batch, "Wedges per encode call (0 = the codec's preferred batch)")->capture_default_str();
  sub.add_option("--max-records", a->max_records, "Encode at most N records (0 = all)")->capture_default_str();
  sub.add_option("--segment-bytes", a->segment_bytes, "Rotate segments at this size")->capture_default_str();
  sub.add_option("--source-id", a->input.source_id, "Source of the records (jets: <source>-jets)")->capture_default_str();
  sub.add_option("--run", a->input.run, "Run number of the records")->capture_default_str();
  sub.add_flag("--keys-from-names", a->input.keys_from_names,
               "Take (source, run, sequence) from file names <source>[_r<run>]_<sequence>.npy (felix-sim --dump, "
               "daqz decode), so decode restores the same names");
  sub.add_option("--layer-group", a->layer_group, "HDF5 input: pad-layer group cut into wedges")
      ->check(CLI::IsMember({"inner", "middle", "outer"}))->capture_default_str();
  sub.add_option("--jet-schema", a->input.jet_schema_id, "Jet feature schema id (0 = from the column count)")
      ->capture_default_str();
  sub.add_flag("!--no-fidelity", a->fidelity, "Skip decoding every record again to measure MSE / log-MAE");
  sub.add_flag("--append", a->append, "Add segments to a folder that already holds some");
  sub.add_flag("!--no-progress", a->progress, "No progress bar on stderr");
  sub.add_flag("--json", a->json, "Print a JSON summary on stdout");
  sub.callback([a, &exit_code] {
    try {
      exit_code = run_encode(*a);
    } catch (const std::exception& e) {
      spdlog::error("encode: {}", e.what());
      exit_code = 1;
    }
  });
}

}  // namespace

DAQZ_COMMAND(encode, "Compress .npy folders or TPCMLDataInterface HDF5 files into segment files with any codec",
             setup_encode);
