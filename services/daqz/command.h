// Subcommands of the `daqz` operator CLI register themselves: each lives in its own
// cmd_<name>.cpp and ends with
//
//   DAQZ_COMMAND(simulate, "Simulate TPC wedges and jets into a folder", setup_simulate);
//
// where `void setup_simulate(CLI::App& sub, int& exit_code)` adds options to `sub` and sets a
// callback that runs the command and stores its exit code. main.cpp needs no edit.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace daqz::cli {

using CommandSetup = std::function<void(CLI::App& sub, int& exit_code)>;

struct CommandEntry {
  std::string name;
  std::string help;
  CommandSetup setup;
};

std::vector<CommandEntry>& command_registry();

// The command as the user would retype it ("daqz train --arch ..."), from the options actually given:
// model cards record it so that a model can be reproduced.
inline std::string reconstruct_command(const std::string& command, const CLI::App& sub) {
  std::ostringstream s;
  s << command;
  for (const CLI::Option* o : sub.get_options()) {
    if (o->count() == 0 || o->get_name() == "--help") continue;
    s << " " << o->get_name();
    for (const auto& r : o->results())
      if (o->get_expected_min() > 0) s << " " << r;
  }
  return s.str();
}

struct CommandRegistrar {
  CommandRegistrar(std::string name, std::string help, CommandSetup setup) {
    command_registry().push_back({std::move(name), std::move(help), std::move(setup)});
  }
};

}  // namespace daqz::cli

#define DAQZ_COMMAND(name, help, setup) \
  static const ::daqz::cli::CommandRegistrar daqz_command_##name(#name, help, setup)
