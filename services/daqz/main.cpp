// daqz — the offline and operator CLI (simulate, stats, train, eval, decode, export, demo, ...).
// Subcommands live in cmd_*.cpp files and register themselves (see command.h).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

#include "command.h"
#include "base/build_info.h"
#include "base/logging.h"
#include "codec_torch/neural_codecs.h"
#ifndef DAQZ_TORCH_ONLY
#include "codec_classic/classic_codecs.h"
#endif

namespace daqz::cli {
std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> registry;
  return registry;
}
}  // namespace daqz::cli

int main(int argc, char** argv) {
  CLI::App app{"daqz: streaming neural compression for detector readout — operator and offline CLI"};
  app.set_version_flag("--version", daqz::build_info_string());
  app.require_subcommand(1);
  // Logs go to stderr so that --json output on stdout stays machine-readable.
  daqz::setup_logging("daqz", "info");
  daqz::register_neural_codecs();
#ifndef DAQZ_TORCH_ONLY
  daqz::register_classic_codecs();
#endif
  int exit_code = 0;
  auto& registry = daqz::cli::command_registry();
  std::sort(registry.begin(), registry.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (auto& entry : registry) {
    CLI::App* sub = app.add_subcommand(entry.name, entry.help);
    entry.setup(*sub, exit_code);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  return exit_code;
}
