#include "segment_records.h"

#include <filesystem>

#include "storage/segment.h"
#include "wire/message.h"

namespace daqz {

struct SegmentRecordStream::Reporter : CorruptionReporter {
  bool strict = false;
  std::vector<SegmentDamage> damage;
  void corruption(const std::string& path, uint64_t offset, uint64_t bytes, const std::string& reason) override {
    if (strict)
      throw StorageError("'" + path + "' at byte " + std::to_string(offset) + ": " + reason + " (strict read)");
    damage.push_back({path, offset, bytes, reason});
  }
};

SegmentRecordStream::SegmentRecordStream(const std::string& path, bool strict)
    : reporter_(std::make_unique<Reporter>()) {
  if (!std::filesystem::exists(path)) throw StorageError("no segment file or folder '" + path + "'");
  segments_ = list_segments(path);
  reporter_->strict = strict;
}

SegmentRecordStream::~SegmentRecordStream() = default;

const std::vector<SegmentDamage>& SegmentRecordStream::damage() const { return reporter_->damage; }

std::optional<StoredRecord> SegmentRecordStream::next() {
  while (true) {
    if (!reader_) {
      if (index_ == segments_.size()) return std::nullopt;
      reader_ = std::make_unique<SegmentReader>(segments_[index_++], reporter_.get());
    }
    std::optional<Message> m = reader_->next();
    if (!m) {
      reader_.reset();
      continue;
    }
    if (m->envelope.kind() != wire::KIND_ENCODED_RECORD) continue;
    StoredRecord r;
    r.key = RecordKey::of(m->envelope);
    r.segment = reader_->path();
    r.timestamp_ns = m->envelope.timestamp_ns();
    r.payload_crc32c = m->envelope.payload_crc32c();
    r.record = record_from_message(*m);
    return r;
  }
}

}  // namespace daqz
