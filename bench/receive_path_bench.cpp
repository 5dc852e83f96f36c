// bench_receive_path_bench: the per-byte work of the ingest receive path and its neighbours, in CPU µs per
// simulated 187 kB wedge, "before" (the code as of 737d600, bench/receive_path_before.h) and "after" side
// by side, each also as a ratio to a memcpy of the same bytes measured in the same run:
//
//   envelope parse, CRC32C (byte table, slice-by-8, SSE4.2 one stream, SSE4.2 three streams),
//   validation + decode (old parser vs the tight loops), receive + validate + decode (in process, and with
//   ZeroMQ over tcp loopback from a forked sender), lossless encode/decode (per-call contexts at level 3 vs
//   the reused workspace at the default level, plus a level sweep with ratios), passthrough,
//   densify (host loop vs the LibTorch op on the CPU), and the sink's write path (per record vs batched).
//
//   build/bin/bench_receive_path_bench                 # ~1 minute on 2 cores
//   build/bin/bench_receive_path_bench --json --rounds 7 --seconds 0.3
//
// Times are the thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so other load on the machine slows the wall
// clock but not the figures much; each figure is the median of --rounds rounds of at least --seconds CPU.
// The ZeroMQ rows use the process's CPU time (getrusage), which includes ZeroMQ's I/O thread.
// Allocations per wedge are counted with a replaced global operator new (LibTorch's and zstd's own
// allocators are not seen). Table on stdout; --json adds one JSON document at the end.
#include <CLI/CLI.hpp>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "codec_classic/classic_codecs.h"
#include "codec_classic/lossless_codec.h"
#include "codec_classic/passthrough_codec.h"
#include "codec_torch/densify.h"
#include "receive_path_before.h"
#include "sim/tpc_simulator.h"
#include "storage/segment.h"
#include "base/crc32c.h"
#include "base/crc32c_variants.h"
#include "wire/message.h"
#include "wire/message_view.h"
#include "wire/wedge_payload.h"
#include "wire/wedge_payload_view.h"

// ---- allocation counter ---------------------------------------------------------------------------
namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

// The replacements allocate with malloc, so free is the matching release (GCC cannot see that).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

using namespace daqz;
using nlohmann::json;

struct Options {
  int events = 1;          // simulated events (24 wedges each)
  double seconds = 0.2;    // CPU seconds per round at least
  int rounds = 5;
  int zmq_messages = 400;  // per ZeroMQ run
  bool json = false;
};

double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double process_cpu_s() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Median over rounds of the CPU µs per call of body(i), i cycling over `items`.
template <typename F>
double cpu_us_per_item(size_t items, const Options& o, F&& body) {
  for (size_t i = 0; i < items; ++i) body(i);  // warm-up: caches, lazily built tables, allocator pools
  std::vector<double> per_round;
  for (int r = 0; r < o.rounds; ++r) {
    const double t0 = thread_cpu_s();
    size_t calls = 0;
    double elapsed = 0;
    do {
      for (size_t i = 0; i < items; ++i) body(i);
      calls += items;
      elapsed = thread_cpu_s() - t0;
    } while (elapsed < o.seconds);
    per_round.push_back(1e6 * elapsed / double(calls));
  }
  std::sort(per_round.begin(), per_round.end());
  return per_round[per_round.size() / 2];
}

// Allocations (operator new calls) per item of one pass of body over every item.
template <typename F>
double allocations_per_item(size_t items, F&& body) {
  const uint64_t before = g_allocations.load();
  for (size_t i = 0; i < items; ++i) body(i);
  return double(g_allocations.load() - before) / double(items);
}

// ---- the report -----------------------------------------------------------------------------------

struct Row {
  std::string id, stage, variant;
  double us = 0, allocs = -1;
  double bytes = 0;  // bytes the stage reads per wedge (the memcpy reference for its ratio)
};

class Report {
 public:
  explicit Report(const Options& o) : o_(o) {}
  void set_memcpy(double bytes, double us) { memcpy_bytes_ = bytes, memcpy_us_ = us; }
  double memcpy_us_for(double bytes) const { return memcpy_us_ * bytes / memcpy_bytes_; }

