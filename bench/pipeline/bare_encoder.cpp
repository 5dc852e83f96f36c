#include "bare_encoder.h"

#include "codec/codec.h"
#include "testing/proc_stats.h"

namespace daqz::bench {

BareResult bare_encode(const Common& c, const std::string& codec_id, const std::vector<SparseWedge>& pool, size_t batch,
                       int threads, double seconds) {
  CodecOptions o;
  o.model_dir = codec_id == "bcae" ? c.model : "";
  o.intra_op_threads = threads;
  o.params = codec_params(c, codec_id, batch);
  auto codec = make_wedge_codec(codec_id, o);
  wait_for_quiet(c);
  size_t next = 0;
  auto one_batch = [&] {
    std::vector<const SparseWedge*> b;
    for (size_t k = 0; k < batch; ++k) b.push_back(&pool[next++ % pool.size()]);
    return codec->encode(b).size();
  };
  for (int i = 0; i < 2; ++i) one_batch();  // warm-up (allocator, oneDNN primitives)
  const auto t0 = Clock::now();
  const double c0 = self_cpu_seconds();
  size_t wedges = 0;
  while (seconds_since(t0) < seconds) wedges += one_batch();
  BareResult r;
  r.wedges_per_s = double(wedges) / seconds_since(t0);
  r.cpu_wedges_per_s = double(wedges) / (self_cpu_seconds() - c0);
  r.load = load_1min();
  return r;
}

}  // namespace daqz::bench
