#include "testing/proc_stats.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace daqz {
namespace {

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

double ticks_per_second() { return double(::sysconf(_SC_CLK_TCK)); }

}  // namespace

std::optional<ProcStat> parse_proc_stat(const std::string& line) {
  // "pid (comm) state ppid ...": comm may hold anything, so it ends at the LAST ')'.
  const auto open = line.find('('), close = line.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open || close + 2 > line.size())
    return std::nullopt;
  ProcStat s;
  s.comm = line.substr(open + 1, close - open - 1);
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;  // f[0] is field 3 (state); utime and stime are fields 14 and 15
  for (std::string x; f.size() < 13 && fields >> x;) f.push_back(x);
  if (f.size() < 13 || f[0].size() != 1) return std::nullopt;
  s.state = f[0][0];
  try {
    s.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks_per_second();
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return s;
}

std::optional<double> rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // "VmRSS:  1234 kB"
  return std::nullopt;
}

std::optional<double> process_cpu_seconds(pid_t pid) {
  const auto s = parse_proc_stat(first_line("/proc/" + std::to_string(pid) + "/stat"));
  if (!s) return std::nullopt;
  return s->cpu_seconds;
}

std::map<int, ThreadCpu> thread_cpu_seconds(pid_t pid) {
  std::map<int, ThreadCpu> out;
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc/" + std::to_string(pid) + "/task", ec), end; !ec && it != end;
       it.increment(ec)) {
    const auto s = parse_proc_stat(first_line((it->path() / "stat").string()));
    if (!s) continue;  // the thread ended between listing and reading
    out[std::stoi(it->path().filename().string())] = {s->comm, s->cpu_seconds};
  }
  return out;
}

double self_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double load_1min() {
  std::ifstream in("/proc/loadavg");
  double a = 0;
  in >> a;
  return a;
}

double machine_busy_cores(double seconds) {
  auto busy_ticks = [] {
    std::ifstream in("/proc/stat");
    std::string cpu;
    double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    return user + system + irq + softirq;
  };
  const double a = busy_ticks();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  return (busy_ticks() - a) / ticks_per_second() / seconds;
}

}  // namespace daqz