  // body(i) handles `wedges_per_item` wedges (a batch); figures are reported per wedge.
  template <typename F>
  const Row& add(const std::string& id, const std::string& stage, const std::string& variant, size_t items,
                 double bytes, F&& body, double wedges_per_item = 1) {
    Row r{id, stage, variant, 0, 0, bytes};
    r.allocs = allocations_per_item(items, body) / wedges_per_item;
    r.us = cpu_us_per_item(items, o_, body) / wedges_per_item;
    return add_row(r);
  }
  const Row& add_row(const Row& r) {
    rows_.push_back(r);
    std::fprintf(stderr, "  %-34s %-36s %9.1f us  %6.2fx memcpy\n", r.stage.c_str(), r.variant.c_str(), r.us,
                 r.us / memcpy_us_for(r.bytes));
    return rows_.back();
  }
  double us(const std::string& id) const {
    for (const Row& r : rows_)
      if (r.id == id) return r.us;
    return -1;
  }

  void print_table() const {
    std::printf("\n%-34s %-38s %10s %9s %11s\n", "stage", "variant", "us/wedge", "x memcpy", "allocs/wedge");
    std::string last;
    for (const Row& r : rows_) {
      std::printf("%-34s %-38s %10.1f %9.2f %11s\n", r.stage == last ? "" : r.stage.c_str(), r.variant.c_str(), r.us,
                  r.us / memcpy_us_for(r.bytes), r.allocs < 0 ? "-" : fmt_allocs(r.allocs).c_str());
      last = r.stage;
    }
  }

  json to_json() const {
    json stages = json::object();
    for (const Row& r : rows_) {
      json j = {{"stage", r.stage}, {"variant", r.variant}, {"us", r.us}, {"x_memcpy", r.us / memcpy_us_for(r.bytes)},
                {"bytes", r.bytes}};
      if (r.allocs >= 0) j["allocations"] = r.allocs;
      stages[r.id] = j;
    }
    return {{"memcpy_us_per_wedge", memcpy_us_}, {"memcpy_bytes", memcpy_bytes_}, {"stages", stages}};
  }

 private:
  static std::string fmt_allocs(double a) {
    char b[32];
    std::snprintf(b, sizeof b, a < 10 ? "%.1f" : "%.0f", a);
    return b;
  }
  const Options& o_;
  double memcpy_bytes_ = 1, memcpy_us_ = 1;
  std::vector<Row> rows_;
};

// ---- inputs ---------------------------------------------------------------------------------------

struct Input {
  std::vector<SparseWedge> wedges;
  std::vector<std::string> envelopes;
  std::vector<std::vector<uint8_t>> payloads;
  double mean_payload_bytes = 0;
};

Input simulate(const Options& o) {
  Input in;
  TpcSimulator sim(TpcSimConfig::for_group(LayerGroup::kOuter));
  for (int e = 0; e < o.events; ++e)
    for (SparseWedge& w : sim.simulate_event(/*seed=*/1, uint64_t(e))) in.wedges.push_back(std::move(w));
  double total = 0;
  for (size_t i = 0; i < in.wedges.size(); ++i) {
    Message m = make_wedge_message(in.wedges[i], "felix-sim-0", i);
    in.envelopes.push_back(m.envelope.SerializeAsString());
    in.payloads.push_back(std::move(m.payload));
    total += double(in.payloads.back().size());
  }
  in.mean_payload_bytes = total / double(in.wedges.size());
  return in;
}

// ---- ZeroMQ: receive CPU per message from a forked sender -------------------------------------------

// Process CPU µs per message received over tcp loopback, with `handle` applied to each message.
template <typename Handle>
double zmq_receive_us(const Input& in, const Options& o, Handle&& handle) {
  zmq::context_t ctx(1);
  zmq::socket_t pull(ctx, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, 64);
  pull.bind("tcp://127.0.0.1:*");
  const std::string endpoint = pull.get(zmq::sockopt::last_endpoint);
  const int total = o.zmq_messages;
  std::fflush(nullptr);
  const pid_t child = fork();
  if (child == 0) {  // the sender: its own context, never touching the parent's
    zmq::context_t sctx(1);
    zmq::socket_t push(sctx, zmq::socket_type::push);
    push.set(zmq::sockopt::sndhwm, 64);
    push.set(zmq::sockopt::linger, 5000);
    push.connect(endpoint);
    for (int i = 0; i < total + 20; ++i) {
      const size_t k = size_t(i) % in.payloads.size();
      push.send(zmq::buffer(in.envelopes[k]), zmq::send_flags::sndmore);
      push.send(zmq::buffer(in.payloads[k]), zmq::send_flags::none);
    }
    push.close();
    sctx.close();
    _exit(0);
  }
  auto receive_one = [&] {
    zmq::message_t envelope, payload;
    if (!pull.recv(envelope) || !pull.recv(payload)) throw std::runtime_error("zmq receive failed");
    handle(envelope, payload);
  };
  for (int i = 0; i < 20; ++i) receive_one();  // connection set up, buffers warm
  const double t0 = process_cpu_s();
  for (int i = 0; i < total; ++i) receive_one();
  const double us = 1e6 * (process_cpu_s() - t0) / total;
  int status = 0;
  waitpid(child, &status, 0);
  return us;
}

