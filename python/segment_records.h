// The Python module's only contact with the storage layer: walks the segment files of a folder (or
// one file) and yields every stored record with where it came from. Kept in this one file so that a
// change of the segment reader API touches nothing else of python/.
//
//   SegmentRecordStream s("run/segments");       // throws StorageError for a missing folder
//   while (auto r = s.next()) use(r->key, r->record);
//
// Damaged regions are skipped (as `daqz decode` does) and listed in damage(); with `strict` the
// first one throws StorageError instead. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/records.h"
#include "wire/record_key.h"

namespace daqz {

class SegmentReader;

struct StoredRecord {
  RecordKey key;
  EncodedRecord record;
  std::string segment;         // file the record was read from
  uint64_t timestamp_ns = 0;   // sender clock when the source sent it
  uint32_t payload_crc32c = 0;
};

struct SegmentDamage {
  std::string segment;
  uint64_t offset = 0, bytes = 0;
  std::string reason;
};

class SegmentRecordStream {
 public:
  explicit SegmentRecordStream(const std::string& path, bool strict = false);
  ~SegmentRecordStream();
  SegmentRecordStream(const SegmentRecordStream&) = delete;
  SegmentRecordStream& operator=(const SegmentRecordStream&) = delete;

  std::optional<StoredRecord> next();
  const std::vector<std::string>& segments() const { return segments_; }
  const std::vector<SegmentDamage>& damage() const;

 private:
  struct Reporter;
  std::vector<std::string> segments_;
  size_t index_ = 0;
  std::unique_ptr<Reporter> reporter_;
  std::unique_ptr<SegmentReader> reader_;
};

}  // namespace daqz
