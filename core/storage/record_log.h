// The record log: CRC-framed records in an append-only file, shared by segment and quarantine
// files (modelled on leveldb's db/log_writer and db/log_reader, without its 32 KiB blocks so that
// files written before it still read).
//
//   record = u32 body_len | u32 crc32c(body) | body          (little-endian, 1 <= body_len)
//
//   RecordLogWriter w(*file);                 // continues at file->size()
//   w.append(body.data(), body.size());       // throws AppendError, the file rolled back
//   w.append_batch(records, n);               // n records, one gathered write, all or none
//   file->sync();
//
//   RecordLogReader r(*in, {.start_offset = header_bytes}, &reporter);
//   std::vector<uint8_t> body;
//   while (r.read(body)) use(body);           // corrupt regions are reported and skipped
//
// Guarantees:
// - An append either lands whole or is cut back to where it started: the file never holds a partial
//   record followed by good ones. If the roll-back itself fails, the writer is broken (every later
//   append throws) and the caller must seal the file and continue in a new one.
// - The reader never stops at a corrupt record: it resynchronises on the next offset whose length
//   and CRC validate (a `plausible` test on the first body bytes keeps that scan cheap) and reports
//   the bytes it skipped, where and why. A region that turns out to be one whole record with a
//   damaged length field is recovered. At the end it tells a torn tail (a record whose header or
//   body runs past the end of the file: an interrupted write) from a corrupt one.
// Neither class is thread-safe; both borrow the file, which must outlive them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/file.h"

namespace daqz {

inline constexpr size_t kRecordHeaderBytes = 8;

// An append that did not land. The record is not in the file when rolled_back() is true; otherwise
// the file may end in a partial record and must not be appended to again.
class AppendError : public StorageError {
 public:
  AppendError(const std::string& what, int code, bool rolled_back)
      : StorageError(what), code_(code), rolled_back_(rolled_back) {}
  int code() const { return code_; }  // errno of the failed write (ENOSPC, EIO, ...)
  bool rolled_back() const { return rolled_back_; }

 private:
  int code_;
  bool rolled_back_;
};

// One record's body given in two pieces, written without joining them: `head` (small: framing, an
// envelope) then `tail` (a payload, where it already lies). When tail_crc is set it is crc32c(tail),
// already checked when the payload arrived: the record's CRC is then combined from it rather than
// computed by reading the tail a second time. A tail corrupted in memory after that check so gives a
// record whose CRC fails on reading, which is what an end-to-end check should do.
struct RecordPieces {
  ConstBuffer head{nullptr, 0};
  ConstBuffer tail{nullptr, 0};
  std::optional<uint32_t> tail_crc;
  size_t body_size() const { return head.size + tail.size; }
};

class RecordLogWriter {
 public:
  // The file's current size must be the end of a whole record or of a file header.
  explicit RecordLogWriter(WritableFile& file) : file_(file), end_(file.size()) {}

  // Appends one record; returns the bytes it added (header + body). Throws std::invalid_argument for
  // an empty or oversize body, AppendError when the write failed (see the class comment).
  uint64_t append(const void* body, size_t n);
  uint64_t append(const std::vector<uint8_t>& body) { return append(body.data(), body.size()); }
  // Appends `count` records with one gathered write; returns the bytes added. All of them land or,
  // like append(), none (AppendError, rolled back) or the writer is broken.
  uint64_t append_batch(const RecordPieces* records, size_t count);

  uint64_t end() const { return end_; }  // offset just past the last whole record
  bool broken() const { return broken_; }

 private:
  WritableFile& file_;
  uint64_t end_;
  bool broken_ = false;
  std::vector<uint8_t> headers_;     // the batch's record headers, reused
  std::vector<ConstBuffer> pieces_;  // header, head, tail per record, reused
};

// Told about every byte range a reader skips.
class CorruptionReporter {
 public:
  virtual ~CorruptionReporter() = default;
  // `bytes` bytes of `path` from `offset` were not returned as records, because of `reason`.
  // bytes == 0 marks a record recovered despite a damaged header.
  virtual void corruption(const std::string& path, uint64_t offset, uint64_t bytes, const std::string& reason) = 0;
};

enum class TailStatus {
  kClean,    // the file ends with a whole record (or is empty past its header)
  kTorn,     // the last record's header or body runs past the end: an interrupted append
  kCorrupt,  // the file ends with bytes that are no record and not an interrupted append
};
const char* tail_status_name(TailStatus s);

// A cheap test of a candidate record's first body bytes (head_bytes = min(body_len, 16)), run before
// its CRC while resynchronising. It must accept every body the writer produced.
using RecordPlausibility = bool (*)(const uint8_t* head, size_t head_bytes, uint32_t body_len);

struct RecordLogReaderOptions {
  static constexpr uint32_t kDefaultMaxRecordBytes = 512u << 20;
  uint64_t start_offset = 0;  // where the first record starts (after any file header)
  uint32_t max_record_bytes = kDefaultMaxRecordBytes;
  RecordPlausibility plausible = nullptr;  // nullptr: length and CRC only
};

class RecordLogReader {
 public:
  RecordLogReader(SequentialFile& file, RecordLogReaderOptions options, CorruptionReporter* reporter = nullptr);

  // The next whole record into `body`; false at the end of the file. Throws FileError on a read error.
  bool read(std::vector<uint8_t>& body);

  uint64_t record_offset() const { return record_offset_; }  // where the record last returned starts
  uint64_t good_end() const { return good_end_; }            // just past the last record returned
  // Valid once read() returned false.
  TailStatus tail() const { return tail_; }
  uint64_t tail_offset() const { return tail_offset_; }  // where a torn or corrupt tail starts
  uint64_t skipped_bytes() const { return skipped_bytes_; }
  uint64_t corrupt_regions() const { return corrupt_regions_; }

 private:
  enum class Check { kValid, kShortHeader, kBadLength, kPastEnd, kBadCrc, kImplausible };
  Check check(uint64_t offset, uint32_t* len, bool scanning);
  uint64_t find_next_record(uint64_t from);
  bool repairs_length(uint64_t offset, uint64_t end);
  void report(uint64_t offset, uint64_t bytes, const std::string& reason);
  const uint8_t* bytes_at(uint64_t offset, size_t n);  // nullptr past the end

  SequentialFile& file_;
  RecordLogReaderOptions options_;
  CorruptionReporter* reporter_;
  uint64_t size_;
  uint64_t pos_;
  // A window [window_offset_, window_offset_ + window_.size()) of the file.
  std::vector<uint8_t> window_;
  uint64_t window_offset_;
  uint64_t record_offset_ = 0, good_end_ = 0;
  TailStatus tail_ = TailStatus::kClean;
  uint64_t tail_offset_ = 0;
  uint64_t skipped_bytes_ = 0, corrupt_regions_ = 0;
};

}  // namespace daqz
