// Integer symbol streams over static rANS tables, with an escape path for values a table does not
// cover. A stream is a list of segments, each with its own table (e.g. one per latent channel).
//
// A table of n symbols codes the values 0..n-2 directly; symbol n-1 is the ESCAPE. Any other int32
// value v is coded as ESCAPE followed by raw bits: 1 bit side (0: below 0, 1: above n-2), 5 bits
// length L, then the L-bit magnitude d (v = -1 - d below, v = n-1 + d above). |d| < 2^24.
//
//   std::vector<SymbolSegment> segs = {{q.data(), q.size(), &table}};
//   std::vector<uint8_t> bytes = encode_symbol_segments(segs);       // throws EntropyCodeError
//   std::vector<int32_t> back(q.size());
//   decode_symbol_segments(bytes.data(), bytes.size(), {{back.data(), back.size(), &table}});
//
// Decoding needs table.prepare_decoding() first. Free functions, thread-safe for distinct outputs.
// Errors (EntropyCodeError): an escape too large to code, a truncated or corrupted stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/rans.h"

namespace daqz {

inline constexpr uint32_t kEscapeLengthBits = 5;
inline constexpr uint32_t kEscapeMaxMagnitudeBits = 24;

struct SymbolSegment {
  const int32_t* values;
  size_t count;
  const FrequencyTable* table;
};

struct SymbolSegmentOut {
  int32_t* values;
  size_t count;
  const FrequencyTable* table;
};

std::vector<uint8_t> encode_symbol_segments(const std::vector<SymbolSegment>& segments);
void decode_symbol_segments(const uint8_t* data, size_t size, const std::vector<SymbolSegmentOut>& segments);

// The escape symbol of a table and whether v is coded directly by it.
inline uint32_t escape_symbol(const FrequencyTable& t) { return uint32_t(t.symbols() - 1); }
inline bool codes_directly(const FrequencyTable& t, int32_t v) { return v >= 0 && uint32_t(v) < escape_symbol(t); }

}  // namespace daqz
