#include "wire/wedge_payload_view.h"

#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "support/synthetic_wedges.h"
#include "wire/wedge_payload.h"

namespace daqz {
namespace {

const WedgeShape kSmall{6, 20, 4};

// The specification restated as the simplest possible per-value parser (the implementation daqz had
// before the tight loops): the fast paths must accept, reject and decode exactly as it does.
SparseWedge oracle_parse(const std::vector<uint16_t>& words, size_t byte_size, WedgeShape shape) {
  if (byte_size % 2 != 0)
    throw ValidationError(RejectReason::kTruncated, "wedge payload has an odd byte count " + std::to_string(byte_size));
  const size_t n = byte_size / 2;
  SparseWedge w;
  w.shape = shape;
  size_t i = 0;
  uint32_t prev_pad = 0, prev_end = 0;
  bool first = true;
  while (i < n) {
    if (i + 3 > n)
      throw ValidationError(RejectReason::kTruncated, "wedge payload ends inside a run header at word " + std::to_string(i));
    const PadRun r{words[i], words[i + 1], words[i + 2]};
    const std::string where = "run " + std::to_string(w.runs.size()) + " (pad " + std::to_string(r.pad) + ", t " +
                              std::to_string(r.t_start) + ", length " + std::to_string(r.length) + ")";
    if (r.length == 0) throw ValidationError(RejectReason::kBadRuns, where + " is empty");
    if (r.pad >= shape.pads() || uint32_t(r.t_start) + r.length > shape.time)
      throw ValidationError(RejectReason::kBadRuns, where + " lies outside wedge shape " + shape.str());
    if (!first && (r.pad < prev_pad || (r.pad == prev_pad && r.t_start <= prev_end)))
      throw ValidationError(RejectReason::kBadRuns, where + " is out of order or overlaps the previous run");
    i += 3;
    if (i + r.length > n) throw ValidationError(RejectReason::kTruncated, where + " has fewer values than its length");
    for (size_t k = 0; k < r.length; ++k) {
      const uint16_t v = words[i + k];
      if (v <= 64 || v > 1023)
        throw ValidationError(RejectReason::kAdcRange,
                              where + " holds ADC " + std::to_string(v) + "; zero-suppressed values lie in 65..1023");
      w.values.push_back(v);
    }
    i += r.length;
    w.runs.push_back(r);
    prev_pad = r.pad;
    prev_end = uint32_t(r.t_start) + r.length;
    first = false;
  }
  return w;
}

std::vector<uint8_t> bytes_of(const std::vector<uint16_t>& words) {
  std::vector<uint8_t> b(words.size() * 2);
  std::memcpy(b.data(), words.data(), b.size());
  return b;
}

struct Outcome {
  std::optional<RejectReason> reason;
  std::string what;
};

template <typename F>
Outcome outcome_of(F&& f) {
  try {
    f();
    return {};
  } catch (const ValidationError& e) {
    return {e.reason(), e.what()};
  }
}

void expect_same_runs(const SparseWedge& a, const SparseWedge& b) {
  ASSERT_EQ(a.runs.size(), b.runs.size());
  for (size_t i = 0; i < a.runs.size(); ++i) {
    EXPECT_EQ(a.runs[i].pad, b.runs[i].pad) << "run " << i;
    EXPECT_EQ(a.runs[i].t_start, b.runs[i].t_start) << "run " << i;
    EXPECT_EQ(a.runs[i].length, b.runs[i].length) << "run " << i;
  }
  EXPECT_EQ(a.values, b.values);
}

// Every entry point on `bytes` (placed at an odd address too) against the oracle: same verdict,
// same reason and message, same decoded wedge.
// Returns whether the oracle accepted the payload.
bool expect_matches_oracle(const std::vector<uint8_t>& bytes, WedgeShape shape) {
  std::vector<uint16_t> words(bytes.size() / 2);
  std::memcpy(words.data(), bytes.data(), words.size() * 2);
  SparseWedge expected;
  const Outcome want = outcome_of([&] { expected = oracle_parse(words, bytes.size(), shape); });

  std::vector<uint8_t> shifted(bytes.size() + 1);
  std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
  for (const uint8_t* data : {bytes.data(), static_cast<const uint8_t*>(shifted.data() + 1)}) {
    const PayloadView view(data, bytes.size());
    WedgePayloadCounts counts;
    SparseWedge sparse;
    std::vector<uint16_t> dense16(shape.voxels(), 7);
    std::vector<float> dense32(shape.voxels(), 7.0f);
    const Outcome got[] = {
        outcome_of([&] { counts = validate_wedge_payload(view, shape); }),
        outcome_of([&] { decode_wedge_payload(view, shape, sparse); }),
        outcome_of([&] { decode_wedge_payload_dense(view, shape, dense16.data(), dense16.size()); }),
        outcome_of([&] { decode_wedge_payload_dense(view, shape, dense32.data(), dense32.size()); }),
        outcome_of([&] { parse_wedge_payload(data, bytes.size(), shape); }),
    };
    for (const Outcome& g : got) {
      EXPECT_EQ(g.reason.has_value(), want.reason.has_value()) << (want.reason ? want.what : g.what);
      if (g.reason.has_value() != want.reason.has_value()) return false;
      if (want.reason) {
        EXPECT_EQ(*g.reason, *want.reason) << g.what;
        EXPECT_EQ(g.what, want.what);
      }
    }
    if (want.reason) continue;
    EXPECT_EQ(counts.runs, expected.runs.size());
    EXPECT_EQ(counts.values, expected.values.size());
    expect_same_runs(sparse, expected);
    const DenseWedge dense = to_dense(expected);
    EXPECT_EQ(dense16, dense.adc);
    EXPECT_EQ(dense32, std::vector<float>(dense.adc.begin(), dense.adc.end()));
  }
  return !want.reason.has_value();
}

TEST(WedgePayloadView, DecodesValidPayloadsLikeTheOracle) {
  for (double occupancy : {0.0, 0.02, 0.3, 1.0})
    expect_matches_oracle(serialize_wedge_payload(to_sparse(testing::synthetic_wedge(3, kSmall, occupancy))), kSmall);
  expect_matches_oracle(serialize_wedge_payload(to_sparse(testing::synthetic_wedge(5))), kOuterWedgeShape);
}

TEST(WedgePayloadView, EdgeRunsAtEveryBorderOfTheShape) {
  DenseWedge w(kSmall);
  for (uint32_t t = 0; t < kSmall.time; ++t) w.at(0, t, 0) = 65;  // a whole first pad, at the minimum
  w.at(kSmall.azimuth - 1, kSmall.time - 1, kSmall.layer - 1) = kAdcMax;  // last voxel
  w.at(2, 0, 3) = 1000;  // t = 0 on a later pad
  w.at(2, 2, 3) = 1001;  // same pad after a one-bin gap
  const SparseWedge s = to_sparse(w);
  ASSERT_EQ(s.runs.size(), 4u);
  expect_matches_oracle(serialize_wedge_payload(s), kSmall);
}

struct BadPayload {
  const char* name;
  std::vector<uint16_t> words;
  RejectReason reason;
  const char* what;
};

TEST(WedgePayloadView, RejectsEveryKindOfBadPayloadWithTheSameReasonAndMessage) {
  const std::vector<BadPayload> cases = {
      {"partial header", {1, 0}, RejectReason::kTruncated, "wedge payload ends inside a run header at word 0"},
      {"partial second header", {1, 0, 1, 100, 2}, RejectReason::kTruncated,
       "wedge payload ends inside a run header at word 4"},
      {"empty run", {1, 0, 0}, RejectReason::kBadRuns, "run 0 (pad 1, t 0, length 0) is empty"},
      {"pad outside", {24, 0, 1, 100}, RejectReason::kBadRuns, "run 0 (pad 24, t 0, length 1) lies outside wedge shape (6, 20, 4)"},
      {"time outside", {3, 18, 3, 100, 100, 100}, RejectReason::kBadRuns,
       "run 0 (pad 3, t 18, length 3) lies outside wedge shape (6, 20, 4)"},
      {"pads out of order", {5, 0, 1, 100, 4, 0, 1, 100}, RejectReason::kBadRuns,
       "run 1 (pad 4, t 0, length 1) is out of order or overlaps the previous run"},
      {"overlap on a pad", {5, 2, 3, 100, 100, 100, 5, 4, 1, 100}, RejectReason::kBadRuns,
       "run 1 (pad 5, t 4, length 1) is out of order or overlaps the previous run"},
      {"runs touching", {5, 2, 2, 100, 100, 5, 4, 1, 100}, RejectReason::kBadRuns,
       "run 1 (pad 5, t 4, length 1) is out of order or overlaps the previous run"},
      {"same start twice", {5, 2, 1, 100, 5, 2, 1, 100}, RejectReason::kBadRuns,
       "run 1 (pad 5, t 2, length 1) is out of order or overlaps the previous run"},
      {"missing values", {5, 2, 3, 100, 100}, RejectReason::kTruncated, "run 0 (pad 5, t 2, length 3) has fewer values than its length"},
      {"ADC 64", {5, 2, 3, 100, 64, 100}, RejectReason::kAdcRange,
       "run 0 (pad 5, t 2, length 3) holds ADC 64; zero-suppressed values lie in 65..1023"},
      {"ADC 0", {5, 2, 1, 0}, RejectReason::kAdcRange, "run 0 (pad 5, t 2, length 1) holds ADC 0; zero-suppressed values lie in 65..1023"},
      {"ADC 1024", {1, 0, 1, 65, 5, 2, 2, 1023, 1024}, RejectReason::kAdcRange,
       "run 1 (pad 5, t 2, length 2) holds ADC 1024; zero-suppressed values lie in 65..1023"},
      {"ADC 65535", {5, 2, 1, 65535}, RejectReason::kAdcRange,
       "run 0 (pad 5, t 2, length 1) holds ADC 65535; zero-suppressed values lie in 65..1023"},
  };
  for (const BadPayload& c : cases) {
    SCOPED_TRACE(c.name);
    const std::vector<uint8_t> bytes = bytes_of(c.words);
    const Outcome got = outcome_of([&] { validate_wedge_payload(PayloadView(bytes), kSmall); });
    ASSERT_TRUE(got.reason.has_value());
    EXPECT_EQ(*got.reason, c.reason);
    EXPECT_EQ(got.what, c.what);
    expect_matches_oracle(bytes, kSmall);
  }
  // An odd byte count (a word cut in half).
  std::vector<uint8_t> odd = bytes_of({5, 2, 1, 100});
  odd.pop_back();
  const Outcome got = outcome_of([&] { validate_wedge_payload(PayloadView(odd), kSmall); });
  ASSERT_TRUE(got.reason.has_value());
  EXPECT_EQ(*got.reason, RejectReason::kTruncated);
  EXPECT_EQ(got.what, "wedge payload has an odd byte count 7");
  expect_matches_oracle(odd, kSmall);
}

TEST(WedgePayloadView, RandomCorruptionsAgreeWithTheOracle) {
  const std::vector<uint8_t> good = serialize_wedge_payload(to_sparse(testing::synthetic_wedge(8, kSmall, 0.3)));
  ASSERT_GT(good.size(), 100u);
  std::mt19937 rng(17);
  int accepted = 0, rejected = 0;
  for (int iteration = 0; iteration < 1500; ++iteration) {
    std::vector<uint8_t> bytes = good;
    const int edits = 1 + int(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 4) {
        case 0: bytes[rng() % bytes.size()] ^= uint8_t(1u << (rng() % 8)); break;  // bit flip
        case 1: bytes[rng() % bytes.size()] = uint8_t(rng()); break;              // byte overwrite
        case 2: bytes.resize(rng() % bytes.size()); break;                         // truncation
        case 3: bytes.insert(bytes.begin() + long(rng() % bytes.size()), uint8_t(rng())); break;  // shift
      }
      if (bytes.empty()) bytes.push_back(1);
    }
    SCOPED_TRACE("iteration " + std::to_string(iteration));
    (expect_matches_oracle(bytes, kSmall) ? accepted : rejected)++;
    if (HasFailure()) return;
  }
  // Both verdicts must be exercised (value bit flips inside 65..1023 stay valid).
  EXPECT_GT(accepted, 50);
  EXPECT_GT(rejected, 500);
}

TEST(WedgePayloadView, EmptyPayloadIsAnEmptyWedge) {
  SparseWedge w;
  w.runs.resize(3);
  w.values.resize(9);
  decode_wedge_payload(PayloadView(), kSmall, w);
  EXPECT_TRUE(w.runs.empty());
  EXPECT_TRUE(w.values.empty());
  EXPECT_EQ(validate_wedge_payload(PayloadView(), kSmall).runs, 0u);
}

TEST(WedgePayloadView, ReusedOutputHoldsOnlyTheLatestWedge) {
  const SparseWedge big = to_sparse(testing::synthetic_wedge(1, kSmall, 0.5));
  const SparseWedge small = to_sparse(testing::synthetic_wedge(2, kSmall, 0.05));
  const std::vector<uint8_t> big_bytes = serialize_wedge_payload(big), small_bytes = serialize_wedge_payload(small);
  SparseWedge out;
  decode_wedge_payload(PayloadView(big_bytes), kSmall, out);
  expect_same_runs(out, big);
  decode_wedge_payload(PayloadView(small_bytes), kSmall, out);
  expect_same_runs(out, small);
  EXPECT_EQ(out.shape, kSmall);
}

TEST(WedgePayloadView, DenseDecodeClearsAReusedBufferAndChecksItsSize) {
  const SparseWedge s = to_sparse(testing::synthetic_wedge(4, kSmall, 0.2));
  const std::vector<uint8_t> bytes = serialize_wedge_payload(s);
  std::vector<uint16_t> dense(kSmall.voxels(), 999);
  decode_wedge_payload_dense(PayloadView(bytes), kSmall, dense.data(), dense.size());
  EXPECT_EQ(dense, to_dense(s).adc);
  EXPECT_THROW(decode_wedge_payload_dense(PayloadView(bytes), kSmall, dense.data(), dense.size() - 1),
               std::invalid_argument);
}

}  // namespace
}  // namespace daqz
