#include "storage/segment.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "base/crc32c.h"

namespace daqz {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'D', 'A', 'Q', 'Z', 'S', 'E', 'G', '1'};
constexpr uint32_t kMaxHeaderBytes = 1u << 20;
constexpr uint64_t kRecordsStart = 12;  // magic + header length: where a reader resynchronises

double mono_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

std::string parent_of(const std::string& path) {
  const std::string p = fs::path(path).parent_path().string();
  return p.empty() ? "." : p;
}

}  // namespace

FsyncPolicy parse_fsync_policy(const std::string& s) {
  if (s == "never") return FsyncPolicy::kNever;
  if (s == "record") return FsyncPolicy::kEveryRecord;
  if (s == "rotate") return FsyncPolicy::kOnRotate;
  if (s == "interval") return FsyncPolicy::kInterval;
  throw StorageError("unknown fsync policy '" + s + "'; expected never, record, rotate or interval");
}

std::string model_key(const wire::Envelope& e) {
  if (e.kind() != wire::KIND_ENCODED_RECORD) return {};
  const auto& meta = e.record_meta();
  return meta.codec_id() + "/" + meta.model_name() + "@" + meta.model_version() + "#" + meta.weights_sha256();
}

std::string model_key(const Message& m) { return model_key(m.envelope); }

namespace {

// True when both records contribute the same model_key() (compared in place, nothing built).
bool same_model(const wire::Envelope& a, const wire::Envelope& b) {
  if (a.kind() != b.kind()) return false;
  if (a.kind() != wire::KIND_ENCODED_RECORD) return true;
  const auto &x = a.record_meta(), &y = b.record_meta();
  return x.codec_id() == y.codec_id() && x.model_name() == y.model_name() && x.model_version() == y.model_version() &&
         x.weights_sha256() == y.weights_sha256();
}

}  // namespace

SegmentRecord SegmentRecord::owning(Message m) {
  auto held = std::make_shared<Message>(std::move(m));
  SegmentRecord r;
  r.envelope = std::move(held->envelope);  // `keep` only needs to hold the payload
  r.payload = PayloadView(held->payload);
  r.keep = std::move(held);
  return r;
}

SegmentRecord SegmentRecord::viewing(const Message& m) {
  SegmentRecord r;
  r.envelope = m.envelope;
  r.payload = PayloadView(m.payload);
  return r;
}

bool plausible_packed_message(const uint8_t* head, size_t head_bytes, uint32_t body_len) {
  if (head_bytes < 5) return false;
  uint32_t envelope_len;
  std::memcpy(&envelope_len, head, 4);
  // Envelopes are small (ValidationLimits: 64 KiB) and protobuf writes field 1 (kind, a varint,
  // always set on a stored record) first: tag byte 0x08. Random bytes pass this about once in 2^24.
  return envelope_len >= 2 && envelope_len <= (64u << 10) && uint64_t(envelope_len) + 4 <= body_len &&
         head[4] == 0x08;
}

// ---- writer -----------------------------------------------------------------------------------

SegmentWriter::SegmentWriter(SegmentWriterConfig config) : config_(std::move(config)) {
  if (config_.dir.empty()) throw StorageError("segment writer needs an output folder");
  if (!config_.fs) config_.fs = &posix_file_system();
  std::error_code ec;
  fs::create_directories(config_.dir, ec);
  if (ec) throw StorageError("cannot create segment folder '" + config_.dir + "': " + ec.message());
}

SegmentWriter::~SegmentWriter() {
  try {
    close();
  } catch (const std::exception& e) {
    spdlog::error("closing segment '{}' failed: {}", path_, e.what());
  }
}

