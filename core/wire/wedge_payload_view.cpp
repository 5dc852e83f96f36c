#include "wire/wedge_payload_view.h"

#include <algorithm>
#include <array>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdexcept>
#include <string>

namespace daqz {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the wire format is little-endian and is read here with plain loads");

inline uint16_t load16(const uint8_t* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);  // payloads may start at any address
  return v;
}

// ---- rejections: cold, out of line, so the loops below carry no string code ---------------------

std::string describe_run(size_t index, const PadRun& r) {
  return "run " + std::to_string(index) + " (pad " + std::to_string(r.pad) + ", t " + std::to_string(r.t_start) +
         ", length " + std::to_string(r.length) + ")";
}

[[noreturn]] __attribute__((cold, noinline)) void reject_odd_size(size_t size) {
  throw ValidationError(RejectReason::kTruncated, "wedge payload has an odd byte count " + std::to_string(size));
}

[[noreturn]] __attribute__((cold, noinline)) void reject_partial_header(size_t word) {
  throw ValidationError(RejectReason::kTruncated,
                        "wedge payload ends inside a run header at word " + std::to_string(word));
}

enum class RunFault { kEmpty, kOutside, kOrder, kShort };

[[noreturn]] __attribute__((cold, noinline)) void reject_run(RunFault fault, size_t index, PadRun r,
                                                             const WedgeShape& shape) {
  const std::string where = describe_run(index, r);
  switch (fault) {
    case RunFault::kEmpty: throw ValidationError(RejectReason::kBadRuns, where + " is empty");
    case RunFault::kOutside:
      throw ValidationError(RejectReason::kBadRuns, where + " lies outside wedge shape " + shape.str());
    case RunFault::kOrder:
      throw ValidationError(RejectReason::kBadRuns, where + " is out of order or overlaps the previous run");
    case RunFault::kShort:
      throw ValidationError(RejectReason::kTruncated, where + " has fewer values than its length");
  }
  throw std::logic_error("reject_run: unknown fault");
}

[[noreturn]] __attribute__((cold, noinline)) void reject_adc(size_t index, PadRun r, const uint8_t* values) {
  uint16_t bad = 0;
  for (size_t k = 0; k < r.length; ++k) {
    const uint16_t v = load16(values + 2 * k);
    if (v <= kZeroSuppressionThreshold || v > kAdcMax) {
      bad = v;
      break;
    }
  }
  throw ValidationError(RejectReason::kAdcRange, describe_run(index, r) + " holds ADC " + std::to_string(bad) +
                                                     "; zero-suppressed values lie in 65..1023");
}

// ---- the loops ----------------------------------------------------------------------------------
//
// A wedge holds ~10,000 runs of mostly 5 or 10 values, so the cost is per run, not per byte: the walk
// from one header to the next is a chain of dependent loads, and everything else must stay off it and
// out of the branch predictor's way. Hence one combined branch for all header checks, and the values of
// a run of <= 16 checked (and copied) with two overlapping 8-lane vector loads under a lane mask, with no
// branch on the length. GCC/Clang vector extensions: SSE2 on x86-64, NEON on aarch64.

using Lanes = int16_t __attribute__((vector_size(16)));

