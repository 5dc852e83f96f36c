#include "nodes/storage_health.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>
#include <system_error>

#include "runtime/health_state.h"
#include "runtime/metrics_server.h"

namespace daqz {
namespace {

// "12.0 MiB", "79.1 GiB": readable in a /readyz reason whatever the disk's size.
std::string readable_bytes(uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) v /= 1024, ++u;
  return fmt::format("{:.1f} {}", v, units[u]);
}

// Creates and removes a small file in `dir`: "" if that works, else what failed.
std::string probe_write(const std::string& dir) {
  const std::string path = dir + "/.daqz-write-probe";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return "cannot create a file in '" + dir + "': " + std::strerror(errno);
  ::close(fd);
  if (::unlink(path.c_str()) != 0) return "cannot remove '" + path + "': " + std::strerror(errno);
  return "";
}

}  // namespace

DiskSpace disk_space(const std::string& path) {
  struct statvfs st {};
  if (::statvfs(path.c_str(), &st) != 0)
    throw std::system_error(errno, std::generic_category(), "statvfs '" + path + "'");
  return DiskSpace{uint64_t(st.f_bavail) * st.f_frsize, uint64_t(st.f_blocks) * st.f_frsize};
}

StorageHealthMonitor::StorageHealthMonitor(StorageHealthConfig config, prometheus::Registry& registry,
                                           std::shared_ptr<HealthState> health)
    : config_(std::move(config)),
      health_(std::move(health)),
      free_bytes_(add_gauge(registry, "daqz_sink_disk_free_bytes",
                            "Bytes available to the sink on the filesystem of its segment folder")),
      total_bytes_(add_gauge(registry, "daqz_sink_disk_total_bytes", "Size of the filesystem of the segment folder")),
      writable_(add_gauge(registry, "daqz_sink_storage_writable",
                          "1 while the sink can store records (free space, probe file, last write), else 0")) {
  if (config_.interval_s <= 0) throw std::invalid_argument("StorageHealthConfig: interval_s must be > 0");
  check_now();
  thread_ = std::thread([this] { loop(); });
}

StorageHealthMonitor::~StorageHealthMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StorageHealthMonitor::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto interval = std::chrono::duration<double>(config_.interval_s);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    check_now();
    lock.lock();
  }
}

void StorageHealthMonitor::check_now() {
  std::string space_problem;
  try {
    const DiskSpace d = disk_space(config_.dir);
    free_bytes_.Set(double(d.free_bytes));
    total_bytes_.Set(double(d.total_bytes));
    if (d.free_bytes < config_.min_free_bytes)
      space_problem = "free space " + readable_bytes(d.free_bytes) + " in '" + config_.dir + "' is below the minimum " +
                      readable_bytes(config_.min_free_bytes);
  } catch (const std::system_error& e) {
    space_problem = e.what();
  }
  const std::string probe_problem = probe_write(config_.dir);
  std::lock_guard<std::mutex> lock(mu_);
  // Log transitions only: the free-space figure in the text changes at every check.
  auto log_transition = [](const std::string& was, const std::string& now) {
    if (was.empty() && !now.empty()) spdlog::warn("storage: {}", now);
    if (!was.empty() && now.empty()) spdlog::info("storage: resolved ({})", was);
  };
  log_transition(space_problem_, space_problem);
  log_transition(probe_problem_, probe_problem);
  space_problem_ = space_problem;
  probe_problem_ = probe_problem;
  publish();
}

void StorageHealthMonitor::write_succeeded() {
  if (!write_failing_.load(std::memory_order_relaxed)) return;  // the per-record path: nothing to do
  std::lock_guard<std::mutex> lock(mu_);
  write_failing_ = false;
  write_problem_.clear();
  spdlog::info("storage: writes succeed again");
  publish();
}

void StorageHealthMonitor::write_failed(const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  write_failing_ = true;
  write_problem_ = "last write failed: " + what;
  publish();
}

std::string StorageHealthMonitor::combined_reason() const {
  std::string why;
  for (const std::string* p : {&write_problem_, &space_problem_, &probe_problem_})
    if (!p->empty()) why += (why.empty() ? "" : "; ") + *p;
  return why;
}

void StorageHealthMonitor::publish() {
  const std::string why = combined_reason();
  writable_.Set(why.empty() ? 1 : 0);
  if (health_) health_->set_condition(StorageHealthConfig::kConditionName, why.empty(), why);
}

bool StorageHealthMonitor::writable() const { return reason().empty(); }

std::string StorageHealthMonitor::reason() const {
  std::lock_guard<std::mutex> lock(mu_);
  return combined_reason();
}

}  // namespace daqz
