// Segment files: the sink's append-only storage of encoded records.
//
// Layout (little-endian):
//   file   = magic "DAQZSEG1" | u32 header_len | header JSON | u32 crc32c(header JSON) | record*
//   record = u32 body_len | u32 crc32c(body) | body        (body = pack_message(): envelope + payload)
// The header JSON names the segment's creation time, writer and the models whose records it holds;
// a record from a model not in the header starts a new segment, so every header is complete.
//
//   SegmentWriter w({.dir = "data", .max_bytes = 256 << 20});
//   w.append(msg);               // rotates by size/age/new model; fsync per policy
//   w.close();
//
//   SegmentReader r("data/seg-....daqz");     // throws StorageError on a bad header
//   while (auto m = r.next()) use(*m);         // stops at a torn or corrupt tail (r.tail_status())
//
// A torn tail (crash mid-write) is expected: recover_segment() truncates it to the last whole
// record. SegmentWriter and SegmentReader are not thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wire/message.h"

namespace daqz {

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class FsyncPolicy { kNever, kEveryRecord, kOnRotate, kInterval };
FsyncPolicy parse_fsync_policy(const std::string& s);  // "never", "record", "rotate", "interval"

struct SegmentWriterConfig {
  static constexpr uint64_t kDefaultMaxBytes = 256ull << 20;
  static constexpr double kDefaultMaxSeconds = 600;
  std::string dir;
  uint64_t max_bytes = kDefaultMaxBytes;
  double max_seconds = kDefaultMaxSeconds;
  FsyncPolicy fsync = FsyncPolicy::kInterval;
  double fsync_interval_s = 1.0;
  std::string writer_id = "daqz-sink";
};

struct AppendResult {
  uint64_t bytes = 0;       // bytes written for this record
  bool rotated = false;
  double fsync_seconds = -1;  // >= 0 when an fsync ran
};

class SegmentWriter {
 public:
  explicit SegmentWriter(SegmentWriterConfig config);
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  AppendResult append(const Message& m);
  // Flushes and fsyncs the open segment (the sink calls it before acknowledging).
  double sync();
  void close();
  const std::string& current_path() const { return path_; }
  uint64_t segments_opened() const { return segments_opened_; }

 private:
  void open_new(const std::set<std::string>& models);
  SegmentWriterConfig config_;
  std::FILE* file_ = nullptr;
  std::string path_;
  uint64_t bytes_ = 0;
  double opened_at_ = 0, last_sync_ = 0;
  bool dirty_ = false;
  std::set<std::string> models_;
  uint64_t segments_opened_ = 0;
};

enum class TailStatus { kClean, kTorn, kCorrupt };

class SegmentReader {
 public:
  explicit SegmentReader(const std::string& path);
  ~SegmentReader();
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  const nlohmann::json& header() const { return header_; }
  // Next valid record; std::nullopt at the end or at the first torn/corrupt record.
  std::optional<Message> next();
  TailStatus tail_status() const { return tail_; }
  uint64_t good_bytes() const { return good_bytes_; }  // offset just past the last valid record

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  nlohmann::json header_;
  TailStatus tail_ = TailStatus::kClean;
  uint64_t good_bytes_ = 0;
};

struct RecoveryReport {
  std::string path;
  uint64_t records = 0;
  uint64_t truncated_bytes = 0;
  TailStatus tail = TailStatus::kClean;
};

// Scans a segment, truncates anything after the last valid record. Returns what it did.
RecoveryReport recover_segment(const std::string& path);
// Segment files of a folder in write order.
std::vector<std::string> list_segments(const std::string& dir);

// The model key a record contributes to a segment header ("codec/model@version#sha").
std::string model_key(const Message& m);

}  // namespace daqz
