#include "codec/rans.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "base/varint.h"

namespace daqz {
namespace {

constexpr uint32_t kStateLow = RansEncoder::kInitialState;

void check_scale(uint32_t scale_bits) {
  if (scale_bits < kRansMinScaleBits || scale_bits > kRansMaxScaleBits)
    throw EntropyCodeError("frequency table scale of " + std::to_string(scale_bits) + " bits is outside " +
                           std::to_string(kRansMinScaleBits) + ".." + std::to_string(kRansMaxScaleBits));
}

void check_alphabet(size_t n, uint32_t scale_bits) {
  if (n == 0) throw EntropyCodeError("frequency table with no symbols");
  if (n > kRansMaxSymbols || n > (size_t(1) << scale_bits))
    throw EntropyCodeError("frequency table of " + std::to_string(n) + " symbols does not fit a " +
                           std::to_string(scale_bits) + "-bit scale (at most " + std::to_string(kRansMaxSymbols) +
                           " symbols, each needing a slot)");
}

}  // namespace

FrequencyTable FrequencyTable::from_counts(const std::vector<uint64_t>& counts, uint32_t scale_bits) {
  check_scale(scale_bits);
  check_alphabet(counts.size(), scale_bits);
  const uint64_t total_slots = uint64_t(1) << scale_bits;
  const uint64_t spare = total_slots - counts.size();  // slots left after the one every symbol gets
  // Counts are scaled down when their sum could overflow count * spare in 64 bits.
  uint64_t total = 0;
  for (uint64_t c : counts) total += std::min<uint64_t>(c, uint64_t(1) << 40);
  std::vector<uint64_t> c(counts.size());
  for (size_t i = 0; i < counts.size(); ++i) c[i] = std::min<uint64_t>(counts[i], uint64_t(1) << 40);
  while (total >= (uint64_t(1) << 46)) {
    total = 0;
    for (auto& v : c) total += (v >>= 1);
  }
  std::vector<uint32_t> freq(counts.size(), 1);
  if (total == 0) {
    // No data: spread the slots evenly (lower indices get the remainder).
    for (size_t i = 0; i < freq.size(); ++i) freq[i] += uint32_t(spare / freq.size() + (i < spare % freq.size()));
    return from_frequencies(std::move(freq), scale_bits);
  }
  std::vector<uint64_t> remainder(counts.size());
  uint64_t used = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const uint64_t scaled = c[i] * spare;
    freq[i] += uint32_t(scaled / total);
    remainder[i] = scaled % total;
    used += scaled / total;
  }
  std::vector<size_t> order(counts.size());
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
  for (uint64_t k = 0; used + k < spare; ++k) ++freq[order[k % order.size()]];
  return from_frequencies(std::move(freq), scale_bits);
}

FrequencyTable FrequencyTable::from_frequencies(std::vector<uint32_t> freqs, uint32_t scale_bits) {
  check_scale(scale_bits);
  check_alphabet(freqs.size(), scale_bits);
  FrequencyTable t;
  t.scale_bits_ = scale_bits;
  t.start_.resize(freqs.size() + 1, 0);
  uint64_t sum = 0;
  for (size_t i = 0; i < freqs.size(); ++i) {
    if (freqs[i] == 0) throw EntropyCodeError("frequency table: symbol " + std::to_string(i) + " has frequency 0");
    t.start_[i] = uint32_t(sum);
    sum += freqs[i];
    if (sum > (uint64_t(1) << scale_bits)) break;
  }
  if (sum != (uint64_t(1) << scale_bits))
    throw EntropyCodeError("frequency table: frequencies sum to " + std::to_string(sum) + ", not 2^" +
                           std::to_string(scale_bits));
  t.start_[freqs.size()] = uint32_t(sum);
  t.freq_ = std::move(freqs);
  return t;
}

double FrequencyTable::cost_bits(uint32_t s) const {
  return double(scale_bits_) - std::log2(double(freq_.at(s)));
}

void FrequencyTable::prepare_decoding() {
  if (!slot_symbol_.empty()) return;
  slot_symbol_.resize(size_t(1) << scale_bits_);
  for (size_t s = 0; s < freq_.size(); ++s) {
    const SlotEntry e{uint16_t(s), uint16_t(freq_[s] - 1), start_[s]};
    std::fill(slot_symbol_.begin() + start_[s], slot_symbol_.begin() + start_[s + 1], e);
  }
}

