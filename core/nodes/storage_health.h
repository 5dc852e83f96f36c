// Can the sink still store what it is sent? Three inputs, one answer:
//   - free space of the segment folder's filesystem (statvfs), against a threshold;
//   - a probe file created and removed in the folder (a read-only remount or lost permissions show
//     before the next record arrives);
//   - the outcome of the sink's own appends and fsyncs (a failure holds until a write succeeds).
// The first two are checked every `interval_s` on the monitor's own thread, never on the data
// path (statvfs can stall on a sick filesystem). The answer drives the readiness condition
// "storage_writable" of the service's HealthState (so /readyz says 503 with the reason) and the
// gauges daqz_sink_disk_free_bytes, daqz_sink_disk_total_bytes and daqz_sink_storage_writable.
//
//   StorageHealthConfig cfg;  cfg.dir = "data";  cfg.min_free_bytes = 1ull << 30;
//   StorageHealthMonitor storage(cfg, registry, health);
//   if (append ok) storage.write_succeeded(); else storage.write_failed(error.what());
//
// Thread-safe. write_succeeded() costs one atomic load unless it clears a failure. The
// destructor stops and joins the thread. Construction does a first check at once, so the
// condition and gauges are right before the sink starts serving.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace prometheus {
class Gauge;
class Registry;
}  // namespace prometheus

namespace daqz {

class HealthState;

struct StorageHealthConfig {
  // One default segment: below that the next segment may not fit.
  static constexpr uint64_t kDefaultMinFreeBytes = 256ull << 20;
  static constexpr double kDefaultIntervalS = 5;
  static constexpr const char* kConditionName = "storage_writable";

  std::string dir;
  uint64_t min_free_bytes = kDefaultMinFreeBytes;
  double interval_s = kDefaultIntervalS;
};

struct DiskSpace {
  uint64_t free_bytes = 0;   // available to an unprivileged writer (f_bavail)
  uint64_t total_bytes = 0;
};
// statvfs of the filesystem holding `path`. Throws std::system_error naming the path.
DiskSpace disk_space(const std::string& path);

class StorageHealthMonitor {
 public:
  StorageHealthMonitor(StorageHealthConfig config, prometheus::Registry& registry,
                       std::shared_ptr<HealthState> health);
  ~StorageHealthMonitor();
  StorageHealthMonitor(const StorageHealthMonitor&) = delete;
  StorageHealthMonitor& operator=(const StorageHealthMonitor&) = delete;

  void write_succeeded();
  void write_failed(const std::string& what);
  void check_now();  // statvfs + probe file, then update; the thread calls it every interval

  bool writable() const;
  std::string reason() const;  // why not writable ("" when writable)

 private:
  std::string combined_reason() const;  // with mu_ held
  void publish();                       // with mu_ held: condition + writable gauge
  void loop();

  const StorageHealthConfig config_;
  std::shared_ptr<HealthState> health_;
  prometheus::Gauge& free_bytes_;
  prometheus::Gauge& total_bytes_;
  prometheus::Gauge& writable_;
  std::atomic<bool> write_failing_{false};  // fast path of write_succeeded()
  mutable std::mutex mu_;
  std::string space_problem_, probe_problem_, write_problem_;  // "" = fine
  bool stopping_ = false;
  std::condition_variable wake_;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace daqz
