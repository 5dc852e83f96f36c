// The quantisation grid and rANS frequency tables of one model's latent, fitted on training data and
// stored in the model directory (latent_tables.bin; its SHA-256 is in the model card and in every
// record coded with it).
//
// Why a fixed grid (per channel lo/hi from training data) and not each record's own min/max: a static
// frequency table describes symbols, and a symbol only means the same value in every record when the
// grid is the same. The BCAE code ends in an instance normalisation, so each channel's range is nearly
// the same from wedge to wedge and a fixed grid loses little; values outside it are not clipped but
// escaped exactly (symbol_stream.h). Records still carry their grid (lo, step per channel), so the
// dequantisation never depends on a file.
//
// bits = K: channel c has 2^K levels lo_c + q * step_c, step_c = (hi_c - lo_c) / (2^K - 1), q in
// 0..2^K-1, and a table of 2^K + 1 symbols (the last one the escape).
//
//   LatentTableFitter fit(grid, {2, 3, ..., 10});
//   for (...) fit.add(latent.data(), channels, per_channel);
//   LatentTables t = fit.tables();
//   t.save("deploy/models/x/latent_tables.bin");                 // returns the SHA-256
//   LatentTables u = LatentTables::load(path);                    // throws EntropyCodeError
//
// Thread-safety: const methods are safe to share once prepare_decoding(K) ran; not otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "codec/rans.h"

namespace daqz {

inline constexpr uint32_t kMinLatentBits = 2;
inline constexpr uint32_t kMaxLatentBits = 10;
inline constexpr char kLatentTablesFile[] = "latent_tables.bin";

// rANS scale for K-bit tables: 2^(K+5) slots give every level room for a few slots' precision while
// keeping the decoding index small (K 2..7 -> 4096 slots, 8 -> 8192, 9 and 10 -> 32768 at most).
uint32_t latent_table_scale_bits(uint32_t bits);

struct LatentGrid {
  std::vector<float> lo, hi;  // per channel, hi > lo
  size_t channels() const { return lo.size(); }
  float step(size_t channel, uint32_t bits) const;
  bool operator==(const LatentGrid& o) const { return lo == o.lo && hi == o.hi; }
};

// Per channel: lo/hi = the tail_fraction and 1 - tail_fraction quantiles of the samples (0 = min/max).
// samples[c] holds channel c's values (reordered in place). Throws std::invalid_argument when a
// channel has no samples or a constant value.
LatentGrid fit_latent_grid(std::vector<std::vector<float>>& samples, double tail_fraction);

class LatentTables {
 public:
  LatentTables() = default;
  LatentTables(LatentGrid grid, std::map<uint32_t, std::vector<FrequencyTable>> by_bits);

  const LatentGrid& grid() const { return grid_; }
  std::vector<uint32_t> bits_available() const;
  bool has_bits(uint32_t bits) const { return by_bits_.count(bits) != 0; }
  // Per-channel tables for K bits; throws CodecError naming the settings available.
  const std::vector<FrequencyTable>& for_bits(uint32_t bits) const;
  // Builds the decoding indexes of the K-bit tables (lazily, so an instance that decodes one K holds
  // only that K's indexes). Not thread-safe.
  void prepare_decoding(uint32_t bits);
  size_t memory_bytes() const;

  // Layout: "DQLT", u8 version 1, varint channels, per channel f32 lo, f32 hi (IEEE little-endian),
  // varint settings, per setting u8 bits and one FrequencyTable per channel.
  std::vector<uint8_t> serialize() const;
  static LatentTables deserialize(const uint8_t* data, size_t size);  // throws EntropyCodeError
  static LatentTables load(const std::string& path);                  // + unreadable file
  std::string save(const std::string& path) const;                    // returns the SHA-256 hex
  std::string sha256() const;

 private:
  LatentGrid grid_;
  std::map<uint32_t, std::vector<FrequencyTable>> by_bits_;
};

// Histograms of quantised latents on a fixed grid, for several K at once.
class LatentTableFitter {
 public:
  LatentTableFitter(LatentGrid grid, std::vector<uint32_t> bits);
  // latent: channels x per_channel floats, channel-major (the BCAE code's C order).
  void add(const float* latent, size_t channels, size_t per_channel);
  LatentTables tables() const;
  // Fraction of values that fell outside the grid (escapes) at the largest K, over everything added.
  double escape_fraction() const;

 private:
  LatentGrid grid_;
  std::vector<uint32_t> bits_;
  std::map<uint32_t, std::vector<std::vector<uint64_t>>> counts_;  // bits -> channel -> level (+escape)
  uint64_t values_ = 0, escapes_ = 0;
};

}  // namespace daqz
