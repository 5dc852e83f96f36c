// Mode transport: codecs flat out (default lossless, then passthrough: the pipeline's own cost
// without an encoder); Gbit/s of wire bytes (felix-sim sent, ingest received, ingest -> sink) vs a
// plain ZeroMQ PUSH/PULL over tcp loopback of the same frames, CPU per message, CPU µs per wedge per
// stage (the ingest node's daqz_ingest_stage_cpu_seconds_total; store = the sink process) and the
// ingest node's busiest threads.
#include <algorithm>
#include <cstdio>

#include "modes.h"
#include "pipeline.h"
#include "plain_zmq.h"
#include "testing/proc_stats.h"
#include "transport/zmq_io.h"

namespace daqz::bench {
namespace {

const char* const kStages[] = {"receive", "validate", "encode", "send"};

struct CodecRun {
  std::string codec;
  Window w;
  double sim_gbit = 0, received_gbit = 0, sent_gbit = 0, sent_mps = 0, stored_wps = 0, load = 0;
  nlohmann::json stage_us = nlohmann::json::object();  // CPU µs per stored wedge, per stage
  nlohmann::json threads = nlohmann::json::array();    // busiest ingest threads, CPU s/s
};

// Per-thread CPU s/s of the ingest node over the window, busiest first (which thread does the work).
nlohmann::json busiest_threads(const std::map<pid_t, ThreadCpu>& a, const std::map<pid_t, ThreadCpu>& b,
                               pid_t main_tid, double seconds) {
  std::vector<std::pair<double, std::string>> rows;
  for (const auto& [tid, t] : b) {
    const auto it = a.find(tid);
    const double used = (t.cpu_seconds - (it == a.end() ? 0.0 : it->second.cpu_seconds)) / seconds;
    rows.emplace_back(used, tid == main_tid ? std::string("main") : t.name + "#" + std::to_string(tid));
  }
  std::sort(rows.rbegin(), rows.rend());
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < rows.size() && i < 6; ++i) out.push_back({{"thread", rows[i].second}, {"cpu_per_s", rows[i].first}});
  return out;
}

CodecRun measure_codec(Common& c, const std::string& codec, int workers, double seconds) {
  PipelineSpec s;
  s.codec = codec;
  s.workers = workers;
  Pipeline p(c, s, "transport-" + codec);
  p.wait_flowing(1, 120);
  sleep_s(c.warmup_s);
  const std::string sim = p.url(Service::kFelixSim), ingest = p.url(Service::kIngest), sink = p.url(Service::kSink);
  std::vector<std::pair<std::string, std::string>> counters = {
      {sim, "daqz_felix_sim_bytes_sent_total"}, {sim, "daqz_felix_sim_messages_sent_total"},
      {ingest, "daqz_ingest_received_bytes_total"}, {ingest, "daqz_ingest_sent_bytes_total"},
      {sink, "daqz_sink_records_stored_total"}, {sink, "daqz_sink_written_bytes_total"}};
  for (const char* stage : kStages)
    counters.push_back({ingest, std::string("daqz_ingest_stage_cpu_seconds_total{stage=\"") + stage + "\"}"});
  const pid_t ingest_pid = p.process(Service::kIngest).pid();
  const auto threads_a = thread_cpu_seconds(ingest_pid);
  CodecRun r;
  r.codec = codec;
  r.w = measure_window(p, counters, seconds, true);
  const auto threads_b = thread_cpu_seconds(ingest_pid);
  r.load = load_1min();
  p.stop();
  const Window& w = r.w;
  auto gbit = [&](const std::string& url, const std::string& m) { return w.per_second(url + "|" + m) * 8e-9; };
  r.sim_gbit = gbit(sim, "daqz_felix_sim_bytes_sent_total");
  r.received_gbit = gbit(ingest, "daqz_ingest_received_bytes_total");
  r.sent_gbit = gbit(ingest, "daqz_ingest_sent_bytes_total");
  r.sent_mps = w.per_second(sim + "|daqz_felix_sim_messages_sent_total");
  r.stored_wps = w.per_second(sink + "|daqz_sink_records_stored_total");
  const double stored = w.delta.at(sink + "|daqz_sink_records_stored_total");
  auto per_wedge_us = [&](double cpu_s) { return stored > 0 ? 1e6 * cpu_s / stored : 0.0; };
  for (const char* stage : kStages)
    r.stage_us[stage] = per_wedge_us(
        w.delta.at(ingest + "|daqz_ingest_stage_cpu_seconds_total{stage=\"" + std::string(stage) + "\"}"));
  r.stage_us["store"] = per_wedge_us(w.cpu_sink);
  r.stage_us["ingest_process"] = per_wedge_us(w.cpu_ingest);
  r.stage_us["felix_sim_process"] = per_wedge_us(w.cpu_sim);
  r.threads = busiest_threads(threads_a, threads_b, ingest_pid, w.seconds);
  wait_for_quiet(c);
  return r;
}

nlohmann::json to_json(const CodecRun& r, double plain_mps, double plain_gbit, double relay_mps, int workers,
                       double mean_msg) {
  const Window& w = r.w;
  return {{"codec", r.codec}, {"workers", workers}, {"mean_message_bytes", mean_msg}, {"window_s", w.seconds},
          {"cpu_per_s", {{"felix_sim", w.cpu_sim / w.seconds}, {"ingest", w.cpu_ingest / w.seconds},
                         {"sink", w.cpu_sink / w.seconds}}},
          {"felix_sent_gbit_s", r.sim_gbit}, {"ingest_received_gbit_s", r.received_gbit},
          {"ingest_sent_gbit_s", r.sent_gbit}, {"stored_wps", r.stored_wps}, {"ingest_threads", r.threads},
          {"stage_cpu_us_per_wedge", r.stage_us}, {"ratio", plain_gbit > 0 ? r.sim_gbit / plain_gbit : 0.0},
          {"ratio_messages", plain_mps > 0 ? r.stored_wps / plain_mps : 0.0},
          {"ratio_messages_vs_relay", relay_mps > 0 ? r.stored_wps / relay_mps : 0.0}, {"load_1m", r.load}};
}

}  // namespace

