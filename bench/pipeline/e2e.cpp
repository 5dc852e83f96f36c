// Mode e2e: wedges/s stored by the sink (counter deltas over a window) vs the bare encoder (the same
// codec's encode loop in this process, same wedges, batch and threads), measured before and after.
#include <cstdio>

#include "bare_encoder.h"
#include "modes.h"
#include "pipeline.h"
#include "testing/proc_stats.h"

namespace daqz::bench {

CLI::App* add_e2e_command(CLI::App& app, E2eArgs& a) {
  auto* e = app.add_subcommand("e2e", "Pipeline wedges/s vs the bare encoder in the same run");
  e->add_option("--codec", a.codecs, "Codecs to measure (bcae, lossless, zfp)")->capture_default_str();
  e->add_option("--threads", a.threads, "Intra-op threads (ingest and bare encoder)")->capture_default_str();
  e->add_option("--validators", a.validators, "Ingest validator threads ahead of its one encoder worker")
      ->capture_default_str();
  e->add_option("--batch", a.batch, "Batch size (ingest --max-batch and the codec's batch)")->capture_default_str();
  e->add_option("--seconds", a.seconds, "Pipeline measurement window")->capture_default_str();
  e->add_option("--bare-seconds", a.bare_seconds, "Each bare-encoder run (one before, one after)")->capture_default_str();
  return e;
}

int run_e2e(Common& c, const E2eArgs& a) {
  const auto pool = make_pool(c.pool, c.seed);
  std::printf("\n== e2e: pipeline (felix-sim -> ingest -> sink, real processes) vs bare encoder, same run ==\n");
  std::printf("workers 1, validators %d, intra-op threads %d, batch %zu, pool %zu wedges, window %.0f s, bare 2 x %.0f s\n",
              a.validators, a.threads, a.batch, c.pool, a.seconds, a.bare_seconds);
  std::printf("%-28s %12s %12s %12s %12s %8s %s\n", "codec", "bare before", "pipeline", "bare after", "bare cpu/s",
              "ratio", "load (1m, at end of each)");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& codec : a.codecs) {
    const BareResult before = bare_encode(c, codec, pool, a.batch, a.threads, a.bare_seconds);
    PipelineSpec s;
    s.codec = codec;
    s.threads = a.threads;
    s.validators = a.validators;
    s.batch = a.batch;
    Pipeline p(c, s, "e2e-" + codec);
    p.wait_flowing(1, 180);
    sleep_s(c.warmup_s);
    const std::string sink = p.url(Service::kSink), ingest = p.url(Service::kIngest);
    const std::string stored = "daqz_sink_records_stored_total";
    const Window w = measure_window(p, {{sink, stored}, {ingest, "daqz_ingest_fallback_total"},
                                        {ingest, "daqz_ingest_batch_size_sum"},
                                        {ingest, "daqz_ingest_batch_size_count"}},
                                    a.seconds, true);
    const double load_pipe = load_1min();
    const double rate = w.per_second(sink + "|" + stored);
    const double fallbacks = w.delta.at(ingest + "|daqz_ingest_fallback_total");
    const double batches = w.delta.at(ingest + "|daqz_ingest_batch_size_count");
    const double mean_batch = batches > 0 ? w.delta.at(ingest + "|daqz_ingest_batch_size_sum") / batches : 0;
    p.stop();
    const BareResult after = bare_encode(c, codec, pool, a.batch, a.threads, a.bare_seconds);
    const double bare = 0.5 * (before.wedges_per_s + after.wedges_per_s);
    const double ratio = bare > 0 ? rate / bare : 0;
    const std::string name = describe_codec(c, codec);
    std::printf("%-28s %12.2f %12.2f %12.2f %12.2f %7.1f%% %.2f / %.2f / %.2f%s\n", name.c_str(), before.wedges_per_s,
                rate, after.wedges_per_s, 0.5 * (before.cpu_wedges_per_s + after.cpu_wedges_per_s), 100 * ratio,
                before.load, load_pipe, after.load, fallbacks > 0 ? "  [FALLBACKS: lossless used]" : "");
    const double n_stored = w.delta.at(sink + "|" + stored);
    const double bare_cpu_wps = 0.5 * (before.cpu_wedges_per_s + after.cpu_wedges_per_s);
    // CPU cost per wedge is robust to other load on shared cores: wall-clock rates are not.
    const double ingest_ms = n_stored > 0 ? 1e3 * w.cpu_ingest / n_stored : 0;
    const double all_ms = n_stored > 0 ? 1e3 * (w.cpu_ingest + w.cpu_sink + w.cpu_sim) / n_stored : 0;
    const double bare_ms = bare_cpu_wps > 0 ? 1e3 / bare_cpu_wps : 0;
    std::printf("%-28s mean batch %.2f; %.0f records in %.1f s; CPU ms/wedge: bare %.2f, ingest %.2f (%.1f%% of it "
                "encoding-equivalent), ingest+sink+felix-sim %.2f\n",
                "", mean_batch, n_stored, w.seconds, bare_ms, ingest_ms, ingest_ms > 0 ? 100 * bare_ms / ingest_ms : 0.0,
                all_ms);
    std::fflush(stdout);
    rows.push_back({{"codec", name}, {"threads", a.threads}, {"validators", a.validators}, {"batch", a.batch}, {"bare_before_wps", before.wedges_per_s},
                    {"bare_after_wps", after.wedges_per_s}, {"pipeline_wps", rate}, {"ratio", ratio},
                    {"mean_batch", mean_batch}, {"fallbacks", fallbacks}, {"window_s", w.seconds},
                    {"bare_cpu_ms_per_wedge", bare_ms}, {"ingest_cpu_ms_per_wedge", ingest_ms},
                    {"pipeline_cpu_ms_per_wedge", all_ms}, {"load_1m", {before.load, load_pipe, after.load}}});
  }
  c.results["e2e"] = rows;
  return 0;
}

}  // namespace daqz::bench
