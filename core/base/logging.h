// Logging set-up shared by every executable: spdlog to stderr with the service name, level by flag.
#pragma once

#include <string>

namespace daqz {

// level: trace, debug, info, warn, error, off. Throws std::invalid_argument on an unknown level.
void setup_logging(const std::string& service, const std::string& level);

}  // namespace daqz
