// Segment files: the sink's append-only storage of encoded records, on the record log.
//
// Layout (little-endian):
//   file   = magic "DAQZSEG1" | u32 header_len | header JSON | u32 crc32c(header JSON) | record*
//   record = u32 body_len | u32 crc32c(body) | body        (body = pack_message(): envelope + payload)
// The header JSON names the segment's creation time, writer and the models whose records it holds;
// a record from a model not in the header starts a new segment, so every header is complete.
//
//   SegmentWriter w({.dir = "data", .max_bytes = 256 << 20});
//   w.append(msg);               // rotates by size/age/new model; fsync per policy
//   w.append_batch(records, n);  // the same for n records: one gathered write per segment touched
//   w.sync();                    // before acknowledging
//
//   SegmentReader r("data/seg-....daqz", &reporter);   // throws StorageError if not a segment
//   while (auto m = r.next()) use(*m);                  // corrupt regions are skipped and reported
//
// Failure handling (the promise: no acknowledged record is lost):
// - A new segment's header is fsynced, and then its folder, before any record goes in; a crash
//   while creating one leaves a torn header and no record, which recovery removes.
// - A failed append is rolled back (record_log.h); if it cannot be, or an fsync fails, the segment
//   is sealed (cut back to its last synced offset where possible) and the next append opens a new
//   one. The counters appended() = durable() + dropped() + records not yet synced tell the caller
//   (DurableAppender) which records it must write again.
// - recover_segment() never deletes a record: corrupt regions stay (readers skip them); only a torn
//   record at the very end of the newest segment, an interrupted append never acknowledged, is cut.
// SegmentWriter and SegmentReader are not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/file.h"
#include "storage/record_log.h"
#include "wire/message.h"
#include "wire/payload_view.h"

namespace daqz {

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
  FileSystem* fs = nullptr;  // nullptr: posix_file_system(); tests inject faults here
};

// A record on its way into a segment: its envelope and its payload where the payload lies (a received
// ZeroMQ frame, a Message's vector), so that writing it copies nothing in user space. `keep` owns the
// payload's bytes for as long as the record is held (DurableAppender keeps records until they are
// durable); it is empty when the caller keeps them alive itself.
struct SegmentRecord {
  wire::Envelope envelope;
  PayloadView payload;
  std::shared_ptr<const void> keep;
  // True when envelope.payload_crc32c() was verified against `payload` (wire/message_view.h's
  // verify_payload_crc): the record CRC is then combined from it instead of reading the payload again.
  bool payload_crc_verified = false;

  static SegmentRecord owning(Message m);         // takes the message (its payload is not copied)
  static SegmentRecord viewing(const Message& m); // borrows it: `m` must outlive the record
};

struct AppendResult {
  uint64_t bytes = 0;       // bytes written for this record (these records)
  bool rotated = false;
  uint32_t segments_opened = 0;  // a batch may open more than one
  double fsync_seconds = -1;  // >= 0 when an fsync ran
};

class SegmentWriter {
 public:
  explicit SegmentWriter(SegmentWriterConfig config);
  ~SegmentWriter();
  SegmentWriter(const SegmentWriter&) = delete;
  SegmentWriter& operator=(const SegmentWriter&) = delete;

  // Appends one record (rotating first when due). Throws StorageError (AppendError, FileError) when
  // it failed; appended() then tells whether the record landed, dropped() whether the segment was
  // sealed with records that must be written again.
  AppendResult append(const Message& m);
  // Appends `count` records in order with one gathered write per segment they go into (rotating
  // between them when due). Throws like append(); appended() then tells how many of them landed:
  // always the first ones, in order.
  AppendResult append_batch(const SegmentRecord* records, size_t count);
  // Makes every appended record durable (fsync unless the policy is "never"); returns its seconds.
  // Throws FileError; the segment is then sealed and its unsynced records count as dropped().
  double sync();
  // Syncs and closes the open segment; throws like sync().
  void close();

