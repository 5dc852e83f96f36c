// `daqz decode`: segment files -> .npy wedges (uint16, rounded reconstruction) and jet batches
// (float32 (n, f)), named <source>_<sequence>.npy (run 0) or <source>_r<run>_<sequence>.npy.
// CRCs are verified by the segment reader and model weights by SHA-256 before any record is
// decoded. Damaged regions of a segment are skipped and reported (bytes, where, why); --strict
// fails at the first one instead. The summary accounts for every record: distinct, duplicates
// (same key and payload, decoded once) and key conflicts (same key, other payload, decoded beside
// it as <stem>.conflict<k>.npy).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "base/install_paths.h"
#include "base/progress_bar.h"
#include "command.h"
#include "codec/model_card.h"
#include "codec_classic/record_decoder.h"
#include "storage/segment.h"
#include "base/npy.h"
#include "wire/record_key.h"

namespace {

struct DecodeArgs {
  std::string input;
  std::string out;
  std::vector<std::string> models{daqz::default_models_root()};
  bool float_output = false;
  bool json = false;
  bool strict = false;
  bool progress = true;
};

// Counts and logs every region the readers skip; under --strict the first one stops the decode.
struct DecodeReporter : daqz::CorruptionReporter {
  bool strict = false;
  uint64_t regions = 0, skipped_bytes = 0;
  nlohmann::json list = nlohmann::json::array();
  void corruption(const std::string& path, uint64_t offset, uint64_t bytes, const std::string& reason) override {
    ++regions;
    skipped_bytes += bytes;
    if (list.size() < 1000) list.push_back({{"segment", path}, {"offset", offset}, {"bytes", bytes}, {"why", reason}});
    if (strict)
      throw daqz::StorageError("--strict: '" + path + "' at byte " + std::to_string(offset) + ": " + reason);
    spdlog::warn("'{}' at byte {}: {} bytes skipped: {}", path, offset, bytes, reason);
  }
};

int run_decode(const DecodeArgs& a) {
  using namespace daqz;
  std::filesystem::create_directories(a.out);
  RecordDecoder decoder(a.models);
  DecodeReporter reporter;
  reporter.strict = a.strict;
  uint64_t wedges = 0, jets = 0, failed = 0, segments = 0, damaged_segments = 0, torn_tails = 0;
  uint64_t records = 0, duplicates = 0, conflicts = 0;
  // Every record seen, by key, with the payload CRCs stored under it: a second record with the same
  // key and CRC is a duplicate (decoded once); another CRC is a key conflict (decoded beside it).
  std::map<RecordKey, std::vector<uint32_t>> seen;
  const std::vector<std::string> paths = list_segments(a.input);
  uint64_t bytes_total = 0, bytes_before = 0;
  for (const auto& path : paths) bytes_total += std::filesystem::file_size(path);
  ProgressBar::Options po;
  if (!a.progress) po.mode = ProgressBar::Mode::kOff;
  ProgressBar bar("decode", bytes_total, ProgressBar::Unit::kBytes, po);
  for (const auto& path : paths) {
    SegmentReader reader(path, &reporter);
    ++segments;
    while (auto m = reader.next()) {
      bar.set(bytes_before + reader.good_bytes());
      if (m->envelope.kind() != wire::KIND_ENCODED_RECORD) continue;
      ++records;
      const RecordKey key = RecordKey::of(m->envelope);
      std::vector<uint32_t>& crcs = seen[key];
      const uint32_t crc = m->envelope.payload_crc32c();
      if (std::find(crcs.begin(), crcs.end(), crc) != crcs.end()) {
        ++duplicates;
        continue;
      }
      std::string name = a.out + "/" + record_file_stem(key);
      if (!crcs.empty()) {
        ++conflicts;
        name += ".conflict" + std::to_string(crcs.size());
        spdlog::warn("record {} in '{}' has another payload than the one stored before; decoded as '{}.npy'",
                     key.str(), path, name);
      }
      crcs.push_back(crc);
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
        spdlog::error("record {} in '{}' not decoded: {}", key.str(), path, e.what());
      }
    }
    bytes_before += std::filesystem::file_size(path);
    bar.set(bytes_before);
    if (reader.tail_status() == TailStatus::kTorn) ++torn_tails;
    if (reader.skipped_bytes() > 0 || reader.corrupt_regions() > 0) ++damaged_segments;
  }
  bar.finish();
  std::set<std::pair<std::string, uint64_t>> runs;
  for (const auto& [key, crcs] : seen) runs.insert({key.source, key.run});
  const nlohmann::json summary = {{"segments", segments},       {"records", records},
                                  {"distinct_records", seen.size()}, {"duplicate_records", duplicates},
                                  {"key_conflicts", conflicts}, {"source_runs", runs.size()},
                                  {"wedges", wedges},           {"jet_batches", jets},
                                  {"failed", failed},           {"damaged_segments", damaged_segments},
                                  {"torn_tails", torn_tails},   {"skipped_regions", reporter.regions},
                                  {"skipped_bytes", reporter.skipped_bytes}, {"skipped", reporter.list},
                                  {"out", a.out}};
  if (a.json) std::cout << summary.dump() << std::endl;
  else spdlog::info("decoded {} wedges and {} jet batches from {} segments into '{}' ({} failed; {} duplicates, {} key "
                    "conflicts; {} damaged regions, {} bytes skipped)", wedges, jets, segments, a.out, failed,
                    duplicates, conflicts, reporter.regions, reporter.skipped_bytes);
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
  sub.add_flag("!--no-progress", a->progress, "No progress bar on stderr");
  sub.add_flag("--strict", a->strict, "Fail (exit 4) at the first damaged region instead of reading past it");
  sub.callback([a, &exit_code] {
    try {
      exit_code = run_decode(*a);
    } catch (const daqz::StorageError& e) {
      if (!a->strict) throw;
      spdlog::error("{}", e.what());
      exit_code = 4;
    }
  });
}

}  // namespace

DAQZ_COMMAND(decode, "Decode segment files into .npy wedges and jet arrays", setup_decode);
