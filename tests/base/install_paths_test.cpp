#include "base/install_paths.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace daqz {
namespace {

namespace fs = std::filesystem;

TEST(InstallPaths, AnInstallFindsModelsUnderShareBesideBin) {
  const fs::path prefix = fs::path(testing::TempDir()) / "install-paths-prefix";
  fs::remove_all(prefix);
  fs::create_directories(prefix / "bin");
  EXPECT_EQ(models_root_near((prefix / "bin").string()), "");  // nothing there yet
  fs::create_directories(prefix / "share/daqz/models");
  EXPECT_EQ(models_root_near((prefix / "bin").string()), fs::weakly_canonical(prefix / "share/daqz/models").string());
  fs::remove_all(prefix);
}

TEST(InstallPaths, ABuildTreeFindsTheCheckoutsModels) {
  const fs::path checkout = fs::path(testing::TempDir()) / "install-paths-checkout";
  fs::remove_all(checkout);
  fs::create_directories(checkout / "build/bin");
  fs::create_directories(checkout / "deploy/models");
  EXPECT_EQ(models_root_near((checkout / "build/bin").string()), fs::weakly_canonical(checkout / "deploy/models").string());
  fs::remove_all(checkout);
}

TEST(InstallPaths, BinaryDirIsThisTestsFolder) {
  EXPECT_TRUE(fs::exists(fs::path(binary_dir()) / "daqz_base_tests"));
  EXPECT_FALSE(default_models_root().empty());
}

}  // namespace
}  // namespace daqz