  // Record counters since construction: appended() == durable() + dropped() + unsynced().
  uint64_t appended() const { return appended_; }
  uint64_t durable() const { return durable_; }
  uint64_t dropped() const { return dropped_; }
  uint64_t unsynced() const { return unsynced_; }
  const std::string& current_path() const { return path_; }
  uint64_t segments_opened() const { return segments_opened_; }
  uint64_t segments_sealed() const { return segments_sealed_; }

 private:
  void open_new(const std::set<std::string>& models);
  bool rotation_due(const std::string& key, double now) const;
  void rotate(const std::string& key, AppendResult& result);
  void write_group(const SegmentRecord* records, size_t count, AppendResult& result);
  void seal_after_failure();
  FileSystem& fs() { return *config_.fs; }

  SegmentWriterConfig config_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<RecordLogWriter> log_;
  std::string path_;
  uint64_t synced_end_ = 0;  // file offset covered by the last successful sync
  double opened_at_ = 0, last_sync_ = 0;
  std::set<std::string> models_;
  uint64_t appended_ = 0, durable_ = 0, dropped_ = 0, unsynced_ = 0;
  uint64_t segments_opened_ = 0, segments_sealed_ = 0;
  std::vector<uint8_t> heads_;          // u32 envelope length | envelope, per record of a group (reused)
  std::vector<RecordPieces> pieces_;    // reused
};

class SegmentReader {
 public:
  // Throws StorageError if the file cannot be opened or is not a segment (bad magic). A damaged
  // header is reported and its records are still read.
  explicit SegmentReader(const std::string& path, CorruptionReporter* reporter = nullptr, FileSystem* fs = nullptr);
  ~SegmentReader();
  SegmentReader(const SegmentReader&) = delete;
  SegmentReader& operator=(const SegmentReader&) = delete;

  const nlohmann::json& header() const { return header_; }  // null when the header is damaged
  bool header_ok() const { return header_ok_; }
  // Next valid record; std::nullopt at the end. Corrupt regions are reported and skipped.
  std::optional<Message> next();
  // Valid once next() returned std::nullopt.
  TailStatus tail_status() const;
  uint64_t tail_offset() const;
  uint64_t good_bytes() const;     // offset just past the last record returned
  uint64_t skipped_bytes() const;  // bytes not returned as records (corrupt regions, torn tail)
  uint64_t corrupt_regions() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  CorruptionReporter* reporter_;
  std::unique_ptr<SequentialFile> file_;
  std::unique_ptr<RecordLogReader> log_;
  nlohmann::json header_;
  bool header_ok_ = false;
  bool header_torn_ = false;
  bool header_is_torn_tail() const;
  uint64_t unreadable_records_ = 0, unreadable_bytes_ = 0;
};

struct RecoveryReport {
  std::string path;
  uint64_t records = 0;
  uint64_t skipped_bytes = 0;     // corrupt bytes kept in the file (readers skip them)
  uint64_t corrupt_regions = 0;
  uint64_t truncated_bytes = 0;   // torn tail cut (newest segment only)
  bool removed = false;           // newest segment with a torn header and no record: removed
  TailStatus tail = TailStatus::kClean;
};

// Scans a segment and hands every record to `on_record` (may be empty). If `newest` and the file ends
// in a torn record (an interrupted append, never acknowledged), cuts it; nothing else is changed.
RecoveryReport recover_segment(const std::string& path, bool newest,
                               const std::function<void(const Message&)>& on_record = {},
                               CorruptionReporter* reporter = nullptr, FileSystem* fs = nullptr);
// Segment files of a folder in write order (or the file itself).
std::vector<std::string> list_segments(const std::string& dir);

// The model key a record contributes to a segment header ("codec/model@version#sha"); empty for a
// record that is not an encoded record.
std::string model_key(const wire::Envelope& e);
std::string model_key(const Message& m);

// Cheap test that a candidate record body looks like pack_message() output (for resynchronising).
bool plausible_packed_message(const uint8_t* head, size_t head_bytes, uint32_t body_len);

}  // namespace daqz
