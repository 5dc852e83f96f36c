// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID: a vDSO call, tens of nanoseconds), so
// that a pipeline stage can account its own CPU cost per item without sampling /proc.
//
//   const double t0 = thread_cpu_seconds();
//   validate(item);
//   stats.stage_cpu(Stage::kValidate).Increment(thread_cpu_seconds() - t0);
#pragma once

#include <ctime>

namespace daqz {

inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

}  // namespace daqz
