// Mode soak: VmRSS of each process sampled every --interval s for --seconds at a steady --rate;
// first, max, last and the least-squares slope in MiB/min (whole run and after the first minute).
#include <algorithm>
#include <cstdio>

#include "modes.h"
#include "pipeline.h"
#include "testing/proc_stats.h"

namespace daqz::bench {

CLI::App* add_soak_command(CLI::App& app, SoakArgs& a) {
  auto* k = app.add_subcommand("soak", "RSS of each process over a long steady run");
  k->add_option("--codec", a.codec, "Ingest wedge codec")->capture_default_str();
  k->add_option("--rate", a.rate, "Wedges/s")->capture_default_str();
  k->add_option("--seconds", a.seconds, "Duration")->capture_default_str();
  k->add_option("--interval", a.interval, "Seconds between RSS samples")->capture_default_str();
  k->add_option("--threads", a.threads, "Intra-op threads")->capture_default_str();
  k->add_option("--batch", a.batch, "Max batch")->capture_default_str();
  return k;
}

int run_soak(Common& c, const SoakArgs& a) {
  std::printf("\n== soak: %s at %.1f wedges/s for %.0f s, VmRSS every %.0f s ==\n", describe_codec(c, a.codec).c_str(),
              a.rate, a.seconds, a.interval);
  PipelineSpec s;
  s.codec = a.codec;
  s.rate = a.rate;
  s.threads = a.threads;
  s.batch = a.batch;
  Pipeline p(c, s, "soak");
  p.wait_flowing(1, 180);
  const std::vector<std::pair<std::string, Service>> procs = {
      {"daqz-felix-sim", Service::kFelixSim}, {"daqz-ingest", Service::kIngest}, {"daqz-sink", Service::kSink}};
  std::vector<double> t_min;
  std::map<std::string, std::vector<double>> rss;
  std::vector<double> stored, loads;
  const auto t0 = Clock::now();
  for (;;) {
    const double t = seconds_since(t0);
    t_min.push_back(t / 60.0);
    for (const auto& [name, service] : procs) rss[name].push_back(rss_mib(p.process(service).pid()).value_or(-1));
    stored.push_back(p.sink_stored());
    loads.push_back(load_1min());
    if (t >= a.seconds) break;
    const double next = double(t_min.size()) * a.interval;
    while (seconds_since(t0) < next) {
      sleep_s(std::min(1.0, next - seconds_since(t0) + 1e-3));
      p.check_alive();
    }
  }
  const double elapsed = seconds_since(t0);
  p.stop();
  const double achieved = (stored.back() - stored.front()) / elapsed;
  std::printf("%zu samples over %.0f s; stored %.0f records (%.2f wedges/s); load 1m min %.2f max %.2f\n", t_min.size(),
              elapsed, stored.back() - stored.front(), achieved, *std::min_element(loads.begin(), loads.end()),
              *std::max_element(loads.begin(), loads.end()));
  std::printf("%-16s %10s %10s %10s %16s %22s\n", "process", "first MiB", "max MiB", "last MiB", "slope MiB/min",
              "slope after 1st min");
  nlohmann::json out = {{"codec", describe_codec(c, a.codec)}, {"rate", a.rate}, {"achieved_rate", achieved},
                        {"seconds", elapsed}, {"interval_s", a.interval}, {"t_min", t_min}, {"load_1m", loads}};
  for (const auto& [name, service] : procs) {
    const auto& y = rss[name];
    std::vector<double> x2, y2;
    for (size_t i = 0; i < y.size(); ++i)
      if (t_min[i] >= 1.0) x2.push_back(t_min[i]), y2.push_back(y[i]);
    const double s_all = slope(t_min, y), s_late = slope(x2, y2);
    const double max = *std::max_element(y.begin(), y.end());
    std::printf("%-16s %10.1f %10.1f %10.1f %16.3f %22.3f\n", name.c_str(), y.front(), max, y.back(), s_all, s_late);
    out["rss_mib"][name] = y;
    out["summary"][name] = {{"first", y.front()}, {"max", max}, {"last", y.back()}, {"slope_mib_per_min", s_all},
                            {"slope_after_1min", s_late}};
  }
  std::fflush(stdout);
  c.results["soak"] = out;
  return 0;
}

}  // namespace daqz::bench
