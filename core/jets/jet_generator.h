// Generator of ATLAS trigger-level (TLA) jets in the 27D feature schema (see jets/jet_schema.h):
// falling pT spectrum, mass growing with pT, correlated cluster variables; ~4.6 jets per event.
//
//   auto gen = make_jet_generator(/*seed=*/1);
//   std::optional<JetBatch> event = gen->next();   // one collision's jets, schema 27D
//
// Deterministic for a given seed. Not thread-safe (one generator per thread).
#pragma once

#include <cstdint>
#include <memory>

#include "sim/wedge_source.h"

namespace daqz {

struct JetGeneratorConfig {
  double jets_per_event_mean = 4.6;
  uint64_t max_events = 0;  // 0 = unbounded
};

std::unique_ptr<JetSource> make_jet_generator(uint64_t seed, JetGeneratorConfig config = {});

}  // namespace daqz
