#include "codec_classic/passthrough_codec.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/synthetic_wedges.h"
#include "codec_classic/record_decoder.h"
#include "wire/message.h"
#include "wire/wedge_payload.h"

namespace daqz {
namespace {

const WedgeShape kSmall{24, 40, 16};

TEST(PassthroughCodec, StoresTheWirePayloadAndDecodesBitExact) {
  auto codec = make_wedge_codec("passthrough", {});
  EXPECT_EQ(codec->descriptor().codec_id, "passthrough");
  for (double occupancy : {0.0, 0.05, 0.5, 1.0}) {
    const DenseWedge dense = testing::synthetic_wedge(3, kSmall, occupancy);
    const SparseWedge sparse = to_sparse(dense);
    const std::vector<EncodedRecord> recs = codec->encode({&sparse});
    ASSERT_EQ(recs.size(), 1u);
    const EncodedRecord& r = recs[0];
    EXPECT_EQ(r.bytes, make_wedge_message(sparse, "s", 0).payload) << "not the wire payload";
    EXPECT_EQ(r.original_bytes, r.bytes.size());
    EXPECT_EQ(r.original_shape, (std::vector<uint32_t>{24, 40, 16}));
    EXPECT_EQ(r.latent_shape, (std::vector<uint32_t>{uint32_t(r.bytes.size() / 2)}));
    const Reconstruction back = codec->decode(r);
    EXPECT_EQ(back.shape, kSmall);
    ASSERT_EQ(back.adc.size(), dense.adc.size());
    for (size_t i = 0; i < dense.adc.size(); ++i) ASSERT_EQ(back.adc[i], float(dense.adc[i])) << "voxel " << i;
  }
}

TEST(PassthroughCodec, RecordFromAReceivedPayloadEqualsTheEncodedOne) {
  const SparseWedge sparse = to_sparse(testing::synthetic_wedge(4));
  const Message m = make_wedge_message(sparse, "felix-0", 3);
  auto codec = make_wedge_codec("passthrough", {});
  const EncodedRecord via_codec = codec->encode({&sparse})[0];
  const EncodedRecord via_view = passthrough_record(PayloadView(m.payload), kOuterWedgeShape);
  EXPECT_EQ(via_view.bytes, via_codec.bytes);
  EXPECT_EQ(via_view.codec_id, via_codec.codec_id);
  EXPECT_EQ(via_view.latent_shape, via_codec.latent_shape);
  EXPECT_EQ(via_view.original_shape, via_codec.original_shape);
  EXPECT_EQ(via_view.original_bytes, via_codec.original_bytes);
}

TEST(PassthroughCodec, DaqzDecodePathReadsItThroughTheRegistry) {
  const auto ids = known_wedge_codecs();
  EXPECT_NE(std::find(ids.begin(), ids.end(), "passthrough"), ids.end());
  const DenseWedge dense = testing::synthetic_wedge(6, kSmall);
  const SparseWedge sparse = to_sparse(dense);
  // Through the stored message form, as a segment holds it.
  const Message stored = make_record_message(make_wedge_codec("passthrough", {})->encode({&sparse})[0], "s", 9);
  const Message read = unpack_message(pack_message(stored).data(), pack_message(stored).size());
  RecordDecoder decoder({});
  const DecodedRecord d = decoder.decode(record_from_message(read));
  EXPECT_EQ(d.kind, PayloadKind::kWedge);
  EXPECT_EQ(d.wedge.rounded().adc, dense.adc);
}

TEST(PassthroughCodec, RejectsForeignAndCorruptRecords) {
  const SparseWedge sparse = to_sparse(testing::synthetic_wedge(7, kSmall));
  auto codec = make_wedge_codec("passthrough", {});
  const EncodedRecord good = codec->encode({&sparse})[0];
  EncodedRecord r = good;
  r.codec_id = "lossless";
  EXPECT_THROW(codec->decode(r), CodecError);
  r = good;
  r.original_shape = {24, 40};
  EXPECT_THROW(codec->decode(r), CodecError);
  r = good;
  r.original_shape = {4, 40, 16};  // runs fall outside a smaller shape
  EXPECT_THROW(codec->decode(r), CodecError);
  r = good;
  r.original_shape = {1u << 20, 1u << 10, 16};
  EXPECT_THROW(codec->decode(r), CodecError);
  r = good;
  r.bytes.pop_back();  // odd size
  EXPECT_THROW(codec->decode(r), CodecError);
  r = good;
  r.bytes[6] = 0;  // first value of the first run: ADC 0 (kept in the other byte's range)
  r.bytes[7] = 0;
  try {
    codec->decode(r);
    FAIL() << "an ADC of 0 was accepted";
  } catch (const CodecError& e) {
    EXPECT_NE(std::string(e.what()).find("adc_range"), std::string::npos) << e.what();
  }
}

TEST(PassthroughCodec, InconsistentWedgeIsACodecError) {
  SparseWedge w;
  w.shape = kSmall;
  w.runs = {PadRun{0, 0, 3}};
  w.values = {100, 100};  // fewer values than the run covers
  EXPECT_THROW(make_wedge_codec("passthrough", {})->encode({&w}), CodecError);
}

}  // namespace
}  // namespace daqz
