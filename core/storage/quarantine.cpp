#include "storage/quarantine.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "base/crc32c.h"
#include "wire/message.h"

namespace daqz {
namespace {
constexpr uint32_t kMagic = 0x31515144;  // "DQQ1"

template <typename T>
void put(std::vector<uint8_t>& out, T v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}
}  // namespace

QuarantineWriter::QuarantineWriter(std::string path, uint64_t max_bytes)
    : path_(std::move(path)), max_bytes_(max_bytes) {
  const auto parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  file_ = std::fopen(path_.c_str(), "ab");
  if (!file_) throw std::runtime_error("cannot open quarantine file '" + path_ + "': " + std::strerror(errno));
  bytes_ = uint64_t(std::ftell(file_));
}

QuarantineWriter::~QuarantineWriter() {
  if (file_) std::fclose(file_);
}

bool QuarantineWriter::write(RejectReason reason, const std::string& text, const std::vector<uint8_t>& raw) {
  std::vector<uint8_t> e;
  const std::string t = text.substr(0, 4096);
  put<uint32_t>(e, kMagic);
  put<uint64_t>(e, now_ns());
  put<uint16_t>(e, uint16_t(reason));
  put<uint16_t>(e, uint16_t(t.size()));
  e.insert(e.end(), t.begin(), t.end());
  put<uint32_t>(e, uint32_t(raw.size()));
  e.insert(e.end(), raw.begin(), raw.end());
  put<uint32_t>(e, crc32c(e.data(), e.size()));
  std::lock_guard<std::mutex> lock(mu_);
  if (bytes_ + e.size() > max_bytes_) return false;
  if (std::fwrite(e.data(), 1, e.size(), file_) != e.size()) return false;
  std::fflush(file_);
  bytes_ += e.size();
  return true;
}

std::vector<QuarantineEntry> read_quarantine(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open quarantine file '" + path + "'");
  const std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<QuarantineEntry> out;
  size_t p = 0;
  auto get = [&](auto& v) {
    if (p + sizeof(v) > b.size()) return false;
    std::memcpy(&v, b.data() + p, sizeof(v));
    p += sizeof(v);
    return true;
  };
  while (p < b.size()) {
    const size_t start = p;
    uint32_t magic, raw_len, crc;
    uint16_t reason, text_len;
    QuarantineEntry e;
    if (!get(magic) || magic != kMagic || !get(e.unix_ns) || !get(reason) || !get(text_len)) break;
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
  }
  return out;
}

}  // namespace daqz
