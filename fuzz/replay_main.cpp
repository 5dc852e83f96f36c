// A main() for the frame fuzz target without libFuzzer (any compiler): replays corpus files, then
// deterministic mutations of each (bit flips, byte changes, truncations, splices), so the normal
// gcc build runs the target as a ctest. With --write-corpus DIR it writes the seed corpus instead.
//
//   frame_fuzzer_replay fuzz/corpus                 # replay + 300 mutations per file
//   frame_fuzzer_replay --mutations 0 crash-file    # reproduce one input
//   frame_fuzzer_replay --write-corpus fuzz/corpus  # regenerate the seeds
#include <zmq.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "transport/zmq_io.h"
#include "wire/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

void write_seed(const fs::path& dir, const std::string& name, const daqz::Message& m, bool extra_frame = false) {
  std::vector<zmq::message_t> frames;
  const std::string env = m.envelope.SerializeAsString();
  frames.emplace_back(env.data(), env.size());
  if (!m.payload.empty() || m.envelope.payload_bytes() > 0) frames.emplace_back(m.payload.data(), m.payload.size());
  if (extra_frame) frames.emplace_back(std::string("extra"));
  const auto bytes = daqz::raw_frames_bytes(frames);
  std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

int write_corpus(const fs::path& dir) {
  using namespace daqz;
  fs::create_directories(dir);
  DenseWedge dense(kOuterWedgeShape);
  for (uint32_t t = 10; t < 14; ++t) dense.adc[dense.index(3, t, 5)] = uint16_t(100 + t);  // one run
  dense.adc[dense.index(3, 20, 5)] = 1023;                                                   // same pad, later
  dense.adc[dense.index(191, 248, 15)] = 65;                                                 // last voxel
  write_seed(dir, "wedge.bin", make_wedge_message(to_sparse(dense), "felix-0", 3));
  JetBatch jets;
  jets.schema_id = 2;
  jets.n = 2;
  jets.f = 4;
  jets.values = {120.5f, 0.3f, -1.2f, 10.f, 45.f, -2.1f, 3.0f, 7.5f};
  write_seed(dir, "jets.bin", make_jet_message(jets, "felix-0-jets", 1));
  EncodedRecord rec;
  rec.codec_id = "lossless";
  rec.original_kind = PayloadKind::kWedge;
  rec.original_shape = {192, 249, 16};
  rec.latent_shape = {16};
  rec.original_bytes = 64;
  rec.params["level"] = "3";
  rec.bytes.assign(16, 0xAB);
  write_seed(dir, "record.bin", make_record_message(rec, "felix-0", 9));
  write_seed(dir, "eos.bin", make_end_of_stream("felix-0", 42));
  Message ack = make_end_of_stream("sink-0", 0);
  ack.envelope.set_kind(wire::KIND_ACK);
  auto* a = ack.envelope.add_acks();
  a->set_source_id("felix-0");
  a->set_sequence(7);
  write_seed(dir, "ack.bin", ack);
  write_seed(dir, "three_frames.bin", make_end_of_stream("felix-0", 1), /*extra_frame=*/true);
  std::printf("wrote 6 seeds to %s\n", dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  size_t mutations = 300;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--write-corpus" && i + 1 < argc) return write_corpus(argv[++i]);
    if (a == "--mutations" && i + 1 < argc) {
      mutations = std::stoul(argv[++i]);
      continue;
    }
    if (a == "--help" || a == "-h") {
      std::printf("usage: %s [--mutations N] FILE|DIR...  |  --write-corpus DIR\n", argv[0]);
      return 0;
    }
    if (fs::is_directory(a)) {
      for (const auto& e : fs::directory_iterator(a))
        if (e.is_regular_file()) inputs.push_back(e.path());
    } else if (fs::is_regular_file(a)) {
      inputs.push_back(a);
    } else {
      std::fprintf(stderr, "%s: '%s' is neither a file nor a folder\n", argv[0], a.c_str());
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "%s: no inputs (give corpus files or folders)\n", argv[0]);
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  std::mt19937_64 rng(12345);
  size_t runs = 0;
  std::vector<std::vector<uint8_t>> seeds;
  for (const auto& p : inputs) seeds.push_back(read_file(p));
  for (const auto& seed : seeds) {
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    ++runs;
    for (size_t k = 0; k < mutations; ++k) {
      std::vector<uint8_t> m = seed;
      const int ops = 1 + int(rng() % 4);
      for (int op = 0; op < ops && !m.empty(); ++op) {
        const size_t at = rng() % m.size();
        switch (rng() % 5) {
          case 0: m[at] ^= uint8_t(1u << (rng() % 8)); break;
          case 1: m[at] = uint8_t(rng()); break;
          case 2: m.resize(at); break;
          case 3: {  // splice from another seed
            const auto& o = seeds[rng() % seeds.size()];
            if (!o.empty()) m.insert(m.begin() + ptrdiff_t(at), o.begin() + ptrdiff_t(rng() % o.size()), o.end());
            break;
          }
          default: m.erase(m.begin() + ptrdiff_t(at), m.begin() + ptrdiff_t(std::min(m.size(), at + 1 + rng() % 16)));
        }
      }
      LLVMFuzzerTestOneInput(m.data(), m.size());
      ++runs;
    }
  }
  std::printf("frame_fuzzer_replay: %zu inputs (%zu corpus files + mutations), no finding\n", runs, inputs.size());
  return 0;
}