void SegmentWriter::open_new(const std::set<std::string>& models) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  char name[96];
  std::snprintf(name, sizeof(name), "seg-%013lld-%06llu.daqz", static_cast<long long>(ms),
                static_cast<unsigned long long>(segments_opened_ + segments_sealed_));
  const std::string path = (fs::path(config_.dir) / name).string();
  nlohmann::json header = {{"format", "daqz-segment"}, {"version", 1}, {"writer", config_.writer_id},
                           {"created_unix_ms", ms}, {"models", std::vector<std::string>(models.begin(), models.end())}};
  const std::string text = header.dump();
  std::vector<uint8_t> bytes(kMagic, kMagic + 8);
  put<uint32_t>(bytes, uint32_t(text.size()));
  bytes.insert(bytes.end(), text.begin(), text.end());
  put<uint32_t>(bytes, crc32c(text.data(), text.size()));
  std::unique_ptr<WritableFile> file;
  try {
    file = fs().create(path);
    file->append(bytes.data(), bytes.size());
    // The header is durable and the folder lists the file before any record goes in: a listed
    // segment never loses its header to a crash.
    file->sync();
    fs().sync_dir(config_.dir);
  } catch (const FileError& e) {
    if (file) file->close();
    try {
      fs().remove(path);  // holds no record; a leftover torn header is removed by recovery anyway
    } catch (const FileError&) {
    }
    throw AppendError("cannot open a new segment: " + std::string(e.what()), e.code(), /*rolled_back=*/true);
  }
  file_ = std::move(file);
  log_ = std::make_unique<RecordLogWriter>(*file_);
  path_ = path;
  models_ = models;
  synced_end_ = file_->size();
  opened_at_ = last_sync_ = mono_seconds();
  ++segments_opened_;
}

void SegmentWriter::seal_after_failure() {
  ++segments_sealed_;
  if (file_) {
    // After a failed write or fsync nothing past the last sync is known to be on disk: cut it (the
    // caller writes those records again elsewhere) so the sealed file ends with whole records.
    try {
      file_->truncate(synced_end_);
      file_->sync();
    } catch (const FileError& e) {
      spdlog::warn("sealing '{}': cannot cut it back to {} bytes ({}); readers will skip the damaged tail", path_,
                   synced_end_, e.what());
    }
    file_->close();
  }
  file_.reset();
  log_.reset();
  dropped_ += unsynced_;
  unsynced_ = 0;
}

AppendResult SegmentWriter::append(const Message& m) {
  const SegmentRecord r = SegmentRecord::viewing(m);
  return append_batch(&r, 1);
}

bool SegmentWriter::rotation_due(const std::string& key, double now) const {
  const bool new_model = !key.empty() && !models_.count(key);
  return !file_ || log_->end() >= config_.max_bytes || now - opened_at_ >= config_.max_seconds || new_model;
}

void SegmentWriter::rotate(const std::string& key, AppendResult& result) {
  // Carry the models already seen into a rotation; a new header always lists this record's model
  // (also after a failure closed the last segment).
  std::set<std::string> models = file_ ? models_ : std::set<std::string>{};
  if (!key.empty()) models.insert(key);
  if (file_) {
    result.fsync_seconds = sync();
    file_->close();
    file_.reset();
    log_.reset();
  }
  open_new(models);
  result.rotated = true;
  ++result.segments_opened;
}

AppendResult SegmentWriter::append_batch(const SegmentRecord* records, size_t count) {
  AppendResult result;
  const double now = mono_seconds();
  for (size_t first = 0; first < count;) {
    const std::string key = model_key(records[first].envelope);
    if (rotation_due(key, now)) rotate(key, result);
    // The group runs while no rotation would be due before its next record: same segment, same rule
    // as record-by-record appends (a segment may pass max_bytes by its last record).
    uint64_t end = log_->end() + kRecordHeaderBytes + 4 + records[first].envelope.ByteSizeLong() +
                   records[first].payload.size;
    size_t last = first + 1;
    for (; last < count && end < config_.max_bytes; ++last) {
      // Records of one model follow each other: only a change of model builds a key (an allocation).
      if (!same_model(records[last - 1].envelope, records[last].envelope)) {
        const std::string k = model_key(records[last].envelope);
        if (!k.empty() && !models_.count(k)) break;
      }
      end += kRecordHeaderBytes + 4 + records[last].envelope.ByteSizeLong() + records[last].payload.size;
    }
    write_group(records + first, last - first, result);
    first = last;
  }
  if (config_.fsync == FsyncPolicy::kEveryRecord ||
      (config_.fsync == FsyncPolicy::kInterval && now - last_sync_ >= config_.fsync_interval_s))
    result.fsync_seconds = sync();
  return result;
}

