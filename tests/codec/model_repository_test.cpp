#include "codec/model_repository.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "base/sha256.h"
#include "support/files.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A model directory with two weight files whose content (and so SHA-256) depends on `weights`;
// `extra` is merged into the card (metrics, keys other tools add).
ModelCard write_model(const std::string& dir, const std::string& name, const std::string& arch,
                      const std::string& version, const std::string& weights, nlohmann::json extra = {}) {
  fs::create_directories(dir);
  std::ofstream(dir + "/encoder.pt") << "encoder " << weights;
  std::ofstream(dir + "/decoder.pt") << "decoder " << weights;
  nlohmann::json card = {{"name", name}, {"arch", arch}, {"version", version},
                         {"encoder_sha256", sha256_file_hex(dir + "/encoder.pt")},
                         {"decoder_sha256", sha256_file_hex(dir + "/decoder.pt")}};
  if (extra.is_object()) card.update(extra);
  std::ofstream(dir + "/model.json") << card.dump(2);
  return load_model_card(dir);
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ModelNotFoundError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no ModelNotFoundError";
  return "";
}

TEST(ModelRepository, LatestIsTheHighestVersionNumericallyAndEveryVersionStaysReachable) {
  TempDir root("repo-versions");
  write_model(root.str("bcae-x/2"), "bcae-x", "bcae-2d", "2", "w2");
  write_model(root.str("bcae-x/10"), "bcae-x", "bcae-2d", "10", "w10");
  write_model(root.str("bcae-x/9"), "bcae-x", "bcae-2d", "9", "w9");
  const ModelRepository repo({root.str()});

  EXPECT_EQ(repo.resolve("bcae-x").dir, root.str("bcae-x/10"));  // 10 > 9 > 2, not "9" > "10"
  EXPECT_EQ(repo.resolve("bcae-x@9").dir, root.str("bcae-x/9"));
  EXPECT_EQ(repo.resolve(root.str("bcae-x")).dir, root.str("bcae-x/10"));   // a model's folder: latest
  EXPECT_EQ(repo.resolve(root.str("bcae-x/2")).dir, root.str("bcae-x/2"));  // a version directory: exact
  std::vector<std::string> order;
  for (const auto& e : repo.versions("bcae-x")) order.push_back(e.version);
  EXPECT_EQ(order, (std::vector<std::string>{"2", "9", "10"}));
}

TEST(ModelRepository, VersionLabelsCompareByDottedNumbers) {
  EXPECT_LT(compare_versions("2", "10"), 0);
  EXPECT_LT(compare_versions("1.9", "1.10"), 0);
  EXPECT_LT(compare_versions("1", "1.0.1"), 0);
  EXPECT_EQ(compare_versions("v3", "3"), 0);
  EXPECT_EQ(compare_versions("007", "7"), 0);
  EXPECT_GT(compare_versions("100000000000000000000001", "99999999999999999999999"), 0);  // no overflow
  EXPECT_LT(compare_versions("alpha", "beta"), 0);
}

TEST(ModelRepository, AnUnversionedDirectoryIsTheOldestVersionOfItsName) {
  TempDir root("repo-legacy");
  // Today's shipped layout: <root>/<name>/model.json, card version "2".
  const ModelCard legacy = write_model(root.str("bcae-y"), "bcae-y", "bcae-2d", "2", "old");
  const ModelRepository repo({root.str()});
  EXPECT_EQ(repo.resolve("bcae-y").dir, legacy.dir);
  EXPECT_EQ(repo.resolve(legacy.dir).dir, legacy.dir);  // the path users already type
  EXPECT_EQ(repo.resolve("bcae-y@2").dir, legacy.dir);  // labelled by its card's version

  // Retraining adds <root>/<name>/<version>/ beside the old files; the new one is the latest, even
  // with a lower number than the old card's version, and the old one is still there.
  const ModelCard retrained = write_model(root.str("bcae-y/1"), "bcae-y", "bcae-2d", "1", "new");
  EXPECT_EQ(repo.resolve("bcae-y").dir, retrained.dir);
  const auto versions = repo.versions("bcae-y");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_TRUE(versions[0].unversioned);
  EXPECT_EQ(versions[0].card.dir, legacy.dir);
  EXPECT_EQ(repo.resolve(legacy.dir).dir, legacy.dir);  // the old path still names the old model
}

