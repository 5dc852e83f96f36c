#include "sim/jet_data.h"

#include <stdexcept>

#include "sim/jet_generator.h"
#include "codec/jet_schema.h"
#include "base/npy.h"

namespace daqz {

uint32_t jet_schema_for_width(size_t f) {
  for (uint32_t id : known_jet_schemas())
    if (jet_schema(id).size() == f) return id;
  return kJetSchemaUnknown;
}

JetBatch load_jets_npy(const std::string& path) {
  const NpyArray a = read_npy(path);
  if (a.dtype != NpyDType::kFloat32 || a.shape.size() != 2)
    throw std::runtime_error("jet file '" + path + "' must be float32 of shape (n, f)");
  JetBatch b;
  b.n = uint32_t(a.shape[0]);
  b.f = uint32_t(a.shape[1]);
  b.schema_id = jet_schema_for_width(b.f);
  b.values.assign(a.as<float>(), a.as<float>() + a.elements());
  return b;
}

void save_jets_npy(const std::string& path, const JetBatch& batch) {
  write_npy(path, npy_from_floats(batch.values, {batch.n, batch.f}));
}

JetBatch load_jet_input(const std::string& spec) {
  if (spec.rfind("generate:", 0) == 0) {
    const std::string rest = spec.substr(9);
    const size_t colon = rest.find(':');
    try {
      const size_t n = std::stoul(rest.substr(0, colon));
      const uint64_t seed = colon == std::string::npos ? 12345 : std::stoull(rest.substr(colon + 1));
      if (n == 0) throw std::invalid_argument("zero jets");
      return generate_jets(seed, n);
    } catch (const std::logic_error&) {
      throw std::runtime_error("jet input '" + spec + "' must be generate:N[:SEED] with N > 0");
    }
  }
  return load_jets_npy(spec);
}

JetBatch slice_jets(const JetBatch& batch, size_t first, size_t count) {
  if (first + count > batch.n)
    throw std::runtime_error("slice_jets: rows " + std::to_string(first) + "+" + std::to_string(count) +
                             " exceed the batch of " + std::to_string(batch.n));
  JetBatch out;
  out.schema_id = batch.schema_id;
  out.n = uint32_t(count);
  out.f = batch.f;
  out.values.assign(batch.values.begin() + first * batch.f, batch.values.begin() + (first + count) * batch.f);
  return out;
}

}  // namespace daqz
