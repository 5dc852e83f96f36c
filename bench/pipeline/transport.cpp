// Mode transport: the lossless codec flat out; Gbit/s of wire bytes (felix-sim sent, ingest
// received, ingest -> sink) vs a plain ZeroMQ PUSH/PULL over tcp loopback of the same frames, with
// CPU per message and the ingest node's busiest threads.
#include <algorithm>
#include <cstdio>

#include "modes.h"
#include "pipeline.h"
#include "plain_zmq.h"
#include "testing/proc_stats.h"
#include "transport/zmq_io.h"

namespace daqz::bench {

CLI::App* add_transport_command(CLI::App& app, TransportArgs& a) {
  auto* t = app.add_subcommand("transport", "Wire Gbit/s flat out vs plain ZeroMQ PUSH/PULL");
  t->add_option("--seconds", a.seconds, "Measurement window (each)")->capture_default_str();
  t->add_option("--codec", a.codec, "Ingest wedge codec")->capture_default_str();
  t->add_option("--workers", a.workers, "Ingest encoder workers")->capture_default_str();
  return t;
}

int run_transport(Common& c, const TransportArgs& a) {
  std::printf("\n== transport: %s codec flat out, wire Gbit/s vs plain ZeroMQ PUSH/PULL (tcp loopback) ==\n",
              a.codec.c_str());
  const auto pool = make_pool(c.pool, c.seed);
  std::vector<Message> msgs;
  double wire_bytes = 0;
  for (size_t i = 0; i < pool.size(); ++i) {
    msgs.push_back(make_wedge_message(pool[i], "felix-sim-0", i));
    wire_bytes += double(msgs.back().envelope.ByteSizeLong() + msgs.back().payload.size());
  }
  const double mean_msg = wire_bytes / double(msgs.size());
  PipelineSpec s;
  s.codec = a.codec;
  s.workers = a.workers;
  Pipeline p(c, s, "transport");
  p.wait_flowing(1, 120);
  sleep_s(c.warmup_s);
  const std::string sim = p.url(Service::kFelixSim), ingest = p.url(Service::kIngest), sink = p.url(Service::kSink);
  const std::vector<std::pair<std::string, std::string>> counters = {
      {sim, "daqz_felix_sim_bytes_sent_total"}, {sim, "daqz_felix_sim_messages_sent_total"},
      {ingest, "daqz_ingest_received_bytes_total"}, {ingest, "daqz_ingest_sent_bytes_total"},
      {sink, "daqz_sink_records_stored_total"}, {sink, "daqz_sink_written_bytes_total"}};
  const pid_t ingest_pid = p.process(Service::kIngest).pid();
  const auto threads_a = thread_cpu_seconds(ingest_pid);
  const Window w = measure_window(p, counters, a.seconds, true);
  const auto threads_b = thread_cpu_seconds(ingest_pid);
  const double load_pipe = load_1min();
  std::vector<std::pair<double, std::string>> busiest;  // which ingest thread does the work
  for (const auto& [tid, b] : threads_b) {
    const auto it = threads_a.find(tid);
    const double used = (b.cpu_seconds - (it == threads_a.end() ? 0.0 : it->second.cpu_seconds)) / w.seconds;
    busiest.emplace_back(used, tid == ingest_pid ? std::string("main=receiver") : b.name + "#" + std::to_string(tid));
  }
  std::sort(busiest.rbegin(), busiest.rend());
  p.stop();
  auto gbit = [&](const std::string& url, const std::string& m) { return w.per_second(url + "|" + m) * 8e-9; };
  wait_for_quiet(c);
  const PlainZmqResult plain_run = plain_zmq_push_pull(msgs, SocketOptions::kDefaultHwm, a.seconds);
  const double plain = plain_run.bytes_per_s * 8e-9, plain_mps = plain_run.messages_per_s;
  const double plain_cpu = plain_run.cpu_per_s;
  const double load_plain = load_1min();
  const double sim_gbit = gbit(sim, "daqz_felix_sim_bytes_sent_total");
  const double stored_wps = w.per_second(sink + "|daqz_sink_records_stored_total");
  std::printf("mean wire message %.0f bytes (pool %zu wedges, seed %lu); ingest workers %d; window %.1f s\n", mean_msg,
              c.pool, (unsigned long)c.seed, a.workers, w.seconds);
  std::printf("CPU seconds per second in the window: felix-sim %.2f, ingest %.2f, sink %.2f\n", w.cpu_sim / w.seconds,
              w.cpu_ingest / w.seconds, w.cpu_sink / w.seconds);
  std::printf("%-44s %10s %12s %8s\n", "path", "Gbit/s", "messages/s", "load 1m");
  std::printf("%-44s %10.3f %12.1f %8.2f\n", "pipeline hop 1: felix-sim sent", sim_gbit,
              w.per_second(sim + "|daqz_felix_sim_messages_sent_total"), load_pipe);
  std::printf("%-44s %10.3f %12s %8.2f\n", "pipeline hop 1: ingest received",
              gbit(ingest, "daqz_ingest_received_bytes_total"), "", load_pipe);
  std::printf("%-44s %10.3f %12.1f %8.2f\n", "pipeline hop 2: ingest -> sink (stored)",
              gbit(ingest, "daqz_ingest_sent_bytes_total"), stored_wps, load_pipe);
  std::printf("%-44s %10.3f %12.1f %8.2f\n", "plain ZeroMQ PUSH/PULL, same frames", plain, plain_mps, load_plain);
  std::printf("pipeline / plain: %.1f%%\n", plain > 0 ? 100 * sim_gbit / plain : 0.0);
  std::printf("CPU per message: pipeline (3 processes) %.3f ms, plain ZeroMQ (both ends) %.3f ms\n",
              stored_wps > 0 ? 1e3 * (w.cpu_sim + w.cpu_ingest + w.cpu_sink) / w.seconds / stored_wps : 0.0,
              plain_mps > 0 ? 1e3 * plain_cpu / plain_mps : 0.0);
  std::printf("busiest ingest threads (CPU s/s):");
  nlohmann::json thread_rows = nlohmann::json::array();
  for (size_t i = 0; i < busiest.size() && i < 6; ++i) {
    std::printf(" %s %.2f%s", busiest[i].second.c_str(), busiest[i].first,
                i + 1 < std::min<size_t>(6, busiest.size()) ? "," : "");
    thread_rows.push_back({{"thread", busiest[i].second}, {"cpu_per_s", busiest[i].first}});
  }
  std::printf("\n");
  std::fflush(stdout);
  c.results["transport"] = {
      {"codec", a.codec}, {"workers", a.workers}, {"mean_message_bytes", mean_msg}, {"window_s", w.seconds},
      {"cpu_per_s", {{"felix_sim", w.cpu_sim / w.seconds}, {"ingest", w.cpu_ingest / w.seconds},
                     {"sink", w.cpu_sink / w.seconds}}},
      {"felix_sent_gbit_s", sim_gbit}, {"ingest_received_gbit_s", gbit(ingest, "daqz_ingest_received_bytes_total")},
      {"ingest_sent_gbit_s", gbit(ingest, "daqz_ingest_sent_bytes_total")}, {"stored_wps", stored_wps},
      {"plain_zmq_gbit_s", plain}, {"plain_zmq_messages_s", plain_mps}, {"plain_zmq_cpu_per_s", plain_cpu},
      {"ingest_threads", thread_rows}, {"ratio", plain > 0 ? sim_gbit / plain : 0.0},
      {"load_1m", {load_pipe, load_plain}}};
  return 0;
}

}  // namespace daqz::bench