TEST(ModelRepository, ARecordFindsTheVersionThatWroteItEvenWhenANewerOneExists) {
  TempDir root("repo-sha");
  const ModelCard v1 = write_model(root.str("jet-z/1"), "jet-z", "jet-ae-27d", "1", "first");
  const ModelCard v2 = write_model(root.str("jet-z/2"), "jet-z", "jet-ae-27d", "2", "second");
  const ModelRepository repo({root.str()});
  EXPECT_EQ(repo.find_by_weights("jet-z", v1.weights_sha256()).dir, v1.dir);
  EXPECT_EQ(repo.find_by_weights("jet-z", v2.weights_sha256()).dir, v2.dir);
  EXPECT_EQ(repo.find_by_weights("jet-z", "").dir, v2.dir);  // no SHA in the record: the latest

  // Renamed folder and card: the weights still identify the model (content-addressed fallback).
  fs::rename(root.str("jet-z/1"), root.str("jet-renamed"));
  nlohmann::json card;
  std::ifstream(root.str("jet-renamed/model.json")) >> card;
  card["name"] = "jet-renamed";
  std::ofstream(root.str("jet-renamed/model.json")) << card.dump();
  EXPECT_EQ(repo.find_by_weights("jet-z", v1.weights_sha256()).dir, root.str("jet-renamed"));
}

TEST(ModelRepository, WeightsThatNoLongerMatchTheirCardAreRefused) {
  TempDir root("repo-tamper");
  const ModelCard m = write_model(root.str("m/1"), "m", "bcae-2d", "1", "orig");
  std::ofstream(root.str("m/1/encoder.pt")) << "overwritten by a retraining in place";
  const ModelRepository repo({root.str()});
  try {
    repo.find_by_weights("m", m.weights_sha256());
    FAIL() << "tampered weights accepted";
  } catch (const ModelNotFoundError& e) {
    FAIL() << "reported as missing instead of mismatched: " << e.what();
  } catch (const ModelCardError& e) {
    EXPECT_NE(std::string(e.what()).find("SHA-256"), std::string::npos) << e.what();
  }
}

