// Model identity end to end: a record keeps decoding with the model version that wrote it after a
// retraining adds a newer version under the same name, both for versioned and for today's
// unversioned (shipped-layout) directories, through the same RecordDecoder as `daqz decode`.
#include <gtest/gtest.h>

#include "codec/model_repository.h"
#include "codec_classic/record_decoder.h"
#include "sim/jet_generator.h"
#include "support/files.h"
#include "support/untrained_jet_model.h"

namespace daqz {
namespace {

// Encodes `jets` with the model the repository resolves for `name` now (its latest version).
EncodedRecord encode_with_latest(const std::string& root, const std::string& name, const JetBatch& jets) {
  CodecOptions o;
  o.model_dir = ModelRepository({root}).resolve(name).dir;
  return make_jet_codec("jet-ae", o)->encode(jets);
}

JetBatch decode_with(const std::string& model_dir, const EncodedRecord& rec) {
  CodecOptions o;
  o.model_dir = model_dir;
  return make_jet_codec("jet-ae", o)->decode(rec);
}

TEST(ModelVersions, ARecordDecodesWithTheVersionThatWroteItAfterRetraining) {
  testing::TempDir root("model-versions");
  const JetBatch jets = generate_jets(5, 64);
  const std::string v1 = testing::write_untrained_jet_model(root.str("jet-x/1"), "jet-x", "1", 10, 1);
  const EncodedRecord old_record = encode_with_latest(root.str(), "jet-x", jets);
  EXPECT_EQ(old_record.model_version, "1");

  // "Retraining": version 2 under the same name becomes the latest, for new records.
  const std::string v2 = testing::write_untrained_jet_model(root.str("jet-x/2"), "jet-x", "2", 10, 2);
  const EncodedRecord new_record = encode_with_latest(root.str(), "jet-x", jets);
  EXPECT_EQ(new_record.model_version, "2");
  EXPECT_NE(new_record.weights_sha256, old_record.weights_sha256);
  EXPECT_THROW(decode_with(v2, old_record), CodecError) << "the newer weights must not decode the old record";

  RecordDecoder decoder({root.str()});
  EXPECT_EQ(decoder.decode(old_record).jets.values, decode_with(v1, old_record).values);
  EXPECT_EQ(decoder.decode(new_record).jets.values, decode_with(v2, new_record).values);
}

TEST(ModelVersions, RecordsOfAnUnversionedModelSurviveAVersionedRetraining) {
  testing::TempDir root("model-versions-legacy");
  const JetBatch jets = generate_jets(6, 32);
  // Today's layout: <root>/<name>/model.json (as deploy/models ships).
  const std::string legacy = testing::write_untrained_jet_model(root.str("jet-y"), "jet-y", "3", 10, 3);
  const EncodedRecord old_record = encode_with_latest(root.str(), "jet-y", jets);
  testing::write_untrained_jet_model(root.str("jet-y/4"), "jet-y", "4", 10, 4);
  EXPECT_EQ(ModelRepository({root.str()}).resolve("jet-y").dir, root.str("jet-y/4"));

  RecordDecoder decoder({root.str()});
  EXPECT_EQ(decoder.decode(old_record).jets.values, decode_with(legacy, old_record).values);
}

TEST(ModelVersions, AMissingVersionIsReportedWithTheRootsSearched) {
  testing::TempDir root("model-versions-missing"), elsewhere("model-versions-elsewhere");
  testing::write_untrained_jet_model(root.str("jet-z/1"), "jet-z", "1", 10, 5);
  const EncodedRecord rec = encode_with_latest(root.str(), "jet-z", generate_jets(7, 16));
  RecordDecoder decoder({elsewhere.str()});  // the model's root is not configured
  try {
    decoder.decode(rec);
    FAIL() << "decoded without its model";
  } catch (const ModelNotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("jet-z"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(elsewhere.str()), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace daqz
