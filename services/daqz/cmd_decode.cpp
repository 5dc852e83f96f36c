// `daqz decode`: segment files -> .npy wedges (uint16, rounded reconstruction) and jet batches
// (float32 (n, f)), named <source>_<sequence>.npy. CRCs are verified by the segment reader and
// model weights by SHA-256 before any record is decoded.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "command.h"
#include "codec/model_card.h"
#include "codec_classic/record_decoder.h"
#include "storage/segment.h"
#include "base/npy.h"

namespace {

struct DecodeArgs {
  std::string input;
  std::string out;
  std::vector<std::string> models{"deploy/models"};
  bool float_output = false;
  bool json = false;
};

int run_decode(const DecodeArgs& a) {
  using namespace daqz;
  std::filesystem::create_directories(a.out);
  RecordDecoder decoder(a.models);
  uint64_t wedges = 0, jets = 0, failed = 0, segments = 0, damaged_segments = 0;
  for (const auto& path : list_segments(a.input)) {
    SegmentReader reader(path);
    ++segments;
    while (auto m = reader.next()) {
      if (m->envelope.kind() != wire::KIND_ENCODED_RECORD) continue;
      const std::string name = a.out + "/" + m->envelope.source_id() + "_" + std::to_string(m->envelope.sequence());
      try {
        const DecodedRecord d = decoder.decode(record_from_message(*m));
        if (d.kind == PayloadKind::kWedge) {
          const auto& s = d.wedge.shape;
          write_npy(name + ".npy", a.float_output ? npy_from_floats(d.wedge.adc, {s.azimuth, s.time, s.layer})
                                                  : npy_from_wedge(d.wedge.rounded()));
          ++wedges;
        } else {
          write_npy(name + ".npy", NpyArray::make(NpyDType::kFloat32, {d.jets.n, d.jets.f}, d.jets.values.data()));
          ++jets;
        }
      } catch (const std::exception& e) {
        ++failed;
        spdlog::error("record ({}, {}) in '{}' not decoded: {}", m->envelope.source_id(), m->envelope.sequence(),
                      path, e.what());
      }
    }
    if (reader.tail_status() != TailStatus::kClean) {
      ++damaged_segments;
      spdlog::warn("'{}' ends in a {} tail after {} good bytes", path,
                   reader.tail_status() == TailStatus::kTorn ? "torn" : "corrupt", reader.good_bytes());
    }
  }
  const nlohmann::json summary = {{"segments", segments}, {"wedges", wedges}, {"jet_batches", jets},
                                  {"failed", failed}, {"damaged_segments", damaged_segments}, {"out", a.out}};
  if (a.json) std::cout << summary.dump() << std::endl;
  else spdlog::info("decoded {} wedges and {} jet batches from {} segments into '{}' ({} failed)", wedges, jets,
                    segments, a.out, failed);
  return failed ? 2 : 0;
}

void setup_decode(CLI::App& sub, int& exit_code) {
  auto a = std::make_shared<DecodeArgs>();
  sub.add_option("input", a->input, "Segment file or folder of segments")->required();
  sub.add_option("--out", a->out, "Output folder for .npy files")->required();
  sub.add_option("--models", a->models, "Model roots (folders of model directories, or model directories)")
      ->capture_default_str();
  sub.add_flag("--float", a->float_output, "Write wedges as float32 reconstructions instead of rounded uint16");
  sub.add_flag("--json", a->json, "Print a JSON summary");
  sub.callback([a, &exit_code] { exit_code = run_decode(*a); });
}

}  // namespace

DAQZ_COMMAND(decode, "Decode segment files into .npy wedges and jet arrays", setup_decode);
