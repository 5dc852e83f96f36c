// bench_pipeline_bench: figures of the whole pipeline with REAL processes (daqz-felix-sim, daqz-ingest,
// daqz-sink from the same bin directory, wired over tcp loopback by testing/local_cluster.h), side by
// side with their in-process references measured in the same run. Five modes (subcommands), one file
// each in this folder:
//
//   e2e.cpp        wedges/s stored by the sink vs the bare encoder (bare_encoder.h), before and after
//   transport.cpp  lossless flat out: Gbit/s of wire bytes vs a plain ZeroMQ PUSH/PULL (plain_zmq.h)
//   latency.cpp    send -> durable acknowledgement per message at a fixed rate, p50/p90/p99
//   scaling.cpp    wedges/s stored for a grid of ingest workers x max batch
//   soak.cpp       VmRSS of each process over a long steady run, with slopes
//
//   build/bin/bench_pipeline_bench e2e --seconds 40
//   build/bin/bench_pipeline_bench transport --seconds 20
//   build/bin/bench_pipeline_bench latency --codec bcae --rate 3 --seconds 120
//   build/bin/bench_pipeline_bench scaling --workers 1,2 --batches 1,4,8
//   build/bin/bench_pipeline_bench soak --rate 4 --seconds 600 --json
//
// Every figure is printed with the 1-minute load average at the end of its window: the machine is shared.
// Results go to stdout (a table; --json adds one JSON document at the end); logs go to stderr. Child
// logs and segments live in --work-dir (a temporary folder removed at the end unless --keep).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "codec_classic/classic_codecs.h"
#include "codec_torch/neural_codecs.h"
#include "common.h"
#include "modes.h"
#include "testing/proc_stats.h"

using namespace daqz::bench;

namespace {

void add_common_options(CLI::App& app, Common& c) {
  app.add_option("--bin-dir", c.bin_dir, "Folder of daqz-felix-sim, daqz-ingest, daqz-sink (default: beside this bench)");
  app.add_option("--models-root", c.models_root, "Folder of model directories (default: the source tree's deploy/models)");
  app.add_option("--model", c.model, "BCAE model directory (default: first shipped bcae-2d model)");
  app.add_option("--work-dir", c.work_dir, "Child logs and segments (default: a temporary folder)");
  app.add_option("--codec-param", c.codec_params, "Extra codec parameter key=value for ingest and bare encoder (repeatable)");
  app.add_option("--pool", c.pool, "Wedges pre-generated and cycled (felix-sim --pool)")->capture_default_str();
  app.add_option("--seed", c.seed, "Simulator seed")->capture_default_str();
  app.add_option("--warmup", c.warmup_s, "Seconds after the first stored record before a window opens")->capture_default_str();
  app.add_flag("--json", c.print_json, "Print all results as one JSON document at the end");
  app.add_flag("--keep", c.keep, "Keep the work folder (child logs)");
  app.add_option("--quiet-cores", c.quiet_cores,
                 "Before each measurement wait until other non-nice work uses < this many cores (0 = never wait)")
      ->capture_default_str();
  app.add_option("--quiet-max-wait", c.quiet_max_wait_s, "Longest wait for a quiet machine (s)")->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  daqz::register_classic_codecs();
  daqz::register_neural_codecs();
  spdlog::set_default_logger(spdlog::stderr_color_mt("bench"));
  Common c;
  E2eArgs e2e;
  TransportArgs transport;
  LatencyArgs latency;
  ScalingArgs scaling;
  SoakArgs soak;
  CLI::App app{"bench_pipeline_bench: pipeline figures with real processes (e2e, transport, latency, scaling, soak)"};
  app.require_subcommand(1);
  add_common_options(app, c);
  CLI::App* e = add_e2e_command(app, e2e);
  CLI::App* t = add_transport_command(app, transport);
  CLI::App* l = add_latency_command(app, latency);
  CLI::App* s = add_scaling_command(app, scaling);
  CLI::App* k = add_soak_command(app, soak);
  CLI11_PARSE(app, argc, argv);

  int rc = 1;
  try {
    resolve(c);
    std::printf("pipeline bench: bin %s, model %s, cores %u, load average %s\n", c.bin_dir.c_str(),
                c.model.empty() ? "(none)" : c.model.c_str(), std::thread::hardware_concurrency(),
                daqz::load_average().c_str());
    if (e->parsed()) rc = run_e2e(c, e2e);
    if (t->parsed()) rc = run_transport(c, transport);
    if (l->parsed()) rc = run_latency(c, latency);
    if (s->parsed()) rc = run_scaling(c, scaling);
    if (k->parsed()) rc = run_soak(c, soak);
    std::printf("load average at the end: %s\n", daqz::load_average().c_str());
    if (c.print_json) std::printf("%s\n", c.results.dump().c_str());
  } catch (const std::exception& ex) {
    spdlog::error("{}", ex.what());
    rc = 1;
  }
  if (!c.keep && rc == 0) std::filesystem::remove_all(c.work_dir);
  return rc;
}