CLI::App* add_transport_command(CLI::App& app, TransportArgs& a) {
  auto* t = app.add_subcommand("transport", "Wire Gbit/s flat out vs plain ZeroMQ PUSH/PULL");
  t->add_option("--seconds", a.seconds, "Measurement window (each)")->capture_default_str();
  t->add_option("--codec", a.codec, "Ingest wedge codec (transport.* keys)")->capture_default_str();
  t->add_option("--also", a.also, "Further codecs measured the same way (transport.codecs[]; \"\" for none)")->capture_default_str();
  t->add_option("--workers", a.workers, "Ingest encoder workers")->capture_default_str();
  return t;
}

int run_transport(Common& c, const TransportArgs& a) {
  std::printf("\n== transport: flat out, wire Gbit/s vs plain ZeroMQ PUSH/PULL (tcp loopback) ==\n");
  const auto pool = make_pool(c.pool, c.seed);
  std::vector<Message> msgs;
  double wire_bytes = 0;
  for (size_t i = 0; i < pool.size(); ++i) {
    msgs.push_back(make_wedge_message(pool[i], "felix-sim-0", i));
    wire_bytes += double(msgs.back().envelope.ByteSizeLong() + msgs.back().payload.size());
  }
  const double mean_msg = wire_bytes / double(msgs.size());
  std::vector<CodecRun> runs;
  runs.push_back(measure_codec(c, a.codec, a.workers, a.seconds));
  for (const auto& codec : a.also)
    if (!codec.empty() && codec != a.codec) runs.push_back(measure_codec(c, codec, a.workers, a.seconds));
  const PlainZmqResult plain_run = plain_zmq_push_pull(msgs, SocketOptions::kDefaultHwm, a.seconds);
  const double plain = plain_run.bytes_per_s * 8e-9, plain_mps = plain_run.messages_per_s;
  const double load_plain = load_1min();
  // Two hops with no work: what felix-sim -> ingest -> sink would reach if the nodes did nothing.
  const PlainZmqResult relay_run = plain_zmq_push_pull(msgs, SocketOptions::kDefaultHwm, a.seconds, 2);
  const double relay_mps = relay_run.messages_per_s;

  std::printf("mean wire message %.0f bytes (pool %zu wedges, seed %lu); ingest workers %d; window %.0f s each\n",
              mean_msg, c.pool, (unsigned long)c.seed, a.workers, a.seconds);
  std::printf("%-40s %9s %11s %9s %8s %8s\n", "path", "Gbit/s", "messages/s", "of plain", "CPU ms", "load 1m");
  for (const auto& r : runs) {
    const double cpu_ms = r.stored_wps > 0 ? 1e3 * (r.w.cpu_sim + r.w.cpu_ingest + r.w.cpu_sink) / r.w.seconds / r.stored_wps : 0;
    std::printf("%-40s %9.3f %11.1f %8.1f%% %8.3f %8.2f\n", (r.codec + " pipeline: felix-sim sent").c_str(), r.sim_gbit,
                r.sent_mps, plain > 0 ? 100 * r.sim_gbit / plain : 0.0, cpu_ms, r.load);
    std::printf("%-40s %9.3f %11.1f\n", (r.codec + " pipeline: ingest -> sink (stored)").c_str(), r.sent_gbit,
                r.stored_wps);
  }
  std::printf("%-40s %9.3f %11.1f %9s %8.3f %8.2f\n", "plain ZeroMQ PUSH/PULL, same frames", plain, plain_mps, "",
              plain_mps > 0 ? 1e3 * plain_run.cpu_per_s / plain_mps : 0.0, load_plain);
  std::printf("%-40s %9.3f %11.1f %8.1f%% %8.3f\n", "plain ZeroMQ relay: 2 hops, no work", relay_run.bytes_per_s * 8e-9,
              relay_mps, plain_mps > 0 ? 100 * relay_mps / plain_mps : 0.0,
              relay_mps > 0 ? 1e3 * relay_run.cpu_per_s / relay_mps : 0.0);
  std::printf("(CPU ms = CPU per message of all processes: felix-sim + ingest + sink, or both plain ends)\n");
  for (const auto& r : runs)
    std::printf("%s pipeline = %.1f%% of the no-work relay's messages/s\n", r.codec.c_str(),
                relay_mps > 0 ? 100 * r.stored_wps / relay_mps : 0.0);
  std::printf("%-14s %9s %9s %9s %9s %9s %11s\n", "CPU µs/wedge", "receive", "validate", "encode", "send", "store",
              "ingest all");
  for (const auto& r : runs) {
    const auto& u = r.stage_us;
    std::printf("%-14s %9.1f %9.1f %9.1f %9.1f %9.1f %11.1f\n", r.codec.c_str(), u["receive"].get<double>(),
                u["validate"].get<double>(), u["encode"].get<double>(), u["send"].get<double>(),
                u["store"].get<double>(), u["ingest_process"].get<double>());
  }
  for (const auto& r : runs) {
    std::printf("busiest ingest threads, %s (CPU s/s):", r.codec.c_str());
    for (const auto& t : r.threads) std::printf(" %s %.2f", t["thread"].get<std::string>().c_str(), t["cpu_per_s"].get<double>());
    std::printf("\n");
  }
  std::fflush(stdout);
  // transport.* keeps the first codec's figures under their old keys; every codec is in transport.codecs.
  nlohmann::json j = to_json(runs.front(), plain_mps, plain, relay_mps, a.workers, mean_msg);
  j["plain_zmq_gbit_s"] = plain;
  j["plain_zmq_messages_s"] = plain_mps;
  j["plain_zmq_cpu_per_s"] = plain_run.cpu_per_s;
  j["plain_relay_messages_s"] = relay_mps;
  j["plain_relay_cpu_per_s"] = relay_run.cpu_per_s;
  j["load_1m"] = {runs.front().load, load_plain};
  j["codecs"] = nlohmann::json::array();
  for (const auto& r : runs) j["codecs"].push_back(to_json(r, plain_mps, plain, relay_mps, a.workers, mean_msg));
  c.results["transport"] = j;
  return 0;
}

}  // namespace daqz::bench
