// Quantised, entropy-coded latents: the payload of a BCAE record with `bits=K`.
//
//   std::vector<uint8_t> payload = encode_latent(code.data(), channels, per_channel, tables, 6);
//   std::vector<float> back = decode_latent(payload.data(), payload.size(), tables, channels, per_channel);
//
// Payload layout: u8 format (1), u8 bits, varint channels, varint values per channel, then per channel
// f32 lo and f32 step (IEEE little-endian), then the rANS stream of the quantised levels, channel by
// channel, each with its K-bit table (symbol_stream.h; out-of-grid levels are escaped, not clipped).
// Dequantisation uses the grid in the payload: value = lo + step * q.
//
// Free functions; decode_latent calls tables.prepare_decoding(K) (not thread-safe on a shared
// LatentTables). Errors: EntropyCodeError for malformed payloads, non-finite latents, a K without
// tables, or a shape that does not match.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/latent_tables.h"

namespace daqz {

inline constexpr uint8_t kLatentPayloadFormat = 1;

// Nearest grid level of each value (channel-major), unbounded (may lie outside 0..2^K-1).
void quantize_latent(const float* latent, size_t channels, size_t per_channel, const LatentGrid& grid,
                     uint32_t bits, int32_t* levels);

std::vector<uint8_t> encode_latent(const float* latent, size_t channels, size_t per_channel,
                                   const LatentTables& tables, uint32_t bits);

std::vector<float> decode_latent(const uint8_t* data, size_t size, LatentTables& tables, size_t channels,
                                 size_t per_channel);

// The K of a payload without decoding it (throws EntropyCodeError when too short or unknown format).
uint32_t latent_payload_bits(const uint8_t* data, size_t size);

}  // namespace daqz
