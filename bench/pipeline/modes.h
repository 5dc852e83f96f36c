// The modes (subcommands) of bench_pipeline_bench, one file each: its arguments, its CLI
// subcommand and its run. Each run prints a table and stores its figures in Common::results under
// its own key ("e2e", "transport", "latency_<codec>", "scaling", "soak").
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "common.h"

namespace daqz::bench {

struct E2eArgs {
  std::vector<std::string> codecs{"bcae", "lossless"};
  int threads = 1;
  int validators = 1;        // ingest --validators: its one worker only encodes, as the bare encoder does
  size_t batch = 4;
  double seconds = 40;       // pipeline window
  double bare_seconds = 15;  // each of the two bare-encoder runs
};
CLI::App* add_e2e_command(CLI::App& app, E2eArgs& a);
int run_e2e(Common& c, const E2eArgs& a);

struct TransportArgs {
  double seconds = 20;
  std::string codec = "lossless";
  std::vector<std::string> also = {"passthrough"};  // the pipeline's own cost, without an encoder
  int workers = 2;  // both cores encode, so the codec is less of a limit than the transport
};
CLI::App* add_transport_command(CLI::App& app, TransportArgs& a);
int run_transport(Common& c, const TransportArgs& a);

struct LatencyArgs {
  std::string codec = "bcae";
  double rate = 3;
  double seconds = 120;
  int threads = 1;
  size_t batch = 4;
};
CLI::App* add_latency_command(CLI::App& app, LatencyArgs& a);
int run_latency(Common& c, const LatencyArgs& a);

struct ScalingArgs {
  std::string codec = "bcae";
  std::string workers = "1,2";
  std::string batches = "1,4,8";
  int threads = 1;
  double seconds = 30;
};
CLI::App* add_scaling_command(CLI::App& app, ScalingArgs& a);
int run_scaling(Common& c, const ScalingArgs& a);

struct SoakArgs {
  std::string codec = "bcae";
  double rate = 4;
  double seconds = 600;
  double interval = 10;
  int threads = 1;
  size_t batch = 4;
};
CLI::App* add_soak_command(CLI::App& app, SoakArgs& a);
int run_soak(Common& c, const SoakArgs& a);

}  // namespace daqz::bench