TEST(ModelRepository, AMissingModelNamesTheRootsSearchedAndWhatTheyHold) {
  TempDir a("repo-missing-a");
  write_model(a.str("bcae-a"), "bcae-a", "bcae-2d", "1", "a");
  const std::string absent = a.str("no-such-root");
  const ModelRepository repo({a.str(), absent});

  const std::string msg = message_of([&] { repo.resolve("bcae-b"); });
  EXPECT_NE(msg.find("'bcae-b'"), std::string::npos) << msg;
  EXPECT_NE(msg.find(a.str()), std::string::npos) << msg;
  EXPECT_NE(msg.find(absent + " (missing)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("bcae-a@1"), std::string::npos) << msg;

  const std::string no_version = message_of([&] { repo.resolve("bcae-a@7"); });
  EXPECT_NE(no_version.find("'bcae-a@7'"), std::string::npos) << no_version;

  const std::string wrong_sha = message_of([&] { repo.find_by_weights("bcae-a", "deadbeef:cafe"); });
  EXPECT_NE(wrong_sha.find("deadbeef:cafe"), std::string::npos) << wrong_sha;
  EXPECT_NE(wrong_sha.find("versions found: bcae-a@1"), std::string::npos) << wrong_sha;

  EXPECT_THROW(ModelRepository({}).resolve("x"), ModelNotFoundError);
  EXPECT_THROW(repo.resolve(""), ModelNotFoundError);
}

TEST(ModelRepository, ABrokenCardIsSkippedAndNamedNotFatal) {
  TempDir root("repo-broken");
  write_model(root.str("good"), "good", "bcae-2d", "1", "g");
  fs::create_directories(root.str("bad"));
  std::ofstream(root.str("bad/model.json")) << "{ not json";
  const ModelRepository repo({root.str()});
  EXPECT_EQ(repo.resolve("good").name, "good");
  const std::string msg = message_of([&] { repo.resolve("bad"); });
  EXPECT_NE(msg.find("unreadable cards"), std::string::npos) << msg;
  EXPECT_NE(msg.find(root.str("bad")), std::string::npos) << msg;
}

TEST(ModelRepository, ExtraKeysAndFilesInAModelDirectoryAreIgnored) {
  TempDir root("repo-extra");
  write_model(root.str("bcae-rd"), "bcae-rd", "bcae-2d", "3", "w",
              {{"latent_tables", "latent_tables.bin"}, {"rate_distortion", {{"bits", {4, 6, 8}}}}});
  std::ofstream(root.str("bcae-rd/latent_tables.bin")) << "tables";
  fs::create_directories(root.str("bcae-rd/notes"));  // a subfolder without a card is not a version
  const ModelRepository repo({root.str()});
  const ModelCard c = repo.resolve("bcae-rd");
  EXPECT_EQ(c.dir, root.str("bcae-rd"));
  EXPECT_EQ(c.raw.at("latent_tables"), "latent_tables.bin");
  EXPECT_EQ(repo.versions("bcae-rd").size(), 1u);
}

TEST(ModelRepository, ArchAndCardMetricsPickAmongTheLatestVersions) {
  TempDir root("repo-best");
  write_model(root.str("bcae-a"), "bcae-a", "bcae-2d", "1", "a", {{"metrics_heldout", {{"mse", 300.0}}}});
  write_model(root.str("bcae-b"), "bcae-b", "bcae-v1", "1", "b", {{"metrics_heldout", {{"mse", 150.0}}}});
  write_model(root.str("bcae-c"), "bcae-c", "bcae-v1", "1", "c");  // no metrics: passed over
  write_model(root.str("jet-a"), "jet-a", "jet-ae-27d", "1", "j", {{"metrics", {{"mse_normalised", 0.01}}}});
  // An old version of bcae-a with the best figure of all must not win: only latest versions compete.
  write_model(root.str("bcae-a/2"), "bcae-a", "bcae-2d", "2", "a2", {{"metrics_heldout", {{"mse", 400.0}}}});
  write_model(root.str("bcae-a/1"), "bcae-a", "bcae-2d", "1", "a1", {{"metrics_heldout", {{"mse", 1.0}}}});
  const ModelRepository repo({root.str()});

  EXPECT_EQ(repo.first_with_arch("bcae")->name, "bcae-a");   // first by name
  EXPECT_EQ(repo.first_with_arch("bcae-v1")->name, "bcae-b");
  EXPECT_FALSE(repo.first_with_arch("zfp").has_value());

  const CardMetric mse{"metrics_heldout.mse", CardMetric::kLowerIsBetter};
  EXPECT_EQ(repo.best_by_card("bcae", mse)->name, "bcae-b");
  EXPECT_EQ(repo.best_by_card("bcae", {"metrics_heldout.mse", CardMetric::kHigherIsBetter})->dir, root.str("bcae-a/2"));
  EXPECT_EQ(repo.best_by_card("jet-ae-27d", {"metrics.mse_normalised", CardMetric::kLowerIsBetter})->name, "jet-a");
  EXPECT_FALSE(repo.best_by_card("jet-ae-4d", mse).has_value());
  EXPECT_FALSE(repo.best_by_card("bcae", {"metrics_heldout.nothing", CardMetric::kLowerIsBetter}).has_value());
}

TEST(ModelRepository, RootsMayBeModelDirectoriesAndTheFirstRootWinsATie) {
  TempDir a("repo-roots-a"), b("repo-roots-b");
  const ModelCard in_a = write_model(a.str("m"), "m", "bcae-2d", "1", "same");
  write_model(b.str("m"), "m", "bcae-2d", "1", "same");
  const ModelCard solo = write_model(b.str("solo"), "solo", "jet-ae-4d", "1", "s");
  const ModelRepository repo({a.str(), b.str("solo"), b.str()});
  EXPECT_EQ(repo.resolve("m").dir, in_a.dir);
  EXPECT_EQ(repo.resolve("solo").dir, solo.dir);
  EXPECT_EQ(repo.scan().size(), 3u);  // b/solo reached twice, listed once
  EXPECT_EQ(repo.latest().size(), 2u);
}

TEST(ModelRepository, AFolderOfSeveralModelsIsNotOneModel) {
  TempDir root("repo-several");
  write_model(root.str("a"), "a", "bcae-2d", "1", "a");
  write_model(root.str("b"), "b", "bcae-2d", "1", "b");
  try {
    ModelRepository({}).resolve(root.str());
    FAIL() << "a folder of models resolved to one";
  } catch (const ModelNotFoundError& e) {
    EXPECT_NE(std::string(e.what()).find("several models (a, b)"), std::string::npos) << e.what();
  }
}

TEST(ModelRepository, TheShippedModelsResolveByNameAndByPath) {
  const std::string root = std::string(DAQZ_SOURCE_DIR) + "/deploy/models";
  const ModelRepository repo({root});
  const auto all = repo.latest();
  if (all.empty()) GTEST_SKIP() << "no shipped models under " << root;
  for (const auto& e : all) {
    EXPECT_EQ(repo.resolve(e.card.name).dir, e.card.dir);
    EXPECT_EQ(ModelRepository({}).resolve(e.card.dir).name, e.card.name);
    EXPECT_EQ(repo.find_by_weights(e.card.name, e.card.weights_sha256()).dir, e.card.dir);
  }
}

}  // namespace
}  // namespace daqz
