// The in-process reference of the e2e mode: the same codec, options, batch and threads as the
// ingest node, encoding the same wedges in this process, with nothing else around it.
#pragma once

#include <string>
#include <vector>

#include "common.h"

namespace daqz::bench {

struct BareResult {
  double wedges_per_s = 0;      // per wall-clock second
  double cpu_wedges_per_s = 0;  // per CPU-second of this process
  double load = 0;              // 1-minute load average at the end
};

// Encodes `pool` round-robin in batches of `batch` for `seconds` (after two warm-up batches).
BareResult bare_encode(const Common& c, const std::string& codec_id, const std::vector<SparseWedge>& pool, size_t batch,
                       int threads, double seconds);

}  // namespace daqz::bench