// ---- stages ---------------------------------------------------------------------------------------

void bench_receive(Report& rep, const Input& in, const Options& o, json& extra) {
  const size_t n = in.wedges.size();
  const double bytes = in.mean_payload_bytes;
  ValidationLimits limits;

  std::fprintf(stderr, "envelope + CRC32C\n");
  rep.add("envelope_parse", "envelope parse (protobuf)", "parse_envelope (payload as view)", n, bytes, [&](size_t i) {
    const MessageView m = parse_envelope(in.envelopes[i].data(), in.envelopes[i].size(), in.payloads[i].data(),
                                         in.payloads[i].size(), true, limits);
    if (m.payload.size != in.payloads[i].size()) std::abort();
  });
  using namespace crc32c_detail;
  uint32_t sink = 0;
  rep.add("crc_bytewise", "CRC32C", "byte table (old fallback)", n, bytes,
          [&](size_t i) { sink ^= extend_bytewise(0, in.payloads[i].data(), in.payloads[i].size()); });
  rep.add("crc_slice8", "CRC32C", "slice-by-8 (new fallback)", n, bytes,
          [&](size_t i) { sink ^= extend_slice8(0, in.payloads[i].data(), in.payloads[i].size()); });
  if (have_sse42()) {
    rep.add("crc_sse42", "CRC32C", "SSE4.2 one stream (before)", n, bytes,
            [&](size_t i) { sink ^= extend_sse42(0, in.payloads[i].data(), in.payloads[i].size()); });
    rep.add("crc_sse42_3way", "CRC32C", "SSE4.2 three streams (after)", n, bytes,
            [&](size_t i) { sink ^= extend_sse42_3way(0, in.payloads[i].data(), in.payloads[i].size()); });
  }
  extra["crc32c_implementation"] = crc32c_implementation();
  extra["crc_sink"] = sink;  // keeps the CRC loops from being optimised away

  std::fprintf(stderr, "validation + decode\n");
  rep.add("decode_before", "validate + decode -> SparseWedge", "before: per-run strings, push_back", n, bytes,
          [&](size_t i) {
            const SparseWedge w = before::parse_wedge_payload(in.payloads[i].data(), in.payloads[i].size(), kOuterWedgeShape);
            if (w.values.size() != in.wedges[i].values.size()) std::abort();
          });
  SparseWedge reused;
  rep.add("decode_after", "validate + decode -> SparseWedge", "after: one pass + copy, reused output", n, bytes,
          [&](size_t i) {
            decode_wedge_payload(PayloadView(in.payloads[i]), kOuterWedgeShape, reused);
            if (reused.values.size() != in.wedges[i].values.size()) std::abort();
          });
  rep.add("validate_only", "validate only", "after: validate_wedge_payload", n, bytes, [&](size_t i) {
    if (validate_wedge_payload(PayloadView(in.payloads[i]), kOuterWedgeShape).values != in.wedges[i].values.size())
      std::abort();
  });
  std::vector<float> dense(kOuterWedgeShape.voxels());
  rep.add("decode_dense_fp32", "validate + decode -> dense fp32", "after: decode_wedge_payload_dense", n, bytes,
          [&](size_t i) {
            decode_wedge_payload_dense(PayloadView(in.payloads[i]), kOuterWedgeShape, dense.data(), dense.size());
          });

  std::fprintf(stderr, "receive + validate + decode (in process)\n");
  rep.add("rvd_before", "receive+validate+decode (in process)", "before: copy, CRC 1 stream, old parser", n, bytes,
          [&](size_t i) {
            MessageView v = parse_envelope(in.envelopes[i].data(), in.envelopes[i].size(), in.payloads[i].data(),
                                           in.payloads[i].size(), true, limits);
            if (extend_sse42(0, v.payload.data, v.payload.size) != v.envelope.payload_crc32c()) std::abort();
            const std::vector<uint8_t> copy(v.payload.data, v.payload.data + v.payload.size);
            check_wedge_envelope(v.envelope, kOuterWedgeShape);
            const SparseWedge w = before::parse_wedge_payload(copy.data(), copy.size(), kOuterWedgeShape);
            if (w.runs.empty()) std::abort();
          });
  rep.add("rvd_after", "receive+validate+decode (in process)", "after: view, CRC 3 streams, tight loops", n, bytes,
          [&](size_t i) {
            const MessageView v = parse_envelope(in.envelopes[i].data(), in.envelopes[i].size(), in.payloads[i].data(),
                                                 in.payloads[i].size(), true, limits);
            verify_payload_crc(v);
            decode_wedge_payload(wedge_payload_of(v, kOuterWedgeShape), kOuterWedgeShape, reused);
          });

  std::fprintf(stderr, "ZeroMQ tcp loopback receive (process CPU, forked sender)\n");
  const double plain = zmq_receive_us(in, o, [](zmq::message_t&, zmq::message_t&) {});
  rep.add_row({"zmq_recv_plain", "ZeroMQ recv, tcp loopback", "plain recv of both frames", plain, -1, bytes});
  SparseWedge zw;
  const double full = zmq_receive_us(in, o, [&](zmq::message_t& e, zmq::message_t& p) {
    const MessageView v = parse_envelope(e.data(), e.size(), p.data(), p.size(), true, limits);
    verify_payload_crc(v);
    decode_wedge_payload(wedge_payload_of(v, kOuterWedgeShape), kOuterWedgeShape, zw);
  });
  rep.add_row({"zmq_rvd_after", "ZeroMQ recv, tcp loopback", "recv + validate + decode (after)", full, -1, bytes});
  extra["target_receive_validate_decode_us"] = 100.0;
  extra["receive_validate_decode_us"] = full;
}

