// Files in tests: a fresh folder under the system temp dir for one test, removed when the object
// goes, and a whole file read back as text.
//
//   testing::TempDir dir("models");            // /tmp/daqz-models-<pid>-<n>
//   std::ofstream(dir.str("a.log")) << "x";
//   EXPECT_EQ(testing::read_text_file(dir.str("a.log")), "x");
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace daqz::testing {

struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    static std::atomic<int> n{0};
    path = std::filesystem::temp_directory_path() /
           ("daqz-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string str(const std::string& child = "") const { return child.empty() ? path.string() : (path / child).string(); }
};

// The whole file ("" when it cannot be read: the caller's expectation then fails and shows it).
inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace daqz::testing
