#include "base/install_paths.h"

#include <filesystem>
#include <system_error>

namespace daqz {

namespace fs = std::filesystem;

std::string binary_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

std::string models_root_near(const std::string& anchor_dir) {
  const fs::path anchor(anchor_dir);
  for (const fs::path& candidate : {anchor / ".." / "share" / "daqz" / "models", anchor / ".." / ".." / "deploy" / "models"}) {
    std::error_code ec;
    if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
  }
  return "";
}

std::string default_models_root() {
  std::error_code ec;
  if (fs::is_directory("deploy/models", ec)) return "deploy/models";
  const std::string near = models_root_near(binary_dir());
  return near.empty() ? "deploy/models" : near;
}

}  // namespace daqz
