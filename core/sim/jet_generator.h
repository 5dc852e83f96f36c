// Generator of ATLAS trigger-level (TLA) jets in the 27D feature schema (see jets/jet_schema.h):
// falling pT spectrum, mass growing with pT, correlated cluster variables; ~4.6 jets per event.
//
//   auto gen = make_jet_generator(/*seed=*/1);
//   std::optional<JetBatch> event = gen->next();   // one collision's jets, schema 27D
//   JetBatch many = generate_jets(/*seed=*/7, /*n_jets=*/100000);   // events concatenated
//
// Deterministic for a given seed on every platform (own RNG and distributions, no std::
// distributions, whose output differs between standard libraries). Not thread-safe (one
// generator per thread). Jets within an event are ordered by descending pt, as ATLAS stores them.
// Model of each variable: docs/jets.md ("Generator").
#pragma once

#include <cstdint>
#include <memory>

#include "sim/wedge_source.h"

namespace daqz {

struct JetGeneratorConfig {
  double jets_per_event_mean = 4.6;
  uint64_t max_events = 0;  // 0 = unbounded
  double pt_min_gev = 20.0;        // trigger-level jet threshold
  double pt_spectrum_index = 4.5;  // dN/dpt ~ pt^-index above pt_min
  double eta_max = 2.8;            // TLA acceptance
};

std::unique_ptr<JetSource> make_jet_generator(uint64_t seed, JetGeneratorConfig config = {});

// Convenience for training and eval: exactly n_jets jets (whole events, the last one cut),
// schema kJetSchemaTla27.
JetBatch generate_jets(uint64_t seed, size_t n_jets, JetGeneratorConfig config = {});

}  // namespace daqz
