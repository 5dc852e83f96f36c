// The human summary `daqz demo` prints by default (--json keeps the machine-readable line): what ran,
// throughput, compression ratio, fidelity, losses, and where the metrics are.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace daqz::cli {

// `summary` is the demo's JSON summary; `work_dir_note` says what became of the work folder
// (e.g. "removed", "kept").
std::string demo_summary_text(const nlohmann::json& summary, const std::string& work_dir_note);

}  // namespace daqz::cli