void bench_codecs(Report& rep, const Input& in, const Options& o, json& extra) {
  const size_t n = in.wedges.size();
  const double bytes = in.mean_payload_bytes;
  std::fprintf(stderr, "lossless\n");
  auto total_size = [&](auto&& encode) {
    double stored = 0;
    for (const SparseWedge& w : in.wedges) stored += double(encode(w).size());
    return stored;
  };
  const double payload_total = bytes * double(n);
  std::vector<std::vector<uint8_t>> old_records;
  for (const SparseWedge& w : in.wedges) old_records.push_back(before::lossless_compress(w, 3));
  const double before_ratio = payload_total / total_size([](const SparseWedge& w) { return before::lossless_compress(w, 3); });
  rep.add("lossless_encode_before", "lossless encode", "before: level 3, a ZSTD_CCtx per call", n, bytes,
          [&](size_t i) { before::lossless_compress(in.wedges[i], 3); });
  LosslessCodec codec;  // default level
  const double after_ratio = payload_total / total_size([&](const SparseWedge& w) { return codec.encode_one(w).bytes; });
  rep.add("lossless_encode_after", "lossless encode",
          "after: level " + std::to_string(kLosslessDefaultLevel) + ", reused workspace", n, bytes,
          [&](size_t i) { codec.encode_one(in.wedges[i]); });
  LosslessCodec codec3(3);
  rep.add("lossless_encode_after_l3", "lossless encode", "after: level 3, reused workspace", n, bytes,
          [&](size_t i) { codec3.encode_one(in.wedges[i]); });
  rep.add("lossless_decode_before", "lossless decode -> fp32", "before: Sparse -> Dense -> float", n, bytes,
          [&](size_t i) { before::lossless_decode_dense(old_records[i], kOuterWedgeShape); });
  std::vector<EncodedRecord> records;
  for (const SparseWedge& w : in.wedges) records.push_back(codec.encode_one(w));
  rep.add("lossless_decode_after", "lossless decode -> fp32", "after: straight into the output", n, bytes,
          [&](size_t i) { codec.decode(records[i]); });
  extra["lossless_ratio_before_level3"] = before_ratio;
  extra["lossless_ratio_after"] = after_ratio;
  extra["lossless_default_level"] = kLosslessDefaultLevel;

  json levels = json::array();
  for (int level : {-1, 1, 2, 3, 5}) {
    LosslessCodec c(level);
    const double ratio = payload_total / total_size([&](const SparseWedge& w) { return c.encode_one(w).bytes; });
    const double enc = cpu_us_per_item(n, o, [&](size_t i) { c.encode_one(in.wedges[i]); });
    std::vector<EncodedRecord> recs;
    for (const SparseWedge& w : in.wedges) recs.push_back(c.encode_one(w));
    const double dec = cpu_us_per_item(n, o, [&](size_t i) { c.decode(recs[i]); });
    std::fprintf(stderr, "  lossless level %2d: encode %7.1f us, decode %7.1f us, ratio %.3f (vs payload)\n", level,
                 enc, dec, ratio);
    levels.push_back({{"level", level}, {"encode_us", enc}, {"decode_us", dec}, {"ratio_vs_payload", ratio}});
  }
  extra["lossless_levels"] = levels;

  std::fprintf(stderr, "passthrough\n");
  auto pass = make_wedge_codec(kPassthroughCodecId, {});
  rep.add("passthrough_encode", "passthrough encode", "codec->encode (re-serialise SparseWedge)", n, bytes,
          [&](size_t i) { pass->encode({&in.wedges[i]}); });
  rep.add("passthrough_record", "passthrough encode", "passthrough_record(payload view)", n, bytes,
          [&](size_t i) { passthrough_record(PayloadView(in.payloads[i]), kOuterWedgeShape); });
  std::vector<EncodedRecord> pass_records;
  for (const SparseWedge& w : in.wedges) pass_records.push_back(pass->encode({&w})[0]);
  rep.add("passthrough_decode", "passthrough decode -> fp32", "validate + dense", n, bytes,
          [&](size_t i) { pass->decode(pass_records[i]); });
}