void SegmentWriter::write_group(const SegmentRecord* records, size_t count, AppendResult& result) {
  // Every record's body = u32 envelope length | envelope | payload; the envelopes are serialised into
  // one reused buffer (sized first: pointers into it are taken after), the payloads stay where they are.
  size_t total = 0;
  for (size_t i = 0; i < count; ++i) total += 4 + records[i].envelope.ByteSizeLong();  // caches the sizes
  heads_.resize(total);
  pieces_.resize(count);
  uint8_t* at = heads_.data();
  for (size_t i = 0; i < count; ++i) {
    const SegmentRecord& r = records[i];
    const uint32_t env_len = uint32_t(r.envelope.GetCachedSize());
    std::memcpy(at, &env_len, 4);
    r.envelope.SerializeWithCachedSizesToArray(at + 4);
    RecordPieces& p = pieces_[i];
    p.head = {at, 4 + size_t(env_len)};
    p.tail = {r.payload.data, r.payload.size};
    p.tail_crc.reset();
    if (r.payload_crc_verified) p.tail_crc = r.envelope.payload_crc32c();
    at += 4 + env_len;
  }
  try {
    result.bytes += log_->append_batch(pieces_.data(), count);
  } catch (const AppendError& e) {
    if (!e.rolled_back()) seal_after_failure();
    throw;
  }
  appended_ += count;
  unsynced_ += count;
}

double SegmentWriter::sync() {
  if (!file_ || unsynced_ == 0) return 0;
  const double t0 = mono_seconds();
  if (config_.fsync != FsyncPolicy::kNever) {
    try {
      file_->sync();
    } catch (const FileError&) {
      seal_after_failure();
      throw;
    }
  }
  durable_ += unsynced_;
  unsynced_ = 0;
  synced_end_ = log_->end();
  last_sync_ = mono_seconds();
  return last_sync_ - t0;
}

void SegmentWriter::close() {
  if (!file_) return;
  sync();
  file_->close();
  file_.reset();
  log_.reset();
}

// ---- reader -----------------------------------------------------------------------------------

SegmentReader::SegmentReader(const std::string& path, CorruptionReporter* reporter, FileSystem* fsys)
    : path_(path), reporter_(reporter) {
  FileSystem& files = fsys ? *fsys : posix_file_system();
  file_ = files.open_read(path);
  const uint64_t size = file_->size();
  uint8_t head[kRecordsStart] = {};
  const size_t got = file_->read(head, sizeof(head));
  if (std::memcmp(head, kMagic, std::min<size_t>(got, 8)) != 0)
    throw StorageError("'" + path + "' is not a daqz segment (bad magic)");
  uint32_t len = 0;
  if (got == kRecordsStart) std::memcpy(&len, head + 8, 4);
  std::string why;
  if (got < kRecordsStart || (len <= kMaxHeaderBytes && kRecordsStart + len + 4 > size)) {
    header_torn_ = true;
    why = "segment header cut short (" + std::to_string(size) + " bytes)";
  } else if (len > kMaxHeaderBytes) {
    why = "segment header length " + std::to_string(len) + " is implausible";
  } else {
    std::string text(len, '\0');
    uint32_t crc = 0;
    if (file_->read(text.data(), len) != len || file_->read(&crc, 4) != 4 || crc != crc32c(text.data(), len)) {
      why = "segment header fails its CRC";
    } else {
      try {
        header_ = nlohmann::json::parse(text);
        header_ok_ = true;
      } catch (const nlohmann::json::exception& e) {
        why = std::string("segment header is not JSON: ") + e.what();
      }
    }
  }
  RecordLogReaderOptions options;
  options.plausible = plausible_packed_message;
  if (header_ok_) {
    options.start_offset = kRecordsStart + len + 4;
  } else {
    // Records describe themselves; the header only summarises them. Look for them past the magic.
    if (reporter_) reporter_->corruption(path_, 0, 0, why + "; records are still read");
    options.start_offset = std::min<uint64_t>(size, kRecordsStart);
  }
  log_ = std::make_unique<RecordLogReader>(*file_, options, reporter_);
}