size_t FrequencyTable::memory_bytes() const {
  return sizeof(*this) + freq_.capacity() * sizeof(uint32_t) + start_.capacity() * sizeof(uint32_t) +
         slot_symbol_.capacity() * sizeof(SlotEntry);
}

void FrequencyTable::serialize(std::vector<uint8_t>& out) const {
  out.push_back(uint8_t(scale_bits_));
  put_varint(out, freq_.size());
  for (uint32_t f : freq_) put_varint(out, f);
}

FrequencyTable FrequencyTable::deserialize(const uint8_t* data, size_t size, size_t* pos) {
  if (*pos >= size) throw EntropyCodeError("frequency table is truncated (no scale byte)");
  const uint32_t scale_bits = data[(*pos)++];
  check_scale(scale_bits);
  VarintReader r(data + *pos, size - *pos);
  try {
    const uint64_t n = r.next();
    if (n == 0 || n > kRansMaxSymbols)
      throw EntropyCodeError("frequency table declares " + std::to_string(n) + " symbols");
    std::vector<uint32_t> freqs(n);
    for (auto& f : freqs) {
      const uint64_t v = r.next();
      if (v > (uint64_t(1) << scale_bits)) throw EntropyCodeError("frequency table entry exceeds its scale");
      f = uint32_t(v);
    }
    *pos = size - r.remaining();
    return from_frequencies(std::move(freqs), scale_bits);
  } catch (const std::out_of_range& e) {
    throw EntropyCodeError(std::string("frequency table: ") + e.what());
  }
}

void RansEncoder::put_interval(uint32_t start, uint32_t freq, uint32_t scale_bits) {
  // Renormalise so that the state after encoding stays below 2^31: x < ((L >> scale) << 8) * freq.
  const uint32_t x_max = ((kStateLow >> scale_bits) << 8) * freq;
  while (x_ >= x_max) {
    reversed_.push_back(uint8_t(x_ & 0xFF));
    x_ >>= 8;
  }
  x_ = ((x_ / freq) << scale_bits) + (x_ % freq) + start;
}

void RansEncoder::put(const FrequencyTable& t, uint32_t s) {
  put_interval(t.start(s), t.freq(s), t.scale_bits());
}

void RansEncoder::put_raw(uint32_t value, uint32_t bits) {
  if (bits == 0 || bits > 16) throw EntropyCodeError("raw field of " + std::to_string(bits) + " bits (1..16)");
  put_interval(value & ((1u << bits) - 1), 1, bits);
}

std::vector<uint8_t> RansEncoder::finish() {
  for (int shift = 24; shift >= 0; shift -= 8) reversed_.push_back(uint8_t(x_ >> shift));
  std::vector<uint8_t> out(reversed_.rbegin(), reversed_.rend());
  reversed_.clear();
  x_ = kStateLow;
  return out;
}

RansDecoder::RansDecoder(const uint8_t* data, size_t size) : p_(data), end_(data + size) {
  if (size < 4) throw EntropyCodeError("stream of " + std::to_string(size) + " bytes is shorter than its state");
  x_ = uint32_t(p_[0]) | uint32_t(p_[1]) << 8 | uint32_t(p_[2]) << 16 | uint32_t(p_[3]) << 24;
  p_ += 4;
  if (x_ < kStateLow) throw EntropyCodeError("stream starts with a state below its lower bound (corrupted)");
}

void RansDecoder::renormalise() {
  while (x_ < kStateLow) {
    if (p_ == end_) throw EntropyCodeError("stream is truncated");
    x_ = (x_ << 8) | *p_++;
  }
}

uint32_t RansDecoder::get_raw(uint32_t bits) {
  if (bits == 0 || bits > 16) throw EntropyCodeError("raw field of " + std::to_string(bits) + " bits (1..16)");
  const uint32_t v = x_ & ((1u << bits) - 1);
  x_ >>= bits;
  renormalise();
  return v;
}

void RansDecoder::finish() const {
  if (p_ != end_)
    throw EntropyCodeError(std::to_string(end_ - p_) + " bytes left after the last symbol (corrupted stream)");
  if (x_ != kStateLow) throw EntropyCodeError("final state does not match (corrupted stream)");
}

}  // namespace daqz
