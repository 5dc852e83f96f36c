// Loading and slicing jet data sets: float32 .npy files of shape (n, f) (f = 27, 15 or 4, the
// schema inferred from the width), or "generate:N:SEED" for N generated jets (jets/jet_generator.h).
//
//   JetBatch all = load_jet_input("generate:100000:7");    // or "jets.npy"
//   JetBatch head = slice_jets(all, 0, 1000);
//   save_jets_npy("out.npy", head);
//
// Free functions, thread-safe. Throw std::runtime_error naming the file or spec.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/records.h"

namespace daqz {

// kJetSchemaTla27 / 15 / 4 for widths 27 / 15 / 4, else kJetSchemaUnknown.
uint32_t jet_schema_for_width(size_t f);

JetBatch load_jets_npy(const std::string& path);
void save_jets_npy(const std::string& path, const JetBatch& batch);
JetBatch load_jet_input(const std::string& spec);
JetBatch slice_jets(const JetBatch& batch, size_t first, size_t count);

}  // namespace daqz
