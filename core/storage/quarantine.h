// Quarantine files keep the raw bytes of every rejected frame, with the reason and the error
// message, so that bad input can be inspected and replayed later; nothing is silently dropped.
//
// Entry layout (little-endian): u32 magic "DQQ1" | u64 unix_ns | u16 reason | u16 text_len | text |
//                               u32 raw_len | raw (transport framing) | u32 crc32c(all before it)
//
//   QuarantineWriter q("ingest.quarantine");     // appends; creates parent folders
//   q.write(RejectReason::kBadCrc, e.what(), raw_bytes);
//   for (auto& e : read_quarantine("ingest.quarantine")) ...
//
// Thread-safe (internal mutex): receivers and workers may share one writer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "wire/validation.h"

namespace daqz {

struct QuarantineEntry {
  uint64_t unix_ns = 0;
  RejectReason reason = RejectReason::kBadEnvelope;
  std::string text;
  std::vector<uint8_t> raw;
};

class QuarantineWriter {
 public:
  static constexpr uint64_t kDefaultMaxBytes = 1ull << 30;  // stop keeping bytes past 1 GiB
  explicit QuarantineWriter(std::string path, uint64_t max_bytes = kDefaultMaxBytes);
  ~QuarantineWriter();
  // Returns false if the file is full (the caller counts the frame as rejected-not-kept).
  bool write(RejectReason reason, const std::string& text, const std::vector<uint8_t>& raw);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  uint64_t max_bytes_;
  uint64_t bytes_ = 0;
  std::FILE* file_ = nullptr;
  std::mutex mu_;
};

// Reads all whole entries (a torn tail is ignored). Throws std::runtime_error if unreadable.
std::vector<QuarantineEntry> read_quarantine(const std::string& path);

}  // namespace daqz