void bench_densify(Report& rep, const Input& in) {
  std::fprintf(stderr, "densify (LibTorch, 1 thread)\n");
  at::set_num_threads(1);
  c10::InferenceMode guard;
  const size_t n = in.wedges.size();
  const double bytes = in.mean_payload_bytes;
  const WedgeShape s = kOuterWedgeShape;
  for (size_t batch : {size_t(1), size_t(4)}) {
    const size_t groups = n / batch;
    auto chunk = [&](size_t g) {
      std::vector<const SparseWedge*> c;
      for (size_t k = 0; k < batch; ++k) c.push_back(&in.wedges[g * batch + k]);
      return c;
    };
    const std::string b = std::to_string(batch);
    rep.add("densify_host_b" + b, "densify to fp32 tensor, batch " + b, "host: to_dense_into", groups, bytes,
            [&](size_t g) {
              const auto c = chunk(g);
              auto t = torch::empty({int64_t(batch), s.azimuth, s.time, s.layer}, torch::kFloat);
              for (size_t k = 0; k < batch; ++k) to_dense_into(*c[k], t.data_ptr<float>() + k * s.voxels(), s.voxels());
            }, double(batch));
    rep.add("densify_op_b" + b, "densify to fp32 tensor, batch " + b, "op: pack runs + scatter (CPU device)", groups,
            bytes, [&](size_t g) { densify_on_device(pack_wedge_runs(chunk(g), s, false), torch::kCPU); }, double(batch));
  }
}