SegmentReader::~SegmentReader() = default;

std::optional<Message> SegmentReader::next() {
  std::vector<uint8_t> body;
  while (log_->read(body)) {
    try {
      ValidationLimits limits;
      limits.max_payload_bytes = RecordLogReaderOptions::kDefaultMaxRecordBytes;
      return unpack_message(body.data(), body.size(), limits);
    } catch (const ValidationError& e) {
      ++unreadable_records_;
      unreadable_bytes_ += kRecordHeaderBytes + body.size();
      if (reporter_)
        reporter_->corruption(path_, log_->record_offset(), kRecordHeaderBytes + body.size(),
                              std::string("record CRC is valid but it is not a daqz message: ") + e.what());
    }
  }
  return std::nullopt;
}

// A segment whose header never got written whole, with no record after it, is one torn append
// (the writer died while creating it): whatever follows the magic is header bytes.
bool SegmentReader::header_is_torn_tail() const {
  return header_torn_ && log_->good_end() <= kRecordsStart && unreadable_records_ == 0;
}

TailStatus SegmentReader::tail_status() const {
  return header_is_torn_tail() ? TailStatus::kTorn : log_->tail();
}
uint64_t SegmentReader::tail_offset() const { return header_is_torn_tail() ? 0 : log_->tail_offset(); }
uint64_t SegmentReader::good_bytes() const { return log_->good_end(); }
uint64_t SegmentReader::skipped_bytes() const { return log_->skipped_bytes() + unreadable_bytes_; }
uint64_t SegmentReader::corrupt_regions() const {
  if (header_is_torn_tail()) return 0;
  return log_->corrupt_regions() + unreadable_records_;  // a damaged header's bytes are one of the log's regions
}

// ---- recovery ---------------------------------------------------------------------------------

RecoveryReport recover_segment(const std::string& path, bool newest, const std::function<void(const Message&)>& on_record,
                               CorruptionReporter* reporter, FileSystem* fsys) {
  FileSystem& files = fsys ? *fsys : posix_file_system();
  RecoveryReport report;
  report.path = path;
  uint64_t cut_at = 0;
  {
    SegmentReader r(path, reporter, &files);
    while (auto m = r.next()) {
      ++report.records;
      if (on_record) on_record(*m);
    }
    report.tail = r.tail_status();
    report.skipped_bytes = r.skipped_bytes();
    report.corrupt_regions = r.corrupt_regions();
    cut_at = r.tail_offset();
  }
  // Only the newest segment was being appended to when the sink stopped; its torn tail is the one
  // append that never completed, so never acknowledged. Older segments are left exactly as they are.
  if (!newest || report.tail != TailStatus::kTorn) return report;
  if (cut_at == 0) {
    files.remove(path);
    files.sync_dir(parent_of(path));
    report.removed = true;
    return report;
  }
  std::unique_ptr<WritableFile> f = files.open_append(path);
  const uint64_t size = f->size();
  f->truncate(cut_at);
  f->sync();
  f->close();
  report.truncated_bytes = size - cut_at;
  report.skipped_bytes -= std::min(report.skipped_bytes, report.truncated_bytes);
  return report;
}

std::vector<std::string> list_segments(const std::string& dir) {
  std::vector<std::string> out;
  if (fs::is_regular_file(dir)) return {dir};
  if (!fs::is_directory(dir)) throw StorageError("no segment file or folder at '" + dir + "'");
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".daqz") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace daqz
