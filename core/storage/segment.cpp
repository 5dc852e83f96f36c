#include "storage/segment.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "base/crc32c.h"

namespace daqz {
namespace fs = std::filesystem;
namespace {

constexpr char kMagic[8] = {'D', 'A', 'Q', 'Z', 'S', 'E', 'G', '1'};
constexpr uint32_t kMaxRecordBytes = 512u << 20;

double mono_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void write_all(std::FILE* f, const void* data, size_t n, const std::string& path) {
  if (n && std::fwrite(data, 1, n, f) != n) throw StorageError("write to '" + path + "' failed: " + std::strerror(errno));
}

bool read_exact(std::FILE* f, void* data, size_t n) { return std::fread(data, 1, n, f) == n; }

}  // namespace

FsyncPolicy parse_fsync_policy(const std::string& s) {
  if (s == "never") return FsyncPolicy::kNever;
  if (s == "record") return FsyncPolicy::kEveryRecord;
  if (s == "rotate") return FsyncPolicy::kOnRotate;
  if (s == "interval") return FsyncPolicy::kInterval;
  throw StorageError("unknown fsync policy '" + s + "'; expected never, record, rotate or interval");
}

std::string model_key(const Message& m) {
  const auto& meta = m.envelope.record_meta();
  return meta.codec_id() + "/" + meta.model_name() + "@" + meta.model_version() + "#" + meta.weights_sha256();
}

SegmentWriter::SegmentWriter(SegmentWriterConfig config) : config_(std::move(config)) {
  if (config_.dir.empty()) throw StorageError("segment writer needs an output folder");
  std::error_code ec;
  fs::create_directories(config_.dir, ec);
  if (ec) throw StorageError("cannot create segment folder '" + config_.dir + "': " + ec.message());
}

SegmentWriter::~SegmentWriter() {
  try {
    close();
  } catch (...) {
  }
}

void SegmentWriter::open_new(const std::set<std::string>& models) {
  close();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch()).count();
  char name[96];
  std::snprintf(name, sizeof(name), "seg-%013lld-%06llu.daqz", static_cast<long long>(ms),
                static_cast<unsigned long long>(segments_opened_));
  path_ = (fs::path(config_.dir) / name).string();
  file_ = std::fopen(path_.c_str(), "wb");
  if (!file_) throw StorageError("cannot create segment '" + path_ + "': " + std::strerror(errno));
  models_ = models;
  nlohmann::json header = {{"format", "daqz-segment"}, {"version", 1}, {"writer", config_.writer_id},
                           {"created_unix_ms", ms}, {"models", std::vector<std::string>(models.begin(), models.end())}};
  const std::string text = header.dump();
  const uint32_t len = uint32_t(text.size()), crc = crc32c(text.data(), text.size());
  write_all(file_, kMagic, 8, path_);
  write_all(file_, &len, 4, path_);
  write_all(file_, text.data(), text.size(), path_);
  write_all(file_, &crc, 4, path_);
  bytes_ = 16 + text.size();
  opened_at_ = last_sync_ = mono_seconds();
  dirty_ = true;
  ++segments_opened_;
}

AppendResult SegmentWriter::append(const Message& m) {
  AppendResult result;
  std::string key;
  if (m.envelope.kind() == wire::KIND_ENCODED_RECORD) key = model_key(m);
  const double now = mono_seconds();
  const bool new_model = !key.empty() && !models_.count(key);
  if (!file_ || bytes_ >= config_.max_bytes || now - opened_at_ >= config_.max_seconds || new_model) {
    std::set<std::string> models = (file_ && !new_model) ? models_ : std::set<std::string>{};
    // Carry the models already seen into a size/time rotation; a new model starts a header that
    // lists the models of the records still to come, beginning with this one.
    if (new_model) models = models_, models.insert(key);
    if (file_ && config_.fsync == FsyncPolicy::kOnRotate) result.fsync_seconds = sync();
    open_new(models);
    result.rotated = true;
  }
  const std::vector<uint8_t> body = pack_message(m);
  const uint32_t len = uint32_t(body.size()), crc = crc32c(body.data(), body.size());
  write_all(file_, &len, 4, path_);
  write_all(file_, &crc, 4, path_);
  write_all(file_, body.data(), body.size(), path_);
  bytes_ += 8 + body.size();
  dirty_ = true;
  result.bytes = 8 + body.size();
  if (config_.fsync == FsyncPolicy::kEveryRecord ||
      (config_.fsync == FsyncPolicy::kInterval && now - last_sync_ >= config_.fsync_interval_s))
    result.fsync_seconds = sync();
  return result;
}