inline Lanes load_lanes(const uint8_t* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline bool any_lane(Lanes v) {
#if defined(__SSE2__)
  return _mm_movemask_epi8(reinterpret_cast<__m128i>(v)) != 0;
#else
  uint64_t halves[2];
  std::memcpy(halves, &v, sizeof halves);
  return (halves[0] | halves[1]) != 0;
#endif
}

// All-ones in lanes holding a value outside 65..1023. As int16, words >= 32768 are negative: below 65.
inline Lanes out_of_range(Lanes v) {
  return (v < Lanes{} + int16_t(kZeroSuppressionThreshold + 1)) | (v > Lanes{} + int16_t(kAdcMax));
}

// kFirstLanes[k]: lanes 0..k-1 set.
using LaneMaskTable = std::array<std::array<int16_t, 8>, 9>;
constexpr LaneMaskTable make_lane_masks() {
  LaneMaskTable t{};
  for (size_t k = 0; k <= 8; ++k)
    for (size_t lane = 0; lane < k; ++lane) t[k][lane] = -1;
  return t;
}
alignas(16) constexpr LaneMaskTable kFirstLanes = make_lane_masks();

inline Lanes first_lanes(size_t k) { return load_lanes(reinterpret_cast<const uint8_t*>(kFirstLanes[k].data())); }

// How a run's values were read: as two vectors (words [0, 8) and [offset, offset + 8), lanes past the run
// masked out of the check), or, for long runs and runs at the very end of the payload, word by word.
struct RunValues {
  const uint8_t* words;
  bool in_lanes;
  Lanes head, tail;
  size_t tail_offset;
};

inline bool scalar_values_in_range(const uint8_t* p, size_t n) {
  constexpr uint16_t kSpan = kAdcMax - (kZeroSuppressionThreshold + 1);  // 958
  unsigned bad = 0;
  for (size_t k = 0; k < n; ++k) bad |= unsigned(uint16_t(load16(p + 2 * k) - (kZeroSuppressionThreshold + 1)) > kSpan);
  return bad == 0;
}

// Checks every run and calls on_run(run, values) for each one that passed.
template <typename OnRun>
WedgePayloadCounts walk_checked(PayloadView payload, const WedgeShape& shape, OnRun&& on_run) {
  if (payload.size % 2 != 0) reject_odd_size(payload.size);
  const uint8_t* words = payload.data;
  const size_t n = payload.size / 2;
  const uint32_t pads = shape.pads(), time = shape.time;
  // Runs must come in increasing (pad, t_start) with a gap on the same pad: as one key,
  // (pad << 32 | t_start) must exceed the previous run's (pad << 32 | t_end).
  int64_t previous_limit = -1;
  WedgePayloadCounts count;
  size_t i = 0;
  while (i < n) {
    if (__builtin_expect(i + 3 > n, 0)) reject_partial_header(i);
    const uint8_t* h = words + 2 * i;
    const PadRun r{load16(h), load16(h + 2), load16(h + 4)};
    const uint32_t length = r.length, end = uint32_t(r.t_start) + length;
    const int64_t key = int64_t(r.pad) << 32 | r.t_start;
    i += 3;
    const bool bad_header = (length == 0) | (r.pad >= pads) | (end > time) | (key <= previous_limit) | (length > n - i);
    if (__builtin_expect(bad_header, 0)) {
      if (length == 0) reject_run(RunFault::kEmpty, count.runs, r, shape);
      if (r.pad >= pads || end > time) reject_run(RunFault::kOutside, count.runs, r, shape);
      if (key <= previous_limit) reject_run(RunFault::kOrder, count.runs, r, shape);
      reject_run(RunFault::kShort, count.runs, r, shape);
    }
    RunValues v{words + 2 * i, false, {}, {}, 0};
    bool values_ok;
    if (__builtin_expect((length <= 16) & (n - i >= 8), 1)) {
      v.in_lanes = true;
      v.tail_offset = length > 8 ? length - 8 : 0;
      v.head = load_lanes(v.words);
      v.tail = load_lanes(v.words + 2 * v.tail_offset);
      const Lanes mask = first_lanes(length - v.tail_offset);
      values_ok = !any_lane((out_of_range(v.head) | out_of_range(v.tail)) & mask);
    } else {
      values_ok = scalar_values_in_range(v.words, length);
    }
    if (__builtin_expect(!values_ok, 0)) reject_adc(count.runs, r, v.words);
    on_run(r, v);
    i += length;
    ++count.runs;
    count.values += length;
    previous_limit = int64_t(r.pad) << 32 | end;
  }
  return count;
}

template <typename T>
void decode_dense(PayloadView payload, const WedgeShape& shape, T* dense, size_t dense_size) {
  if (dense_size != shape.voxels())
    throw std::invalid_argument("decode_wedge_payload_dense: buffer holds " + std::to_string(dense_size) +
                                " values, shape " + shape.str() + " needs " + std::to_string(shape.voxels()));
  std::fill(dense, dense + dense_size, T(0));
  const uint32_t layers = shape.layer, time = shape.time;
  const PadSplit split(layers);
  walk_checked(payload, shape, [&](const PadRun& r, const RunValues& v) {
    // One pad's run is a strided column: consecutive time bins lie `layers` elements apart.
    const uint32_t a = split.azimuth(r.pad);
    T* column = dense + (size_t(a) * time + r.t_start) * layers + split.layer(r.pad, a);
    for (size_t k = 0; k < r.length; ++k) column[k * layers] = T(load16(v.words + 2 * k));
  });
}

}  // namespace

WedgePayloadCounts validate_wedge_payload(PayloadView payload, const WedgeShape& shape) {
  return walk_checked(payload, shape, [](const PadRun&, const RunValues&) {});
}

void decode_wedge_payload(PayloadView payload, const WedgeShape& shape, SparseWedge& out) {
  // One pass into storage sized for the worst case (every run >= 4 words), shrunk at the end; the 8 words
  // of slack take the full-vector stores of the last run. A reused `out` keeps that capacity.
  const size_t n = payload.size / 2;
  out.shape = shape;
  out.runs.resize(n / 4 + 1);
  out.values.resize(n + 8);
  PadRun* runs = out.runs.data();
  uint8_t* values = reinterpret_cast<uint8_t*>(out.values.data());
  try {
    const WedgePayloadCounts count = walk_checked(payload, shape, [&](const PadRun& r, const RunValues& v) {
      *runs++ = r;
      if (v.in_lanes) {
        std::memcpy(values, &v.head, sizeof v.head);
        std::memcpy(values + 2 * v.tail_offset, &v.tail, sizeof v.tail);
      } else {
        std::memcpy(values, v.words, 2 * size_t(r.length));
      }
      values += 2 * size_t(r.length);
    });
    out.runs.resize(count.runs);
    out.values.resize(count.values);
  } catch (...) {
    out.runs.clear();
    out.values.clear();
    throw;
  }
}

void decode_wedge_payload_dense(PayloadView payload, const WedgeShape& shape, uint16_t* dense, size_t dense_size) {
  decode_dense(payload, shape, dense, dense_size);
}

void decode_wedge_payload_dense(PayloadView payload, const WedgeShape& shape, float* dense, size_t dense_size) {
  decode_dense(payload, shape, dense, dense_size);
}

}  // namespace daqz
