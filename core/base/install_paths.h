// Where a daqz binary finds its shipped files, whether it runs from a build tree, a source checkout
// or an install (a .deb puts binaries in /usr/bin and models in /usr/share/daqz/models).
//
//   std::vector<std::string> roots = {default_models_root()};   // the --models default of a command
//
// default_models_root() picks, in order: ./deploy/models when it exists (a source checkout, as the
// examples in the docs assume), <dir of the executable>/../share/daqz/models (an install under any
// prefix: the path is relative to the binary, so an unpacked package works where it was unpacked),
// <dir of the executable>/../../deploy/models (build/bin of a build folder inside the checkout).
// When none exists it returns "deploy/models", so error messages name the conventional place.
// Plain functions; thread-safe.
#pragma once

#include <string>

namespace daqz {

// The folder of the running executable (/proc/self/exe); "." if it cannot be read. (testing/process.h
// has executable_dir() for tests and benches; this one is for every binary.)
std::string binary_dir();

// The default models root as described above, for binaries.
std::string default_models_root();

// The same search with `anchor_dir` in place of the executable's folder: an install lays out
// <prefix>/bin and <prefix>/share/daqz/models, a build tree <build>/bin beside the checkout's
// deploy/models. Returns "" when neither exists under the anchor (the caller decides the fallback).
std::string models_root_near(const std::string& anchor_dir);

}  // namespace daqz
