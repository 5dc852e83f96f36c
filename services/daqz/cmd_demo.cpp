// `daqz demo`: the main job on embedded defaults. Starts daqz-sink, daqz-ingest and
// daqz-felix-sim as real processes on loopback (testing/local_cluster.h), streams simulated wedges
// and jets through the shipped models with the best held-out figures in their cards (or the
// lossless codecs when none are shipped), stops everything gracefully, decodes what was stored and
// prints a summary: sent / stored / lost / duplicated, throughput, compression ratio and the
// fidelity of a decoded sample. Logs: <work-dir>/{sink,ingest,felix-sim}.log.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <unistd.h>

#include "command.h"
#include "demo_summary.h"
#include "base/install_paths.h"
#include "base/reconstruction_metrics.h"
#include "codec/model_repository.h"
#include "codec_classic/record_decoder.h"
#include "storage/segment.h"
#include "testing/http_client.h"
#include "testing/local_cluster.h"
#include "testing/prometheus_text.h"
#include "base/npy.h"
#include "wire/record_key.h"

namespace {
namespace fs = std::filesystem;

struct DemoArgs {
  uint64_t wedges = 240;        // 10 events of the outer group
  double rate = 0;
  int workers = 1;
  std::string models_root;      // default: the source tree's deploy/models
  std::string wedge_model;      // default: the shipped BCAE model with the best held-out MSE in its card
  std::string jet_model;        // default: the shipped 27D jet model with the best MSE in its card
  std::string work_dir;
  double hold_s = 0;
  uint64_t seed = 1;
  uint64_t sample = 24;
  double fidelity_fraction = 0.05;  // ingest's live fidelity monitor
  bool json = false;
  bool keep = false;
};

// A model given by the user (directory, name or name@version), else the shipped one whose card has
// the best figure; nullopt = none shipped (the demo then stores losslessly).
std::optional<daqz::ModelCard> pick_model(const daqz::ModelRepository& repo, const std::string& given,
                                          const std::string& arch_prefix, const daqz::CardMetric& metric) {
  if (!given.empty()) return repo.resolve(given);
  return repo.best_by_card(arch_prefix, metric);
}

int run_demo(DemoArgs a) {
  using namespace daqz;
  const ModelRepository repo(a.models_root.empty() ? ModelRepository::default_roots()
                                                   : std::vector<std::string>{a.models_root});
  const auto wedge_model =
      pick_model(repo, a.wedge_model, "bcae", {"metrics_heldout.mse", CardMetric::kLowerIsBetter});
  const auto jet_model =
      pick_model(repo, a.jet_model, "jet-ae-27d", {"metrics.mse_normalised", CardMetric::kLowerIsBetter});
  const bool own_work = a.work_dir.empty();
  if (own_work) a.work_dir = (fs::temp_directory_path() / ("daqz-demo-" + std::to_string(::getpid()))).string();
  const std::string w = a.work_dir;

  spdlog::info("demo in '{}': wedge codec {}, jet codec {}", w, wedge_model ? wedge_model->dir : "lossless",
               jet_model ? jet_model->dir : "jet-lossless");
  ClusterSpec spec;
  spec.work_dir = w;
  spec.ingest_args = {"--workers", std::to_string(a.workers), "--fidelity-fraction",
                      std::to_string(a.fidelity_fraction)};
  auto& ingest_args = spec.ingest_args;
  if (wedge_model) ingest_args.insert(ingest_args.end(), {"--wedge-codec", "bcae", "--wedge-model", wedge_model->dir});
  if (jet_model) ingest_args.insert(ingest_args.end(), {"--jet-codec", "jet-ae", "--jet-model", jet_model->dir});
  LocalCluster cluster(spec);
  const std::map<std::string, std::string> urls = {
      {"daqz-sink", cluster.metrics_url(Service::kSink)},
      {"daqz-ingest", cluster.metrics_url(Service::kIngest)},
      {"daqz-felix-sim", cluster.metrics_url(Service::kFelixSim)}};
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  const auto t0 = std::chrono::steady_clock::now();
  cluster.start_felix({"--count", std::to_string(a.wedges), "--jets", "--rate", std::to_string(a.rate), "--seed",
                       std::to_string(a.seed), "--dump", w + "/sent", "--dump-limit", std::to_string(a.sample),
                       "--json", "--log-level", "warn", "--stay"},
                      /*ack_listen=*/true);
  ChildProcess& sim = cluster.process(Service::kFelixSim);
  // felix-sim prints its JSON summary line when everything it sent is acknowledged (stored by the
  // sink, via the ingest node); it then stays up (serving metrics) until SIGTERM.
  nlohmann::json sent;
  auto read_summary = [&] {
    std::ifstream in(cluster.log_path(Service::kFelixSim));
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] == '{') sent = nlohmann::json::parse(line);
    return !sent.is_null();
  };
  while (!read_summary()) {
    if (!sim.running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (sent.is_null()) throw std::runtime_error("daqz-felix-sim failed (exit " + std::to_string(sim.wait()) + "); see " + w);
  const uint64_t wedges_sent = sent.value("wedges_sent", 0), jets_sent = sent.value("jet_batches_sent", 0);
  // Acknowledged means stored and synced to disk, so the segments can be read while the pipeline runs.
  cluster.wait_for_metric(Service::kSink, "daqz_sink_acks_sent_total", double(wedges_sent + jets_sent),
                          120 + 2.0 * double(a.wedges));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // One scrape for the ratio and the live monitor's view (sampled in the ingest node while
  // streaming), beside the offline check below.
  const std::string ingest_scrape = http_get(urls.at("daqz-ingest"));
  const double ingest_in = prometheus_sum(ingest_scrape, "daqz_ingest_encoded_input_bytes_total");
  const double ingest_out = prometheus_sum(ingest_scrape, "daqz_ingest_encoded_output_bytes_total");
  const double fallbacks = prometheus_sum(ingest_scrape, "daqz_ingest_fallback_total");
  const nlohmann::json live_fidelity = {
      {"samples", prometheus_sum(ingest_scrape, "daqz_ingest_fidelity_samples_total")},
      {"dropped", prometheus_sum(ingest_scrape, "daqz_ingest_fidelity_dropped_total")},
      {"mse", prometheus_sum(ingest_scrape, "daqz_ingest_fidelity_mse")},
      {"log_mae", prometheus_sum(ingest_scrape, "daqz_ingest_fidelity_log_mae")},
      {"precision", prometheus_sum(ingest_scrape, "daqz_ingest_fidelity_precision")},
      {"recall", prometheus_sum(ingest_scrape, "daqz_ingest_fidelity_recall")}};

  auto finish = [&]() {
    const LocalCluster::ExitCodes rc = cluster.stop();
    return std::make_pair(rc.ingest, rc.sink);
  };
  nlohmann::json summary;
  auto build_summary = [&](bool stopped, int ingest_rc, int sink_rc) {
    // Decode everything stored: counts by (source, sequence) expose loss and duplication.
    std::vector<std::string> roots = repo.roots();
    for (const auto& m : {wedge_model, jet_model})
      if (m) roots.push_back(m->dir);
    RecordDecoder decoder(roots);
    std::map<RecordKey, int> seen;
    uint64_t stored_wedges = 0, stored_jets = 0, decode_failures = 0, stored_bytes = 0;
    MetricsAccumulator fidelity;
    double jet_rel_sum = 0;
    uint64_t jet_values = 0;
    for (const auto& path : list_segments(cluster.segments_dir())) {
      SegmentReader reader(path);
      while (auto m = reader.next()) {
        const auto& e = m->envelope;
        const bool jets = e.record_meta().original_kind() == wire::KIND_JET_BATCH;
        if (++seen[RecordKey::of(e)] > 1) continue;
        (jets ? stored_jets : stored_wedges)++;
        stored_bytes += m->payload.size();
        const std::string dumped = w + "/sent/" + record_file_stem(RecordKey::of(e)) + ".npy";
        if (!fs::exists(dumped)) continue;
        try {
          const DecodedRecord d = decoder.decode(record_from_message(*m));
          if (!jets) {
            const DenseWedge truth = wedge_from_npy(read_npy(dumped));
            fidelity.add_wedge(truth, d.wedge.adc.data(), d.wedge.adc.size());
          } else {
            const NpyArray truth = read_npy(dumped);
            for (size_t i = 0; i < d.jets.values.size() && i < truth.elements(); ++i) {
              const float x = truth.as<float>()[i];
              if (x != 0) jet_rel_sum += std::fabs((d.jets.values[i] - x) / x), ++jet_values;
            }
          }
        } catch (const std::exception& ex) {
          ++decode_failures;
          spdlog::error("decode of ({}, {}) failed: {}", e.source_id(), e.sequence(), ex.what());
        }
      }
    }
    uint64_t duplicated = 0;
    for (const auto& [k, n] : seen) duplicated += uint64_t(n - 1);
    const MetricsSummary f = fidelity.summary();
    const double dense_bytes = double(stored_wedges) * 192 * 249 * 16 * 2;
    summary = {
        {"wedges_sent", wedges_sent},
        {"wedges_stored", stored_wedges},
        {"wedges_lost", wedges_sent > stored_wedges ? wedges_sent - stored_wedges : 0},
        {"jet_batches_sent", jets_sent},
        {"jet_batches_stored", stored_jets},
        {"jet_batches_lost", jets_sent > stored_jets ? jets_sent - stored_jets : 0},
        {"duplicated", duplicated},
        {"lossless_fallbacks", fallbacks},
        {"decode_failures", decode_failures},
        {"seconds", seconds},
        {"wedges_per_second", seconds > 0 ? double(wedges_sent) / seconds : 0.0},
        {"wire_bytes_per_wedge", sent.value("bytes_per_wedge", 0.0)},
        {"stored_bytes", stored_bytes},
        {"ratio_vs_zero_suppressed_wire", ingest_out > 0 ? ingest_in / ingest_out : 0.0},
        {"ratio_vs_dense_16bit", stored_bytes ? dense_bytes / double(stored_bytes) : 0.0},
        {"wedge_codec", wedge_model ? "bcae:" + wedge_model->name : "lossless"},
        {"jet_codec", jet_model ? "jet-ae:" + jet_model->name : "jet-lossless"},
        {"fidelity_sample", {{"wedges", f.n_wedges}, {"mse", f.mse}, {"log_mae", f.log_mae}, {"psnr_db", f.psnr_db},
                             {"precision", f.precision}, {"recall", f.recall},
                             {"jet_mean_abs_relative_residual", jet_values ? jet_rel_sum / double(jet_values) : 0.0}}},
        {"live_fidelity", live_fidelity},
        {"metrics_urls", urls},
        {"pipeline_stopped", stopped},
        {"work_dir", w}};
    if (stopped) summary["exit_codes"] = {{"ingest", ingest_rc}, {"sink", sink_rc}};
  };

  int ingest_rc = 0, sink_rc = 0;
  if (a.hold_s > 0) {
    build_summary(false, 0, 0);
    if (a.json) std::cout << summary.dump() << std::endl;
    else std::cout << daqz::cli::demo_summary_text(summary, "kept while held") << std::flush;
    spdlog::info("holding the pipeline up for {:.0f} s (metrics: {}, {}, {})", a.hold_s, urls.at("daqz-felix-sim"),
                 urls.at("daqz-ingest"), urls.at("daqz-sink"));
    std::this_thread::sleep_for(std::chrono::duration<double>(a.hold_s));
    std::tie(ingest_rc, sink_rc) = finish();
  } else {
    std::tie(ingest_rc, sink_rc) = finish();
    build_summary(true, ingest_rc, sink_rc);
  }
  const bool ok = summary["wedges_lost"] == 0 && summary["jet_batches_lost"] == 0 && summary["duplicated"] == 0 &&
                  summary["decode_failures"] == 0 && ingest_rc == 0 && sink_rc == 0;
  const bool remove = own_work && !a.keep && ok;
  if (a.hold_s <= 0) {
    if (a.json) std::cout << summary.dump() << std::endl;
    else std::cout << daqz::cli::demo_summary_text(summary, remove ? "removed; --keep keeps it" : "kept") << std::flush;
  }
  if (remove) fs::remove_all(w);
  return ok ? 0 : 2;
}

void setup_demo(CLI::App& sub, int& exit_code) {
  auto a = std::make_shared<DemoArgs>();
  sub.add_option("--wedges", a->wedges, "Wedges to stream (24 per event)")->capture_default_str();
  sub.add_option("--rate", a->rate, "Target wedges/s (0 = flat out)")->capture_default_str();
  sub.add_option("--workers", a->workers, "Ingest encoder workers")->capture_default_str();
  sub.add_option("--models-root", a->models_root, "Folder of model directories (default: deploy/models)");
  sub.add_option("--wedge-model", a->wedge_model,
                 "BCAE model directory or name[@version] (default: the shipped one with the lowest held-out MSE)");
  sub.add_option("--jet-model", a->jet_model,
                 "27D jet AE model directory or name[@version] (default: the shipped one with the lowest MSE)");
  sub.add_option("--work-dir", a->work_dir, "Keep logs and segments here (default: a temporary folder)");
  sub.add_option("--hold", a->hold_s, "After the summary keep the pipeline up this many seconds")->capture_default_str();
  sub.add_option("--seed", a->seed, "Simulator seed")->capture_default_str();
  sub.add_option("--sample", a->sample, "Wedges and jet batches compared for fidelity")->capture_default_str();
  sub.add_option("--fidelity-fraction", a->fidelity_fraction, "Share of wedges the ingest's live fidelity monitor decodes")
      ->capture_default_str();
  sub.add_flag("--json", a->json, "Print the summary as one JSON line (default: a short human summary)");
  sub.add_flag("--keep", a->keep, "Keep the temporary work folder");
  sub.callback([a, &exit_code] { exit_code = run_demo(*a); });
}

}  // namespace

DAQZ_COMMAND(demo, "Run simulator -> ingest -> sink locally with the shipped models and print a summary", setup_demo);
