// The process's codec registry: factories by id, filled by register_*_codecs() of the codec layers.
#include <mutex>

#include "codec/codec.h"
#include "codec/jet_float_trunc.h"

namespace daqz {
namespace {

// Codecs that live in a layer this binary may not link, so that a missing one is explained.
constexpr const char* kNeuralCodecs[] = {"bcae", "jet-ae", "float-trunc+jet-ae"};

struct Registry {
  std::mutex mu;
  std::vector<std::pair<std::string, WedgeCodecFactory>> wedge;
  std::vector<std::pair<std::string, JetCodecFactory>> jets;
  DeviceCheck device_check;

  Registry() {
    jets.emplace_back(kFloatTruncCodecId, [](const CodecOptions& o) -> std::unique_ptr<JetCodec> {
      return std::make_unique<FloatTruncCodec>(o.params);
    });
  }
};

Registry& registry() {
  static Registry r;  // function-local: initialised on first use, thread-safe since C++11
  return r;
}

template <typename Factory>
void put(std::vector<std::pair<std::string, Factory>>& list, const std::string& id, Factory f) {
  for (auto& entry : list)
    if (entry.first == id) {
      entry.second = std::move(f);
      return;
    }
  list.emplace_back(id, std::move(f));
}

template <typename Factory>
std::vector<std::string> ids(const std::vector<std::pair<std::string, Factory>>& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e.first);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "(none)" : s;
}

std::string unknown(const char* kind, const std::string& id, const std::vector<std::string>& known) {
  for (const char* neural : kNeuralCodecs)
    if (id == neural)
      return std::string(kind) + " codec '" + id + "' is not built into this executable (neural codecs need " +
             "LibTorch: use daqz-ingest or daqz); known here: " + joined(known);
  return std::string("unknown ") + kind + " codec '" + id + "'; known: " + joined(known);
}

}  // namespace

void register_wedge_codec(const std::string& codec_id, WedgeCodecFactory factory) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  put(r.wedge, codec_id, std::move(factory));
}

void register_jet_codec(const std::string& codec_id, JetCodecFactory factory) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  put(r.jets, codec_id, std::move(factory));
}

std::vector<std::string> known_wedge_codecs() {
  std::lock_guard lock(registry().mu);
  return ids(registry().wedge);
}

std::vector<std::string> known_jet_codecs() {
  std::lock_guard lock(registry().mu);
  return ids(registry().jets);
}

std::unique_ptr<WedgeCodec> make_wedge_codec(const std::string& codec_id, const CodecOptions& options) {
  WedgeCodecFactory factory;
  {
    std::lock_guard lock(registry().mu);
    for (const auto& [id, f] : registry().wedge)
      if (id == codec_id) factory = f;
  }
  if (!factory) throw CodecError(unknown("wedge", codec_id, known_wedge_codecs()));
  return factory(options);  // outside the lock: loading a model takes seconds
}

std::unique_ptr<JetCodec> make_jet_codec(const std::string& codec_id, const CodecOptions& options) {
  JetCodecFactory factory;
  {
    std::lock_guard lock(registry().mu);
    for (const auto& [id, f] : registry().jets)
      if (id == codec_id) factory = f;
  }
  if (!factory) throw CodecError(unknown("jet", codec_id, known_jet_codecs()));
  return factory(options);
}

void register_device_check(DeviceCheck check) {
  std::lock_guard lock(registry().mu);
  registry().device_check = std::move(check);
}

void check_compute_device(const std::string& device) {
  DeviceCheck check;
  {
    std::lock_guard lock(registry().mu);
    check = registry().device_check;
  }
  if (check) return check(device);
  if (device != "cpu")
    throw std::invalid_argument("device '" + device + "' is not usable: this executable has no LibTorch, only 'cpu'");
}

}  // namespace daqz
