#include "base/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace daqz {

namespace {

int priority_of(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return 7;     // LOG_DEBUG
    case spdlog::level::info: return 6;      // LOG_INFO
    case spdlog::level::warn: return 4;      // LOG_WARNING
    case spdlog::level::err: return 3;       // LOG_ERR
    case spdlog::level::critical: return 2;  // LOG_CRIT
    default: return 6;
  }
}

// The "%*" pattern flag: "<N>", the sd-daemon(3) prefix journald parses into the line's priority.
class JournalPriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const char prefix[] = {'<', char('0' + priority_of(msg.level)), '>'};
    dest.append(prefix, prefix + sizeof prefix);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JournalPriorityFlag>(); }
};

}  // namespace

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  unsigned long long dev = 0, ino = 0;
  if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2) return false;
  struct stat st {};
  if (::fstat(2, &st) != 0) return false;
  return static_cast<unsigned long long>(st.st_dev) == dev && static_cast<unsigned long long>(st.st_ino) == ino;
}

int journal_priority(const std::string& level) { return priority_of(spdlog::level::from_str(level)); }

void setup_logging(const std::string& service, const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw std::invalid_argument("unknown log level '" + level + "'; use trace, debug, info, warn, error or off");
  spdlog::drop(service);
  auto logger = spdlog::stderr_color_mt(service);
  spdlog::set_default_logger(logger);
  // Registry-wide (spdlog::set_formatter), so loggers a command creates later format alike.
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  if (stderr_is_journal())
    formatter->add_flag<JournalPriorityFlag>('*').set_pattern("%*%n %l %v");
  else
    formatter->set_pattern("%Y-%m-%dT%H:%M:%S.%e %n %^%l%$ %v");
  spdlog::set_formatter(std::move(formatter));
  spdlog::set_level(lvl);
}

}  // namespace daqz
