// rANS entropy coding with static frequency tables (Duda's asymmetric numeral systems, the byte-wise
// variant with a 32-bit state). Integer arithmetic only, so a stream decodes bit-exactly on every
// machine; no third-party code.
//
//   FrequencyTable t = FrequencyTable::from_counts({900, 90, 9, 1}, /*scale_bits=*/12);
//   RansEncoder enc;                                  // symbols go in REVERSE decode order
//   for (size_t i = n; i-- > 0;) enc.put(t, sym[i]);
//   std::vector<uint8_t> bytes = enc.finish();
//   t.prepare_decoding();
//   RansDecoder dec(bytes.data(), bytes.size());      // throws EntropyCodeError (too short)
//   for (size_t i = 0; i < n; ++i) sym[i] = dec.get(t);
//   dec.finish();                                     // throws unless the stream ended exactly
//
// Why the end check matters: a corrupted or truncated stream decodes to *some* symbols; the decoder
// throws when it would read past the end, and finish() verifies that every byte was consumed and the
// state returned to its initial value, which a damaged stream almost never does.
//
// Thread-safety: FrequencyTable is immutable after prepare_decoding() (const methods are safe to
// share); encoders and decoders are single-threaded values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/codec.h"

namespace daqz {

// A malformed, truncated or corrupted entropy-coded stream or table. Not retryable.
struct EntropyCodeError : CodecError {
  explicit EntropyCodeError(const std::string& what) : CodecError("entropy coding: " + what) {}
};

// Bounds of the tables this coder accepts: the state arithmetic needs scale_bits <= 16; 4096
// symbols covers 10-bit quantisation plus an escape symbol with room to spare.
inline constexpr uint32_t kRansMinScaleBits = 8;
inline constexpr uint32_t kRansMaxScaleBits = 16;
inline constexpr size_t kRansMaxSymbols = 4096;

// Symbol frequencies summing to 2^scale_bits, every symbol >= 1 (so each one stays codable).
class FrequencyTable {
 public:
  FrequencyTable() = default;
  // Quantises empirical counts: freq_i = 1 + floor(count_i * spare / total), then the remaining slots
  // go to the largest remainders (ties: lower index). Deterministic integer arithmetic. Throws
  // EntropyCodeError for an empty alphabet, too many symbols or a bad scale.
  static FrequencyTable from_counts(const std::vector<uint64_t>& counts, uint32_t scale_bits);
  // Takes frequencies as they are; throws EntropyCodeError unless they are all >= 1 and sum to
  // 2^scale_bits.
  static FrequencyTable from_frequencies(std::vector<uint32_t> freqs, uint32_t scale_bits);

  size_t symbols() const { return freq_.size(); }
  uint32_t scale_bits() const { return scale_bits_; }
  uint32_t freq(uint32_t s) const { return freq_[s]; }
  uint32_t start(uint32_t s) const { return start_[s]; }
  const std::vector<uint32_t>& frequencies() const { return freq_; }
  // Ideal code length of symbol s in bits, -log2(freq / 2^scale_bits).
  double cost_bits(uint32_t s) const;

  // One decoding-index entry per slot: the symbol owning the slot with its frequency and start, packed
  // together so that decoding a symbol touches one 8-byte entry.
  struct SlotEntry {
    uint16_t symbol;
    uint16_t freq_minus_1;  // frequencies reach 2^16 only for a one-symbol table at scale 16
    uint32_t start;
  };
  // Builds the slot -> symbol index the decoder needs (2^scale_bits entries of 8 bytes). Idempotent.
  void prepare_decoding();
  bool ready_for_decoding() const { return !slot_symbol_.empty(); }
  const SlotEntry& entry_at_slot(uint32_t slot) const { return slot_symbol_[slot]; }
  size_t memory_bytes() const;

  // Layout: u8 scale_bits, varint symbol count, varint frequency per symbol.
  void serialize(std::vector<uint8_t>& out) const;
  // Reads one table from data[*pos...size), advancing *pos. Throws EntropyCodeError.
  static FrequencyTable deserialize(const uint8_t* data, size_t size, size_t* pos);

  bool operator==(const FrequencyTable& o) const { return scale_bits_ == o.scale_bits_ && freq_ == o.freq_; }

 private:
  uint32_t scale_bits_ = 0;
  std::vector<uint32_t> freq_;
  std::vector<uint32_t> start_;          // cumulative, symbols() + 1 entries
  std::vector<SlotEntry> slot_symbol_;   // decoding index, empty until prepare_decoding()
};

class RansEncoder {
 public:
  // Pushes symbol s of table t. Symbols must be pushed in reverse of the order they are decoded.
  void put(const FrequencyTable& t, uint32_t s);
  // Pushes `bits` (1..16) raw bits of value (uniform, no table).
  void put_raw(uint32_t value, uint32_t bits);
  // Flushes the state; returns the stream in decoding order. The encoder is reset.
  std::vector<uint8_t> finish();

 private:
  void put_interval(uint32_t start, uint32_t freq, uint32_t scale_bits);
  uint32_t x_ = kInitialState;
  std::vector<uint8_t> reversed_;

 public:
  static constexpr uint32_t kInitialState = 1u << 23;  // the lower bound L of the normalised state
};

class RansDecoder {
 public:
  // Throws EntropyCodeError when the stream is shorter than its 4-byte state.
  RansDecoder(const uint8_t* data, size_t size);
  // Decodes one symbol of t (t.prepare_decoding() must have run). Throws on truncation.
  // Inline: it is the decoder's whole inner loop (tens of thousands of calls per wedge).
  uint32_t get(const FrequencyTable& t) {
    const uint32_t scale = t.scale_bits();
    const uint32_t slot = x_ & ((1u << scale) - 1);
    const FrequencyTable::SlotEntry& e = t.entry_at_slot(slot);
    x_ = (uint32_t(e.freq_minus_1) + 1) * (x_ >> scale) + slot - e.start;
    if (x_ < RansEncoder::kInitialState) renormalise();
    return e.symbol;
  }
  uint32_t get_raw(uint32_t bits);
  // Throws EntropyCodeError unless every byte was consumed and the state is back at its start.
  void finish() const;

 private:
  void renormalise();
  uint32_t x_ = 0;
  const uint8_t* p_;
  const uint8_t* end_;
};

}  // namespace daqz
