#include "storage/record_log.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "base/crc32c.h"

namespace daqz {
namespace {

// The reader keeps a window of the file; bytes this far behind the read position are dropped.
constexpr uint64_t kWindowKeepBehind = 4u << 20;
constexpr size_t kReadChunk = 1u << 20;

uint32_t load_u32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

const char* tail_status_name(TailStatus s) {
  switch (s) {
    case TailStatus::kClean: return "clean";
    case TailStatus::kTorn: return "torn";
    case TailStatus::kCorrupt: return "corrupt";
  }
  return "?";
}

uint64_t RecordLogWriter::append(const void* body, size_t n) {
  RecordPieces r;
  r.head = {body, n};
  return append_batch(&r, 1);
}

uint64_t RecordLogWriter::append_batch(const RecordPieces* records, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    const size_t n = records[i].body_size();
    if (n == 0) throw std::invalid_argument("record log '" + file_.path() + "': empty records are not allowed");
    if (n > std::numeric_limits<uint32_t>::max())
      throw std::invalid_argument("record log '" + file_.path() + "': a record of " + std::to_string(n) +
                                  " bytes exceeds the 4 GiB frame limit");
  }
  if (broken_)
    throw AppendError("record log '" + file_.path() + "' is sealed: an earlier failed append could not be rolled back",
                      EIO, false);
  headers_.resize(kRecordHeaderBytes * count);  // sized before any pointer into it is taken
  pieces_.clear();
  uint64_t added = 0;
  for (size_t i = 0; i < count; ++i) {
    const RecordPieces& r = records[i];
    const uint32_t len = uint32_t(r.body_size());
    const uint32_t head_crc = crc32c(r.head.data, r.head.size);
    const uint32_t crc = r.tail_crc ? crc32c_combine(head_crc, *r.tail_crc, r.tail.size)
                                    : crc32c_extend(head_crc, r.tail.data, r.tail.size);
    uint8_t* header = headers_.data() + kRecordHeaderBytes * i;
    std::memcpy(header, &len, 4);
    std::memcpy(header + 4, &crc, 4);
    pieces_.push_back({header, kRecordHeaderBytes});
    pieces_.push_back(r.head);
    pieces_.push_back(r.tail);
    added += kRecordHeaderBytes + len;
  }
  try {
    file_.append_gathered(pieces_.data(), pieces_.size());
  } catch (const FileError& e) {
    // Cut the partial batch so that the next append does not follow garbage.
    try {
      file_.truncate(end_);
    } catch (const FileError& t) {
      broken_ = true;
      throw AppendError(std::string(e.what()) + "; roll-back failed too: " + t.what(), e.code(), false);
    }
    throw AppendError(std::string(e.what()) + " (record rolled back)", e.code(), true);
  }
  end_ += added;
  return added;
}

RecordLogReader::RecordLogReader(SequentialFile& file, RecordLogReaderOptions options, CorruptionReporter* reporter)
    : file_(file),
      options_(options),
      reporter_(reporter),
      size_(file.size()),
      pos_(options.start_offset),
      window_offset_(options.start_offset) {
  file_.seek(window_offset_);
  good_end_ = pos_;
}

const uint8_t* RecordLogReader::bytes_at(uint64_t offset, size_t n) {
  if (offset + n > size_) return nullptr;
  if (offset < window_offset_ || offset > window_offset_ + window_.size()) {
    window_.clear();
    window_offset_ = offset;
    file_.seek(offset);
  } else if (offset - window_offset_ > kWindowKeepBehind) {
    const size_t drop = size_t(offset - window_offset_);
    window_.erase(window_.begin(), window_.begin() + long(drop));
    window_offset_ = offset;
  }
  const size_t need = size_t(offset - window_offset_) + n;
  if (need > window_.size()) {
    const size_t have = window_.size();
    const size_t want = size_t(std::min<uint64_t>(std::max(need, have + kReadChunk), size_ - window_offset_));
    window_.resize(want);
    const size_t got = file_.read(window_.data() + have, want - have);
    window_.resize(have + got);
    if (window_.size() < need) return nullptr;  // the file shrank under us
  }
  return window_.data() + (offset - window_offset_);
}

RecordLogReader::Check RecordLogReader::check(uint64_t offset, uint32_t* len, bool scanning) {
  const uint8_t* h = bytes_at(offset, kRecordHeaderBytes);
  if (!h) return Check::kShortHeader;
  *len = load_u32(h);
  const uint32_t crc = load_u32(h + 4);
  if (*len == 0 || *len > options_.max_record_bytes) return Check::kBadLength;
  if (offset + kRecordHeaderBytes + *len > size_) return Check::kPastEnd;
  if (scanning && options_.plausible) {
    const size_t head = std::min<size_t>(*len, 16);
    const uint8_t* p = bytes_at(offset + kRecordHeaderBytes, head);
    if (!p || !options_.plausible(p, head, *len)) return Check::kImplausible;
  }
  const uint8_t* body = bytes_at(offset + kRecordHeaderBytes, *len);
  if (!body) return Check::kPastEnd;
  return crc32c(body, *len) == crc ? Check::kValid : Check::kBadCrc;
}

uint64_t RecordLogReader::find_next_record(uint64_t from) {
  uint32_t len = 0;
  for (uint64_t q = from; q + kRecordHeaderBytes < size_; ++q)
    if (check(q, &len, /*scanning=*/true) == Check::kValid) return q;
  return size_;
}

bool RecordLogReader::repairs_length(uint64_t offset, uint64_t end) {
  if (end < offset + kRecordHeaderBytes + 1 || end - offset - kRecordHeaderBytes > options_.max_record_bytes)
    return false;
  const uint8_t* h = bytes_at(offset, kRecordHeaderBytes);
  if (!h) return false;
  const uint32_t crc = load_u32(h + 4);
  const size_t n = size_t(end - offset - kRecordHeaderBytes);
  const uint8_t* body = bytes_at(offset + kRecordHeaderBytes, n);
  return body && crc32c(body, n) == crc;
}

void RecordLogReader::report(uint64_t offset, uint64_t bytes, const std::string& reason) {
  skipped_bytes_ += bytes;
  if (reporter_) reporter_->corruption(file_.path(), offset, bytes, reason);
}

bool RecordLogReader::read(std::vector<uint8_t>& body) {
  while (pos_ < size_) {
    uint32_t len = 0;
    // A record the writer framed is valid whatever its content: plausibility only guards the scan.
    const Check c = check(pos_, &len, /*scanning=*/false);
    if (c == Check::kValid) {
      const uint8_t* b = bytes_at(pos_ + kRecordHeaderBytes, len);
      body.assign(b, b + len);
      record_offset_ = pos_;
      pos_ += kRecordHeaderBytes + len;
      good_end_ = pos_;
      return true;
    }
    const uint64_t next = c == Check::kShortHeader ? size_ : find_next_record(pos_ + 1);
    if (c != Check::kShortHeader && repairs_length(pos_, next)) {
      const uint64_t n = next - pos_ - kRecordHeaderBytes;
      report(pos_, 0, "record length field damaged (reads " + std::to_string(len) + ", the record has " +
                          std::to_string(n) + " bytes); record recovered");
      const uint8_t* b = bytes_at(pos_ + kRecordHeaderBytes, size_t(n));
      body.assign(b, b + n);
      record_offset_ = pos_;
      pos_ = next;
      good_end_ = pos_;
      return true;
    }
    std::string why;
    switch (c) {
      case Check::kShortHeader: why = "record header cut short"; break;
      case Check::kBadLength:
        why = "record length " + std::to_string(len) + " is 0 or above the limit " +
              std::to_string(options_.max_record_bytes);
        break;
      case Check::kPastEnd: why = "record length " + std::to_string(len) + " runs past the end of the file"; break;
      default: why = "record CRC mismatch"; break;
    }
    if (next < size_) {
      ++corrupt_regions_;
      report(pos_, next - pos_, why + "; resynchronised on the next valid record");
      pos_ = next;
      continue;
    }
    // Nothing valid follows: this is the tail. An interrupted append leaves a header or body that
    // runs past the end, or (after a power loss) zero-filled blocks; anything else is damage.
    tail_offset_ = pos_;
    bool zeros = true;
    for (uint64_t q = pos_; q < size_ && zeros; q += kReadChunk) {
      const size_t n = size_t(std::min<uint64_t>(kReadChunk, size_ - q));
      const uint8_t* p = bytes_at(q, n);
      zeros = p && std::all_of(p, p + n, [](uint8_t b) { return b == 0; });
    }
    if (c == Check::kShortHeader || c == Check::kPastEnd || zeros) {
      tail_ = TailStatus::kTorn;
      report(pos_, size_ - pos_, why + " at the end of the file: an interrupted append (torn tail)");
    } else {
      tail_ = TailStatus::kCorrupt;
      ++corrupt_regions_;
      report(pos_, size_ - pos_, why + "; no valid record follows");
    }
    pos_ = size_;
  }
  return false;
}

}  // namespace daqz
