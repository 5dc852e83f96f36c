// Quarantine files keep the raw bytes of every rejected frame, with the reason and the error
// message, so that bad input can be inspected and replayed later; nothing is silently dropped.
// They are record logs (record_log.h) like segments:
//
//   file  = magic "DAQZQRN1" | record*          record = u32 body_len | u32 crc32c(body) | body
//   body  = u64 unix_ns | u16 reason | u16 text_len | text | u32 raw_len | raw (transport framing)
//
//   QuarantineWriter q("ingest.quarantine");     // appends; creates parent folders
//   q.write(RejectReason::kBadCrc, e.what(), raw_bytes);
//   for (auto& e : read_quarantine("ingest.quarantine")) ...
//
// Files of the first format (entries "DQQ1" | ... | u32 crc32c, no file magic) are still read; the
// writer moves such a file aside to "<path>.<unix_ms>.old" and starts a new one rather than mix
// formats. On opening, a torn last entry (a crash mid-write) is cut before appending.
// The writer is thread-safe (internal mutex): receivers and workers may share one.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/file.h"
#include "storage/record_log.h"
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
  // Throws StorageError if the file cannot be opened or prepared.
  explicit QuarantineWriter(std::string path, uint64_t max_bytes = kDefaultMaxBytes, FileSystem* fs = nullptr);
  ~QuarantineWriter();
  // Returns false if the entry was not kept (file full, or the write failed and was rolled back);
  // the caller counts the frame as rejected-not-kept.
  bool write(RejectReason reason, const std::string& text, const std::vector<uint8_t>& raw);
  const std::string& path() const { return path_; }

 private:
  void open();

  std::string path_;
  uint64_t max_bytes_;
  FileSystem& fs_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<RecordLogWriter> log_;
  std::mutex mu_;
};

// Reads every whole entry of either format; damaged regions are skipped and told to `reporter`.
// Throws StorageError if the file cannot be opened or is no quarantine file.
std::vector<QuarantineEntry> read_quarantine(const std::string& path, CorruptionReporter* reporter = nullptr);

}  // namespace daqz