void bench_sink(Report& rep, const Input& in, const Options& o, json& extra) {
  std::fprintf(stderr, "sink write path (lossless records)\n");
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("daqz-receive-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  LosslessCodec codec;
  std::vector<Message> records;
  double record_bytes = 0;
  for (size_t i = 0; i < in.wedges.size(); ++i) {
    records.push_back(make_record_message(codec.encode_one(in.wedges[i]), "felix-sim-0", i));
    record_bytes += double(records.back().payload.size());
  }
  record_bytes /= double(records.size());
  const size_t n = records.size();
  rep.add("sink_pack_message", "sink: pack_message (per record)", "vector per record", n, record_bytes,
          [&](size_t i) { pack_message(records[i]); });
  // Each round writes the same number of records into a fresh folder, which is then deleted: a file that
  // kept growing round after round would measure the page cache's dirty-page throttling, not the writer.
  constexpr size_t kRecordsPerRound = 480, kBatch = 16;
  auto per_record = [&](const std::string& id, const std::string& variant, auto&& write_round) {
    std::vector<double> us;
    double allocations = 0;
    for (int r = 0; r <= o.rounds; ++r) {  // round 0 warms up
      const fs::path round_dir = dir / std::to_string(r);
      fs::create_directories(round_dir);
      const uint64_t allocs_before = g_allocations.load();
      const double t0 = thread_cpu_s();
      write_round(round_dir);
      const double cpu = thread_cpu_s() - t0;
      if (r > 0) us.push_back(1e6 * cpu / kRecordsPerRound);
      allocations = double(g_allocations.load() - allocs_before) / kRecordsPerRound;
      fs::remove_all(round_dir);
    }
    std::sort(us.begin(), us.end());
    rep.add_row({id, "sink: write path (fsync never)", variant, us[us.size() / 2], allocations, record_bytes});
  };
  per_record("sink_append", "SegmentWriter::append per record", [&](const fs::path& d) {
    SegmentWriterConfig cfg;
    cfg.dir = d.string();
    cfg.fsync = FsyncPolicy::kNever;
    SegmentWriter writer(cfg);
    for (size_t i = 0; i < kRecordsPerRound; ++i) writer.append(records[i % n]);
    writer.close();
  });
  // The sink's way since issue 15: SegmentWriter::append_batch, 16 records per call, each a view of
  // its payload (no packed copy) whose CRC was checked on receipt (the record CRC is combined from it),
  // one gathered write (writev) per batch.
  std::vector<SegmentRecord> batch;
  per_record("sink_append_batch", "SegmentWriter::append_batch, 16 records, one writev", [&](const fs::path& d) {
    SegmentWriterConfig cfg;
    cfg.dir = d.string();
    cfg.fsync = FsyncPolicy::kNever;
    SegmentWriter writer(cfg);
    for (size_t first = 0; first < kRecordsPerRound; first += kBatch) {
      batch.clear();
      for (size_t k = 0; k < kBatch; ++k) {
        batch.push_back(SegmentRecord::viewing(records[(first + k) % n]));
        batch.back().payload_crc_verified = true;
      }
      writer.append_batch(batch.data(), batch.size());
    }
    writer.close();
  });
  fs::remove_all(dir);
  extra["sink_record_bytes_mean"] = record_bytes;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"CPU cost per wedge of the receive path's per-byte stages, before and after, vs memcpy"};
  app.add_option("--events", o.events, "Simulated events (24 wedges each)")->capture_default_str();
  app.add_option("--seconds", o.seconds, "CPU seconds per round, at least")->capture_default_str();
  app.add_option("--rounds", o.rounds, "Rounds per figure (the median is reported)")->capture_default_str();
  app.add_option("--zmq-messages", o.zmq_messages, "Messages per ZeroMQ run")->capture_default_str();
  app.add_flag("--json", o.json, "Print a JSON document after the table");
  CLI11_PARSE(app, argc, argv);
  register_classic_codecs();

  std::fprintf(stderr, "simulating %d event(s)...\n", o.events);
  const Input in = simulate(o);
  Report rep(o);
  json extra;
  {
    // The reference: copying the payload bytes once, into a reused buffer.
    std::vector<uint8_t> dst(1 << 20);
    const double us = cpu_us_per_item(in.wedges.size(), o, [&](size_t i) {
      std::memcpy(dst.data(), in.payloads[i].data(), in.payloads[i].size());
      asm volatile("" : : "r"(dst.data()) : "memory");
    });
    rep.set_memcpy(in.mean_payload_bytes, us);
    std::fprintf(stderr, "memcpy of a %.0f-byte payload: %.2f us (%.1f GB/s)\n", in.mean_payload_bytes, us,
                 in.mean_payload_bytes / us * 1e-3);
  }
  bench_receive(rep, in, o, extra);
  bench_codecs(rep, in, o, extra);
  bench_densify(rep, in);
  bench_sink(rep, in, o, extra);

  std::printf("receive path, per wedge (%zu simulated wedges, mean payload %.0f bytes); CPU: %s\n", in.wedges.size(),
              in.mean_payload_bytes, crc32c_implementation());
  std::printf("memcpy of the payload: %.2f us; 'x memcpy' = stage time / memcpy of the bytes the stage reads\n",
              rep.memcpy_us_for(in.mean_payload_bytes));
  rep.print_table();
  std::printf("\nlossless ratio (payload bytes / stored): before (level 3) %.3f, after (level %d) %.3f\n",
              extra["lossless_ratio_before_level3"].get<double>(), kLosslessDefaultLevel,
              extra["lossless_ratio_after"].get<double>());
  const double rvd = extra["receive_validate_decode_us"].get<double>();
  std::printf("target: ZeroMQ receive + validate + decode <= 100 us CPU per wedge: %.1f us -> %s\n", rvd,
              rvd <= 100 ? "met" : "MISSED");
  if (o.json) {
    json doc = rep.to_json();
    doc["wedges"] = in.wedges.size();
    doc["mean_payload_bytes"] = in.mean_payload_bytes;
    doc.update(extra);
    std::printf("%s\n", doc.dump(2).c_str());
  }
  return 0;
}
