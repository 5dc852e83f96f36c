#include "codec/latent_tables.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include "codec/latent_coder.h"
#include "base/sha256.h"
#include "base/varint.h"

namespace daqz {
namespace {

constexpr char kMagic[4] = {'D', 'Q', 'L', 'T'};
constexpr uint8_t kVersion = 1;
constexpr size_t kMaxChannels = 1 << 16;

void put_f32(std::vector<uint8_t>& out, float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(u >> (8 * i)));
}

float get_f32(const uint8_t* data, size_t size, size_t* pos) {
  if (size - *pos < 4) throw EntropyCodeError("latent tables are truncated (grid)");
  uint32_t u = 0;
  for (int i = 0; i < 4; ++i) u |= uint32_t(data[*pos + i]) << (8 * i);
  *pos += 4;
  float v;
  std::memcpy(&v, &u, 4);
  return v;
}

uint64_t get_varint(const uint8_t* data, size_t size, size_t* pos) {
  VarintReader r(data + *pos, size - *pos);
  try {
    const uint64_t v = r.next();
    *pos = size - r.remaining();
    return v;
  } catch (const std::out_of_range& e) {
    throw EntropyCodeError(std::string("latent tables: ") + e.what());
  }
}

void check_bits(uint32_t bits) {
  if (bits < kMinLatentBits || bits > kMaxLatentBits)
    throw EntropyCodeError("latent quantisation of " + std::to_string(bits) + " bits is outside " +
                           std::to_string(kMinLatentBits) + ".." + std::to_string(kMaxLatentBits));
}

void check_grid(const LatentGrid& g) {
  if (g.lo.size() != g.hi.size() || g.lo.empty())
    throw EntropyCodeError("latent grid needs the same number (>= 1) of lo and hi values");
  for (size_t c = 0; c < g.lo.size(); ++c)
    if (!std::isfinite(g.lo[c]) || !std::isfinite(g.hi[c]) || !(g.hi[c] > g.lo[c]))
      throw EntropyCodeError("latent grid channel " + std::to_string(c) + " has lo " + std::to_string(g.lo[c]) +
                             ", hi " + std::to_string(g.hi[c]) + " (needs finite lo < hi)");
}

}  // namespace

uint32_t latent_table_scale_bits(uint32_t bits) { return std::clamp<uint32_t>(bits + 5, 12, 15); }

float LatentGrid::step(size_t channel, uint32_t bits) const {
  return (hi[channel] - lo[channel]) / float((1u << bits) - 1);
}

LatentGrid fit_latent_grid(std::vector<std::vector<float>>& samples, double tail_fraction) {
  if (!(tail_fraction >= 0 && tail_fraction < 0.5))
    throw std::invalid_argument("latent grid: tail fraction must be in [0, 0.5)");
  LatentGrid g;
  for (size_t c = 0; c < samples.size(); ++c) {
    auto& v = samples[c];
    if (v.empty()) throw std::invalid_argument("latent grid: channel " + std::to_string(c) + " has no samples");
    const size_t k = size_t(std::floor(tail_fraction * double(v.size() - 1)));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    const float lo = v[k];
    std::nth_element(v.begin(), v.begin() + (v.size() - 1 - k), v.end());
    const float hi = v[v.size() - 1 - k];
    if (!(hi > lo))
      throw std::invalid_argument("latent grid: channel " + std::to_string(c) + " is constant (" +
                                  std::to_string(lo) + ") over its samples");
    g.lo.push_back(lo);
    g.hi.push_back(hi);
  }
  return g;
}

LatentTables::LatentTables(LatentGrid grid, std::map<uint32_t, std::vector<FrequencyTable>> by_bits)
    : grid_(std::move(grid)), by_bits_(std::move(by_bits)) {
  check_grid(grid_);
  for (const auto& [bits, tables] : by_bits_) {
    check_bits(bits);
    if (tables.size() != grid_.channels())
      throw EntropyCodeError("latent tables for " + std::to_string(bits) + " bits have " +
                             std::to_string(tables.size()) + " channels, the grid " +
                             std::to_string(grid_.channels()));
    for (const auto& t : tables)
      if (t.symbols() != (size_t(1) << bits) + 1)
        throw EntropyCodeError("a " + std::to_string(bits) + "-bit latent table has " + std::to_string(t.symbols()) +
                               " symbols, expected " + std::to_string((1u << bits) + 1) + " (levels + escape)");
  }
}

std::vector<uint32_t> LatentTables::bits_available() const {
  std::vector<uint32_t> out;
  for (const auto& e : by_bits_) out.push_back(e.first);
  return out;
}

const std::vector<FrequencyTable>& LatentTables::for_bits(uint32_t bits) const {
  auto it = by_bits_.find(bits);
  if (it == by_bits_.end()) {
    std::string have;
    for (uint32_t b : bits_available()) have += (have.empty() ? "" : ", ") + std::to_string(b);
    throw EntropyCodeError("no latent tables for " + std::to_string(bits) + " bits (have: " +
                           (have.empty() ? "none" : have) + ")");
  }
  return it->second;
}

void LatentTables::prepare_decoding(uint32_t bits) {
  for_bits(bits);  // throws when missing
  for (auto& t : by_bits_[bits]) t.prepare_decoding();
}

