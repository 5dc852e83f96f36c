#include "codec/latent_coder.h"

#include <cmath>
#include <cstring>
#include <string>

#include "codec/symbol_stream.h"
#include "base/varint.h"

namespace daqz {
namespace {

// Levels are int32; anything further out than this cannot be escaped anyway (symbol_stream.h).
constexpr double kMaxLevelMagnitude = double(1 << 30);

void put_f32(std::vector<uint8_t>& out, float v) {
  uint32_t u;
  std::memcpy(&u, &v, 4);
  for (int i = 0; i < 4; ++i) out.push_back(uint8_t(u >> (8 * i)));
}

float get_f32(const uint8_t* p) {
  uint32_t u = 0;
  for (int i = 0; i < 4; ++i) u |= uint32_t(p[i]) << (8 * i);
  float v;
  std::memcpy(&v, &u, 4);
  return v;
}

}  // namespace

void quantize_latent(const float* latent, size_t channels, size_t per_channel, const LatentGrid& grid,
                     uint32_t bits, int32_t* levels) {
  for (size_t c = 0; c < channels; ++c) {
    const float lo = grid.lo[c];
    const float step = grid.step(c, bits);
    const float* in = latent + c * per_channel;
    int32_t* out = levels + c * per_channel;
    for (size_t i = 0; i < per_channel; ++i) {
      const double q = std::nearbyint((double(in[i]) - lo) / step);
      if (!(std::fabs(q) < kMaxLevelMagnitude))  // also catches NaN
        throw EntropyCodeError("latent value " + std::to_string(in[i]) + " of channel " + std::to_string(c) +
                               " cannot be quantised (non-finite or far outside the grid)");
      out[i] = int32_t(q);
    }
  }
}

std::vector<uint8_t> encode_latent(const float* latent, size_t channels, size_t per_channel,
                                   const LatentTables& tables, uint32_t bits) {
  const std::vector<FrequencyTable>& t = tables.for_bits(bits);
  const LatentGrid& grid = tables.grid();
  if (channels != grid.channels())
    throw EntropyCodeError("latent of " + std::to_string(channels) + " channels, tables of " +
                           std::to_string(grid.channels()));
  std::vector<int32_t> levels(channels * per_channel);
  quantize_latent(latent, channels, per_channel, grid, bits, levels.data());

  std::vector<uint8_t> out;
  out.push_back(kLatentPayloadFormat);
  out.push_back(uint8_t(bits));
  put_varint(out, channels);
  put_varint(out, per_channel);
  for (size_t c = 0; c < channels; ++c) {
    put_f32(out, grid.lo[c]);
    put_f32(out, grid.step(c, bits));
  }
  std::vector<SymbolSegment> segs;
  for (size_t c = 0; c < channels; ++c) segs.push_back({levels.data() + c * per_channel, per_channel, &t[c]});
  const std::vector<uint8_t> stream = encode_symbol_segments(segs);
  out.insert(out.end(), stream.begin(), stream.end());
  return out;
}

uint32_t latent_payload_bits(const uint8_t* data, size_t size) {
  if (size < 2) throw EntropyCodeError("latent payload of " + std::to_string(size) + " bytes is truncated");
  if (data[0] != kLatentPayloadFormat)
    throw EntropyCodeError("latent payload format " + std::to_string(data[0]) + " unknown");
  return data[1];
}

std::vector<float> decode_latent(const uint8_t* data, size_t size, LatentTables& tables, size_t channels,
                                 size_t per_channel) {
  const uint32_t bits = latent_payload_bits(data, size);
  VarintReader r(data + 2, size - 2);
  uint64_t got_channels = 0, got_per_channel = 0;
  try {
    got_channels = r.next();
    got_per_channel = r.next();
  } catch (const std::out_of_range& e) {
    throw EntropyCodeError(std::string("latent payload header: ") + e.what());
  }
  if (got_channels != channels || got_per_channel != per_channel)
    throw EntropyCodeError("latent payload is " + std::to_string(got_channels) + " x " +
                           std::to_string(got_per_channel) + ", expected " + std::to_string(channels) + " x " +
                           std::to_string(per_channel));
  size_t pos = size - r.remaining();
  if (size - pos < channels * 8) throw EntropyCodeError("latent payload is truncated (grid)");
  std::vector<float> lo(channels), step(channels);
  for (size_t c = 0; c < channels; ++c) {
    lo[c] = get_f32(data + pos);
    step[c] = get_f32(data + pos + 4);
    pos += 8;
    if (!std::isfinite(lo[c]) || !std::isfinite(step[c]) || !(step[c] > 0))
      throw EntropyCodeError("latent payload channel " + std::to_string(c) + " has a bad grid (lo " +
                             std::to_string(lo[c]) + ", step " + std::to_string(step[c]) + ")");
  }
  tables.prepare_decoding(bits);  // throws when K has no tables
  const std::vector<FrequencyTable>& t = tables.for_bits(bits);
  if (t.size() != channels)
    throw EntropyCodeError("tables have " + std::to_string(t.size()) + " channels, payload " + std::to_string(channels));
  std::vector<int32_t> levels(channels * per_channel);
  std::vector<SymbolSegmentOut> segs;
  for (size_t c = 0; c < channels; ++c) segs.push_back({levels.data() + c * per_channel, per_channel, &t[c]});
  decode_symbol_segments(data + pos, size - pos, segs);
  std::vector<float> out(levels.size());
  for (size_t c = 0; c < channels; ++c)
    for (size_t i = 0; i < per_channel; ++i)
      out[c * per_channel + i] = lo[c] + step[c] * float(levels[c * per_channel + i]);
  return out;
}

}  // namespace daqz
