// Logging set-up shared by every executable: spdlog to stderr with the service name, level by flag.
//
// Under systemd, when stderr is the journal (JOURNAL_STREAM names stderr's device and inode, as
// systemd sets it for StandardError=journal), each line starts with its sd-daemon priority prefix
// instead of a timestamp: "<3>daqz-sink error: ...". journald then files the line under that
// priority (journalctl -p warning shows warnings and worse) and adds its own timestamp.
#pragma once

#include <string>

namespace daqz {

// level: trace, debug, info, warn, error, off. Throws std::invalid_argument on an unknown level.
// Calling it again (tests, a command that re-configures) replaces the logger of that name.
void setup_logging(const std::string& service, const std::string& level);

// True when JOURNAL_STREAM ("<device>:<inode>") matches the file stderr is connected to: the
// sd-daemon(3) test for "my stderr goes to the journal" (a child that inherited the variable but
// writes elsewhere does not match).
bool stderr_is_journal();

// The sd-daemon priority of a spdlog level name: trace/debug 7, info 6, warn 4, error 3, critical 2.
int journal_priority(const std::string& level);

}  // namespace daqz
