#include "storage/quarantine.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "base/crc32c.h"
#include "wire/message.h"

namespace daqz {
namespace {

constexpr char kMagic[8] = {'D', 'A', 'Q', 'Z', 'Q', 'R', 'N', '1'};
constexpr uint32_t kLegacyEntryMagic = 0x31515144;  // "DQQ1", the first format's per-entry magic
constexpr size_t kMaxText = 4096;
constexpr size_t kFixedBytes = 8 + 2 + 2 + 4;  // unix_ns, reason, text_len, raw_len

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

bool plausible_entry(const uint8_t* head, size_t head_bytes, uint32_t body_len) {
  if (head_bytes < 12 || body_len < kFixedBytes) return false;
  uint16_t reason, text_len;
  std::memcpy(&reason, head + 8, 2);
  std::memcpy(&text_len, head + 10, 2);
  return reason < uint16_t(RejectReason::kCount) && text_len <= kMaxText && kFixedBytes + text_len <= body_len;
}

// Parses one record body; false if it is not an entry.
bool parse_entry(const std::vector<uint8_t>& b, QuarantineEntry& e) {
  if (b.size() < kFixedBytes) return false;
  uint16_t reason, text_len;
  uint32_t raw_len;
  std::memcpy(&e.unix_ns, b.data(), 8);
  std::memcpy(&reason, b.data() + 8, 2);
  std::memcpy(&text_len, b.data() + 10, 2);
  if (reason >= uint16_t(RejectReason::kCount) || kFixedBytes + text_len > b.size()) return false;
  std::memcpy(&raw_len, b.data() + 12 + text_len, 4);
  if (kFixedBytes + text_len + uint64_t(raw_len) != b.size()) return false;
  e.reason = RejectReason(reason);
  e.text.assign(reinterpret_cast<const char*>(b.data() + 12), text_len);
  e.raw.assign(b.begin() + long(kFixedBytes + text_len), b.end());
  return true;
}

// The first format: entries back to back, each with its own magic and trailing CRC; reading stops
// at the first damaged entry (that format cannot resynchronise).
std::vector<QuarantineEntry> read_legacy(const std::string& path, CorruptionReporter* reporter) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<QuarantineEntry> out;
  size_t p = 0;
  auto get = [&](auto& v) {
    if (p + sizeof(v) > b.size()) return false;
    std::memcpy(&v, b.data() + p, sizeof(v));
    p += sizeof(v);
    return true;
  };
  size_t start = 0;
  while (p < b.size()) {
    start = p;
    uint32_t magic, raw_len, crc;
    uint16_t reason, text_len;
    QuarantineEntry e;
    if (!get(magic) || magic != kLegacyEntryMagic || !get(e.unix_ns) || !get(reason) || !get(text_len)) break;
    if (p + text_len > b.size()) break;
    e.text.assign(reinterpret_cast<const char*>(b.data() + p), text_len);
    p += text_len;
    if (!get(raw_len) || p + raw_len > b.size()) break;
    e.raw.assign(b.begin() + long(p), b.begin() + long(p + raw_len));
    p += raw_len;
    const size_t covered = p - start;
    if (!get(crc) || crc != crc32c(b.data() + start, covered)) break;
    e.reason = RejectReason(reason);
    out.push_back(std::move(e));
    start = p;
  }
  if (start < b.size() && reporter)
    reporter->corruption(path, start, b.size() - start, "damaged or torn entry in a first-format quarantine file");
  return out;
}

std::string leading_bytes(FileSystem& fs, const std::string& path, uint64_t* size) {
  auto f = fs.open_read(path);
  *size = f->size();
  std::string head(8, '\0');
  head.resize(f->read(head.data(), 8));
  return head;
}

}  // namespace

QuarantineWriter::QuarantineWriter(std::string path, uint64_t max_bytes, FileSystem* fs)
    : path_(std::move(path)), max_bytes_(max_bytes), fs_(fs ? *fs : posix_file_system()) {
  open();
}

QuarantineWriter::~QuarantineWriter() {
  if (file_) file_->close();
}

