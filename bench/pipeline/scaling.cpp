// Mode scaling: wedges/s stored for a grid of ingest workers x max batch, with the mean batch the
// ingest node really formed.
#include <cstdio>

#include "modes.h"
#include "pipeline.h"
#include "testing/proc_stats.h"

namespace daqz::bench {

CLI::App* add_scaling_command(CLI::App& app, ScalingArgs& a) {
  auto* s = app.add_subcommand("scaling", "Wedges/s for a grid of workers x batch");
  s->add_option("--codec", a.codec, "Ingest wedge codec")->capture_default_str();
  s->add_option("--workers", a.workers, "Comma-separated worker counts")->capture_default_str();
  s->add_option("--batches", a.batches, "Comma-separated max batch sizes")->capture_default_str();
  s->add_option("--threads", a.threads, "Intra-op threads per worker")->capture_default_str();
  s->add_option("--seconds", a.seconds, "Measurement window per point")->capture_default_str();
  return s;
}

int run_scaling(Common& c, const ScalingArgs& a) {
  std::printf("\n== scaling: %s, wedges/s stored vs ingest workers x max batch (intra-op threads %d) ==\n",
              describe_codec(c, a.codec).c_str(), a.threads);
  std::printf("%8s %6s %12s %11s %8s\n", "workers", "batch", "wedges/s", "mean batch", "load 1m");
  nlohmann::json rows = nlohmann::json::array();
  for (int workers : parse_int_list(a.workers)) {
    for (int batch : parse_int_list(a.batches)) {
      PipelineSpec s;
      s.codec = a.codec;
      s.workers = workers;
      s.threads = a.threads;
      s.batch = size_t(batch);
      Pipeline p(c, s, "scaling");
      p.wait_flowing(1, 180);
      sleep_s(c.warmup_s);
      const std::string sink = p.url(Service::kSink), ingest = p.url(Service::kIngest);
      const std::string stored = "daqz_sink_records_stored_total";
      const Window w = measure_window(p, {{sink, stored}, {ingest, "daqz_ingest_batch_size_sum"},
                                          {ingest, "daqz_ingest_batch_size_count"},
                                          {ingest, "daqz_ingest_fallback_total"}},
                                      a.seconds, true);
      const double load = load_1min();
      p.stop();
      const double rate = w.per_second(sink + "|" + stored);
      const double n = w.delta.at(ingest + "|daqz_ingest_batch_size_count");
      const double mean_batch = n > 0 ? w.delta.at(ingest + "|daqz_ingest_batch_size_sum") / n : 0;
      const double fallbacks = w.delta.at(ingest + "|daqz_ingest_fallback_total");
      std::printf("%8d %6d %12.2f %11.2f %8.2f%s\n", workers, batch, rate, mean_batch, load,
                  fallbacks > 0 ? "  [FALLBACKS]" : "");
      std::fflush(stdout);
      rows.push_back({{"workers", workers}, {"batch", batch}, {"threads", a.threads}, {"wps", rate},
                      {"mean_batch", mean_batch}, {"fallbacks", fallbacks}, {"load_1m", load}, {"window_s", w.seconds}});
    }
  }
  c.results["scaling"] = {{"codec", describe_codec(c, a.codec)}, {"rows", rows}};
  return 0;
}

}  // namespace daqz::bench
