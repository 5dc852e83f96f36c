// What a process and the machine are using, read from /proc: resident memory and CPU time per
// process and per thread, the load average and the machine's busy cores. For the benches (CPU per
// wedge, RSS flatness), `daqz demo` and tests.
//
//   double rss = rss_mib(child.pid()).value_or(-1);                 // VmRSS
//   double cpu0 = process_cpu_seconds(child.pid()).value_or(0);     // user + system so far
//   for (const auto& [tid, t] : thread_cpu_seconds(child.pid())) ... t.name, t.cpu_seconds
//   double others = machine_busy_cores(2.0);                        // sleeps 2 s
//
// Linux only. A process that is gone gives nullopt (or an empty map): sampling races with exits.
// Thread-safe (no shared state).
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

namespace daqz {

// The fields of a /proc/PID/stat or /proc/PID/task/TID/stat line that the samplers use.
struct ProcStat {
  std::string comm;          // the name between the parentheses (may hold spaces and parentheses)
  char state = '?';
  double cpu_seconds = 0;    // utime + stime
};
// Parses one stat line; nullopt when it is not one.
std::optional<ProcStat> parse_proc_stat(const std::string& line);

std::optional<double> rss_mib(pid_t pid);
std::optional<double> process_cpu_seconds(pid_t pid);

struct ThreadCpu {
  std::string name;
  double cpu_seconds = 0;
};
// Every thread of `pid` by thread id.
std::map<int, ThreadCpu> thread_cpu_seconds(pid_t pid);

// CPU seconds of the calling process (all its threads).
double self_cpu_seconds();

// "/proc/loadavg" 1, 5 and 15-minute figures as "a b c", and the 1-minute one as a number.
std::string load_average();
double load_1min();

// Non-nice CPU time (user + system + irq + softirq) the whole machine used over the next `seconds`,
// in cores: others' builds count, nice-19 background jobs (which yield to us) do not. Sleeps.
double machine_busy_cores(double seconds);

}  // namespace daqz
