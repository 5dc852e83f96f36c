// Service configuration: one JSON file per service whose every key is also a command-line flag.
//
//   CLI::App app{"daqz-ingest"};
//   add_json_config(app);           // adds --config FILE (JSON object: {"workers": 2, "sink": ["tcp://..."]})
//   app.add_option("--workers", cfg.workers, "...");
//
// Flags given on the command line win over the file. Nested objects become "section.key".
// Unknown keys are an error (CLI11 rejects them), so typos in a config file are caught at start.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace daqz {

void add_json_config(CLI::App& app, const std::string& default_path = "");

// The effective configuration (all options with their values) as JSON, for logs and --dump-config.
std::string dump_json_config(const CLI::App& app);

}  // namespace daqz
