// Helpers for storage tests: synthetic encoded records, and reading every record of a segment folder
// back with the damage the readers reported (temporary folders: support/files.h).
#pragma once

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "storage/segment.h"
#include "support/files.h"
#include "wire/message.h"
#include "wire/record_key.h"

namespace daqz::testing {

// An encoded record of `bytes` pseudo-random payload bytes (content fixed by key and `variant`).
inline Message test_record(const RecordKey& key, size_t bytes = 200, const std::string& model = "m1",
                           uint32_t variant = 0) {
  EncodedRecord r;
  r.codec_id = "lossless";
  r.model_name = model;
  r.model_version = "1";
  r.latent_shape = {uint32_t(bytes)};
  r.original_shape = {192, 249, 16};
  r.original_bytes = 1000;
  std::mt19937 rng(uint32_t(key.sequence * 7919 + key.run * 104729 + variant));
  r.bytes.resize(bytes);
  for (auto& b : r.bytes) b = uint8_t(rng());
  Message m = make_record_message(r, key.source, key.sequence);
  m.envelope.set_run(key.run);
  return m;
}

struct Damage : CorruptionReporter {
  uint64_t regions = 0, bytes = 0;
  std::vector<std::string> reasons;
  void corruption(const std::string&, uint64_t, uint64_t n, const std::string& reason) override {
    ++regions;
    bytes += n;
    reasons.push_back(reason);
  }
};

struct FolderContents {
  std::vector<Message> records;  // in write order
  std::map<RecordKey, int> count;
  uint64_t corrupt_regions = 0, skipped_bytes = 0, torn_tails = 0, segments = 0;
  Damage damage;
};

inline FolderContents read_folder(const std::string& dir) {
  FolderContents c;
  for (const auto& path : list_segments(dir)) {
    SegmentReader r(path, &c.damage);
    ++c.segments;
    while (auto m = r.next()) {
      ++c.count[RecordKey::of(m->envelope)];
      c.records.push_back(std::move(*m));
    }
    c.corrupt_regions += r.corrupt_regions();
    c.skipped_bytes += r.skipped_bytes();
    if (r.tail_status() == TailStatus::kTorn) ++c.torn_tails;
  }
  return c;
}

}  // namespace daqz::testing