double SegmentWriter::sync() {
  if (!file_ || !dirty_) return 0;
  const double t0 = mono_seconds();
  if (std::fflush(file_) != 0) throw StorageError("flush of '" + path_ + "' failed: " + std::strerror(errno));
  if (config_.fsync != FsyncPolicy::kNever && ::fsync(fileno(file_)) != 0)
    throw StorageError("fsync of '" + path_ + "' failed: " + std::strerror(errno));
  dirty_ = false;
  last_sync_ = mono_seconds();
  return last_sync_ - t0;
}

void SegmentWriter::close() {
  if (!file_) return;
  sync();
  std::fclose(file_);
  file_ = nullptr;
}

SegmentReader::SegmentReader(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw StorageError("cannot open segment '" + path + "': " + std::strerror(errno));
  char magic[8];
  uint32_t len = 0, crc = 0;
  if (!read_exact(file_, magic, 8) || std::memcmp(magic, kMagic, 8) != 0)
    throw StorageError("'" + path + "' is not a daqz segment (bad magic)");
  if (!read_exact(file_, &len, 4) || len > (1u << 20)) throw StorageError("'" + path + "' has a bad header length");
  std::string text(len, '\0');
  if (!read_exact(file_, text.data(), len) || !read_exact(file_, &crc, 4) || crc != crc32c(text.data(), len))
    throw StorageError("'" + path + "' header is truncated or fails its CRC");
  try {
    header_ = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw StorageError("'" + path + "' header is not JSON: " + e.what());
  }
  good_bytes_ = 16 + len;
}

SegmentReader::~SegmentReader() {
  if (file_) std::fclose(file_);
}

std::optional<Message> SegmentReader::next() {
  if (tail_ != TailStatus::kClean) return std::nullopt;
  uint32_t len = 0, crc = 0;
  const size_t got = std::fread(&len, 1, 4, file_);
  if (got == 0 && std::feof(file_)) return std::nullopt;  // clean end
  if (got != 4 || !read_exact(file_, &crc, 4)) {
    tail_ = TailStatus::kTorn;
    return std::nullopt;
  }
  if (len > kMaxRecordBytes) {
    tail_ = TailStatus::kCorrupt;
    return std::nullopt;
  }
  std::vector<uint8_t> body(len);
  if (!read_exact(file_, body.data(), len)) {
    tail_ = TailStatus::kTorn;
    return std::nullopt;
  }
  if (crc32c(body.data(), len) != crc) {
    tail_ = TailStatus::kCorrupt;
    return std::nullopt;
  }
  try {
    ValidationLimits limits;
    limits.max_payload_bytes = kMaxRecordBytes;
    Message m = unpack_message(body.data(), body.size(), limits);
    good_bytes_ += 8 + len;
    return m;
  } catch (const ValidationError&) {
    tail_ = TailStatus::kCorrupt;
    return std::nullopt;
  }
}

RecoveryReport recover_segment(const std::string& path) {
  RecoveryReport report;
  report.path = path;
  uint64_t keep = 0;
  {
    SegmentReader r(path);
    while (r.next()) ++report.records;
    report.tail = r.tail_status();
    keep = r.good_bytes();
  }
  const uint64_t size = fs::file_size(path);
  if (size > keep) {
    fs::resize_file(path, keep);
    report.truncated_bytes = size - keep;
  }
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
