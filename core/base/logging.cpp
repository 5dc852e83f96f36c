#include "base/logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace daqz {

void setup_logging(const std::string& service, const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw std::invalid_argument("unknown log level '" + level + "'; use trace, debug, info, warn, error or off");
  auto logger = spdlog::stderr_color_mt(service);
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %n %^%l%$ %v");
  spdlog::set_level(lvl);
}

}  // namespace daqz