void QuarantineWriter::open() {
  log_.reset();
  if (file_) file_->close();
  file_.reset();
  const auto parent = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) throw StorageError("cannot create the folder of quarantine file '" + path_ + "': " + ec.message());
  uint64_t size = 0;
  std::string head;
  if (std::filesystem::exists(path_)) head = leading_bytes(fs_, path_, &size);
  const bool ours = head.size() == 8 && std::memcmp(head.data(), kMagic, 8) == 0;
  const bool torn_magic = size < 8 && std::memcmp(head.data(), kMagic, head.size()) == 0;
  if (ours) {
    // Cut a torn last entry (the previous writer died mid-append) so new entries follow whole ones.
    uint64_t cut = size;
    {
      auto in = fs_.open_read(path_);
      RecordLogReaderOptions o;
      o.start_offset = 8;
      o.plausible = plausible_entry;
      RecordLogReader r(*in, o);
      std::vector<uint8_t> body;
      while (r.read(body)) {
      }
      if (r.tail() == TailStatus::kTorn) cut = r.tail_offset();
    }
    file_ = fs_.open_append(path_);
    if (cut < size) {
      spdlog::warn("quarantine file '{}': cut a torn last entry of {} bytes", path_, size - cut);
      file_->truncate(cut);
    }
  } else {
    if (size > 0 && !torn_magic) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
      const std::string aside = path_ + "." + std::to_string(ms) + ".old";
      fs_.rename(path_, aside);
      spdlog::warn("quarantine file '{}' is in the first format; moved to '{}' (still readable)", path_, aside);
    }
    file_ = fs_.create(path_);
    file_->append(kMagic, sizeof(kMagic));
    file_->sync();
    fs_.sync_dir(parent.empty() ? "." : parent.string());
  }
  log_ = std::make_unique<RecordLogWriter>(*file_);
}

bool QuarantineWriter::write(RejectReason reason, const std::string& text, const std::vector<uint8_t>& raw) {
  std::vector<uint8_t> body;
  const std::string t = text.substr(0, kMaxText);
  body.reserve(kFixedBytes + t.size() + raw.size());
  put<uint64_t>(body, now_ns());
  put<uint16_t>(body, uint16_t(reason));
  put<uint16_t>(body, uint16_t(t.size()));
  body.insert(body.end(), t.begin(), t.end());
  put<uint32_t>(body, uint32_t(raw.size()));
  body.insert(body.end(), raw.begin(), raw.end());
  std::lock_guard<std::mutex> lock(mu_);
  try {
    if (!log_ || log_->broken()) open();  // a failed roll-back sealed the old handle: start clean
    if (log_->end() + kRecordHeaderBytes + body.size() > max_bytes_) return false;
    log_->append(body);
  } catch (const StorageError& e) {
    spdlog::error("quarantine file '{}': entry not kept: {}", path_, e.what());
    return false;
  }
  return true;
}

std::vector<QuarantineEntry> read_quarantine(const std::string& path, CorruptionReporter* reporter) {
  FileSystem& fs = posix_file_system();
  uint64_t size = 0;
  const std::string head = leading_bytes(fs, path, &size);
  if (size == 0) return {};
  uint32_t first = 0;
  if (head.size() >= 4) std::memcpy(&first, head.data(), 4);
  if (first == kLegacyEntryMagic) return read_legacy(path, reporter);
  if (head.size() < 8 || std::memcmp(head.data(), kMagic, 8) != 0) {
    if (std::memcmp(head.data(), kMagic, head.size()) == 0) return {};  // torn while being created
    throw StorageError("'" + path + "' is not a daqz quarantine file");
  }
  auto in = fs.open_read(path);
  RecordLogReaderOptions o;
  o.start_offset = 8;
  o.plausible = plausible_entry;
  RecordLogReader r(*in, o, reporter);
  std::vector<QuarantineEntry> out;
  std::vector<uint8_t> body;
  while (r.read(body)) {
    QuarantineEntry e;
    if (parse_entry(body, e)) out.push_back(std::move(e));
    else if (reporter) reporter->corruption(path, r.record_offset(), kRecordHeaderBytes + body.size(),
                                            "record CRC is valid but it is not a quarantine entry");
  }
  return out;
}

}  // namespace daqz
