#include "codec/symbol_stream.h"

#include <algorithm>
#include <string>

namespace daqz {
namespace {

uint32_t bit_length(uint32_t v) {
  uint32_t n = 0;
  while (v) {
    ++n;
    v >>= 1;
  }
  return n;
}

// Pushes value v (not coded directly by t) in reverse decoding order: magnitude chunks, length,
// side, then the escape symbol (which the decoder meets first).
void put_escaped(RansEncoder& enc, const FrequencyTable& t, int32_t v) {
  const bool above = v >= 0;
  const uint32_t esc = escape_symbol(t);
  const uint64_t d = above ? uint64_t(int64_t(v) - esc) : uint64_t(-1 - int64_t(v));
  if (d >> kEscapeMaxMagnitudeBits)
    throw EntropyCodeError("value " + std::to_string(v) + " is too far outside its table (escape magnitude " +
                           std::to_string(d) + " >= 2^" + std::to_string(kEscapeMaxMagnitudeBits) + ")");
  const uint32_t len = bit_length(uint32_t(d));
  // Magnitude in 16-bit chunks, low chunk decoded first.
  uint32_t chunks = (len + 15) / 16;
  for (uint32_t c = chunks; c-- > 0;) {
    const uint32_t bits = std::min<uint32_t>(16, len - 16 * c);
    enc.put_raw(uint32_t(d >> (16 * c)), bits);
  }
  enc.put_raw(len, kEscapeLengthBits);
  enc.put_raw(above ? 1 : 0, 1);
  enc.put(t, esc);
}

int32_t get_escaped(RansDecoder& dec, const FrequencyTable& t) {
  const bool above = dec.get_raw(1) != 0;
  const uint32_t len = dec.get_raw(kEscapeLengthBits);
  if (len > kEscapeMaxMagnitudeBits) throw EntropyCodeError("escape length " + std::to_string(len) + " (corrupted)");
  uint32_t d = 0;
  for (uint32_t c = 0; 16 * c < len; ++c) {
    const uint32_t bits = std::min<uint32_t>(16, len - 16 * c);
    d |= dec.get_raw(bits) << (16 * c);
  }
  const int64_t v = above ? int64_t(escape_symbol(t)) + d : -1 - int64_t(d);
  return int32_t(v);
}

}  // namespace

std::vector<uint8_t> encode_symbol_segments(const std::vector<SymbolSegment>& segments) {
  RansEncoder enc;
  for (size_t s = segments.size(); s-- > 0;) {
    const SymbolSegment& seg = segments[s];
    if (seg.count == 0) continue;
    const FrequencyTable& t = *seg.table;
    if (t.symbols() < 2) throw EntropyCodeError("a table with an escape needs at least 2 symbols");
    for (size_t i = seg.count; i-- > 0;) {
      const int32_t v = seg.values[i];
      if (codes_directly(t, v))
        enc.put(t, uint32_t(v));
      else
        put_escaped(enc, t, v);
    }
  }
  return enc.finish();
}

void decode_symbol_segments(const uint8_t* data, size_t size, const std::vector<SymbolSegmentOut>& segments) {
  RansDecoder dec(data, size);
  for (const SymbolSegmentOut& seg : segments) {
    if (seg.count == 0) continue;
    const FrequencyTable& t = *seg.table;
    if (!t.ready_for_decoding()) throw EntropyCodeError("table not prepared for decoding");
    if (t.symbols() < 2) throw EntropyCodeError("a table with an escape needs at least 2 symbols");
    const uint32_t esc = escape_symbol(t);
    // restrict: the output cannot alias the decoder state or the table, so they stay in registers.
    int32_t* __restrict out = seg.values;
    for (size_t i = 0; i < seg.count; ++i) {
      const uint32_t s = dec.get(t);
      out[i] = s == esc ? get_escaped(dec, t) : int32_t(s);
    }
  }
  dec.finish();
}

}  // namespace daqz