size_t LatentTables::memory_bytes() const {
  size_t n = sizeof(*this) + grid_.lo.capacity() * 8;
  for (const auto& e : by_bits_)
    for (const auto& t : e.second) n += t.memory_bytes();
  return n;
}

std::vector<uint8_t> LatentTables::serialize() const {
  std::vector<uint8_t> out(kMagic, kMagic + 4);
  out.push_back(kVersion);
  put_varint(out, grid_.channels());
  for (size_t c = 0; c < grid_.channels(); ++c) {
    put_f32(out, grid_.lo[c]);
    put_f32(out, grid_.hi[c]);
  }
  put_varint(out, by_bits_.size());
  for (const auto& [bits, tables] : by_bits_) {
    out.push_back(uint8_t(bits));
    for (const auto& t : tables) t.serialize(out);
  }
  return out;
}

LatentTables LatentTables::deserialize(const uint8_t* data, size_t size) {
  if (size < 5 || std::memcmp(data, kMagic, 4) != 0) throw EntropyCodeError("not a latent tables file (magic)");
  if (data[4] != kVersion) throw EntropyCodeError("latent tables version " + std::to_string(data[4]) + " unknown");
  size_t pos = 5;
  const uint64_t channels = get_varint(data, size, &pos);
  if (channels == 0 || channels > kMaxChannels)
    throw EntropyCodeError("latent tables declare " + std::to_string(channels) + " channels");
  LatentGrid grid;
  for (uint64_t c = 0; c < channels; ++c) {
    grid.lo.push_back(get_f32(data, size, &pos));
    grid.hi.push_back(get_f32(data, size, &pos));
  }
  const uint64_t settings = get_varint(data, size, &pos);
  if (settings > kMaxLatentBits) throw EntropyCodeError("latent tables declare " + std::to_string(settings) + " settings");
  std::map<uint32_t, std::vector<FrequencyTable>> by_bits;
  for (uint64_t s = 0; s < settings; ++s) {
    if (pos >= size) throw EntropyCodeError("latent tables are truncated (settings)");
    const uint32_t bits = data[pos++];
    check_bits(bits);
    if (by_bits.count(bits)) throw EntropyCodeError("latent tables hold " + std::to_string(bits) + " bits twice");
    auto& tables = by_bits[bits];
    for (uint64_t c = 0; c < channels; ++c) tables.push_back(FrequencyTable::deserialize(data, size, &pos));
  }
  if (pos != size) throw EntropyCodeError(std::to_string(size - pos) + " trailing bytes after the latent tables");
  return LatentTables(std::move(grid), std::move(by_bits));
}

LatentTables LatentTables::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw EntropyCodeError("cannot read latent tables '" + path + "'");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return deserialize(bytes.data(), bytes.size());
  } catch (const EntropyCodeError& e) {
    throw EntropyCodeError("latent tables '" + path + "': " + e.what());
  }
}

std::string LatentTables::save(const std::string& path) const {
  const std::vector<uint8_t> bytes = serialize();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!out) throw EntropyCodeError("cannot write latent tables '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw EntropyCodeError("cannot rename '" + tmp + "' to '" + path + "'");
  return sha256_hex(bytes.data(), bytes.size());
}

std::string LatentTables::sha256() const {
  const std::vector<uint8_t> bytes = serialize();
  return sha256_hex(bytes.data(), bytes.size());
}

LatentTableFitter::LatentTableFitter(LatentGrid grid, std::vector<uint32_t> bits)
    : grid_(std::move(grid)), bits_(std::move(bits)) {
  check_grid(grid_);
  for (uint32_t b : bits_) {
    check_bits(b);
    counts_[b].assign(grid_.channels(), std::vector<uint64_t>((size_t(1) << b) + 1, 0));
  }
}

void LatentTableFitter::add(const float* latent, size_t channels, size_t per_channel) {
  if (channels != grid_.channels())
    throw EntropyCodeError("latent of " + std::to_string(channels) + " channels, grid of " +
                           std::to_string(grid_.channels()));
  std::vector<int32_t> levels(channels * per_channel);
  // Escapes are counted on the finest grid, where they are most frequent.
  const uint32_t finest = bits_.empty() ? 0 : *std::max_element(bits_.begin(), bits_.end());
  for (uint32_t b : bits_) {
    quantize_latent(latent, channels, per_channel, grid_, b, levels.data());
    auto& per_c = counts_[b];
    const int32_t levels_n = int32_t(1) << b;
    for (size_t c = 0; c < channels; ++c) {
      auto& h = per_c[c];
      for (size_t i = 0; i < per_channel; ++i) {
        const int32_t q = levels[c * per_channel + i];
        const bool inside = q >= 0 && q < levels_n;
        ++h[inside ? size_t(q) : size_t(levels_n)];
        if (b == finest) escapes_ += !inside;
      }
    }
  }
  values_ += channels * per_channel;
}

LatentTables LatentTableFitter::tables() const {
  std::map<uint32_t, std::vector<FrequencyTable>> by_bits;
  for (const auto& [b, per_c] : counts_)
    for (const auto& h : per_c) by_bits[b].push_back(FrequencyTable::from_counts(h, latent_table_scale_bits(b)));
  return LatentTables(grid_, std::move(by_bits));
}

double LatentTableFitter::escape_fraction() const { return values_ ? double(escapes_) / double(values_) : 0.0; }

}  // namespace daqz
