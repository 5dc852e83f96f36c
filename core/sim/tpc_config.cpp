#include "sim/tpc_config.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace daqz {

std::string layer_group_name(LayerGroup g) {
  switch (g) {
    case LayerGroup::kInner: return "inner";
    case LayerGroup::kMiddle: return "middle";
    case LayerGroup::kOuter: return "outer";
  }
  return "outer";
}

LayerGroup parse_layer_group(const std::string& name) {
  if (name == "inner") return LayerGroup::kInner;
  if (name == "middle") return LayerGroup::kMiddle;
  if (name == "outer") return LayerGroup::kOuter;
  throw std::invalid_argument("layer group '" + name + "' is not one of inner, middle, outer");
}

TpcGeometry TpcGeometry::for_group(LayerGroup g) {
  TpcGeometry geo;
  geo.group = g;
  switch (g) {
    case LayerGroup::kInner:  // sPHENIX R1 module rows
      geo.first_row_radius_cm = 31.0;
      geo.last_row_radius_cm = 40.0;
      geo.pads_per_layer = 1152;
      break;
    case LayerGroup::kMiddle:  // R2
      geo.first_row_radius_cm = 41.5;
      geo.last_row_radius_cm = 57.0;
      geo.pads_per_layer = 1536;
      break;
    case LayerGroup::kOuter:  // R3
      break;
  }
  return geo;
}

void TpcGeometry::validate() const {
  auto fail = [](const std::string& what) { throw std::invalid_argument("TPC geometry: " + what); };
  if (layers == 0 || layers > 64) fail("layers must be in [1, 64], got " + std::to_string(layers));
  if (!(first_row_radius_cm > 0) || !(last_row_radius_cm >= first_row_radius_cm))
    fail("row radii must satisfy 0 < first_row_radius_cm <= last_row_radius_cm");
  if (sectors == 0 || pads_per_layer % sectors != 0)
    fail("pads_per_layer (" + std::to_string(pads_per_layer) + ") must be a multiple of sectors (" +
         std::to_string(sectors) + ")");
  if (z_halves != 2) fail("z_halves must be 2 (the membrane splits the drift volume)");
  if (time_bins == 0 || time_bins % 2 != 0) fail("time_bins must be even and positive");
  if (pads_per_sector() > 65535 / layers) fail("pads per wedge exceed the 16-bit pad index");
  if (!(half_length_cm > 0) || !(drift_velocity_cm_per_us > 0))
    fail("half_length_cm and drift_velocity_cm_per_us must be positive");
}

void TpcPhysics::validate() const {
  auto fail = [](const std::string& what) { throw std::invalid_argument("TPC physics: " + what); };
  if (!(trigger_centrality_min >= 0 && trigger_centrality_min <= trigger_centrality_max &&
        trigger_centrality_max <= 1))
    fail("need 0 <= trigger_centrality_min <= trigger_centrality_max <= 1");
  if (!(pileup_rate_khz >= 0)) fail("pileup_rate_khz must be >= 0");
  if (!(pileup_window_drift_times > 0 && pileup_window_drift_times <= 2))
    fail("pileup_window_drift_times must be in (0, 2] (charge of collisions further away never reaches the frame)");
  if (dndeta_vs_centrality.size() < 2) fail("dndeta_vs_centrality needs at least 2 points");
  for (size_t i = 1; i < dndeta_vs_centrality.size(); ++i)
    if (!(dndeta_vs_centrality[i].first > dndeta_vs_centrality[i - 1].first))
      fail("dndeta_vs_centrality centralities must be strictly increasing");
  for (const auto& p : dndeta_vs_centrality)
    if (!(p.second >= 0)) fail("dndeta_vs_centrality values must be >= 0");
  if (!(eta_max > 0 && eta_max < 6)) fail("eta_max must be in (0, 6)");
  if (!(kaon_fraction >= 0 && proton_fraction >= 0 && kaon_fraction + proton_fraction <= 1))
    fail("kaon_fraction + proton_fraction must be in [0, 1]");
  if (!(tsallis_temperature_gev > 0) || !(tsallis_n > 3)) fail("need tsallis_temperature_gev > 0, tsallis_n > 3");
  if (!(secondary_electrons_per_primary >= 0) || !(secondary_pt_mean_gev > 0))
    fail("need secondary_electrons_per_primary >= 0 and secondary_pt_mean_gev > 0");
  if (!(soft_hits_per_primary_per_layer >= 0) || !(soft_hit_charge_mean_adc > 0))
    fail("need soft_hits_per_primary_per_layer >= 0 and soft_hit_charge_mean_adc > 0");
  if (max_half_turns == 0 || max_half_turns > 64) fail("max_half_turns must be in [1, 64]");
  if (!(magnetic_field_tesla > 0)) fail("magnetic_field_tesla must be > 0");
  if (!(electrons_per_cm_mpv > 0) || !(gem_gain > 0)) fail("electrons_per_cm_mpv and gem_gain must be > 0");
  if (!(max_ionisation_factor >= 1)) fail("max_ionisation_factor must be >= 1");
  if (!(landau_width >= 0) || !(landau_lambda_max > 0)) fail("need landau_width >= 0, landau_lambda_max > 0");
  if (!(step_cm >= 0.02 && step_cm <= 5)) fail("step_cm must be in [0.02, 5]");
  if (!(diffusion_transverse_cm_per_sqrt_cm >= 0) || !(diffusion_longitudinal_cm_per_sqrt_cm >= 0) ||
      !(pad_response_sigma_cm > 0))
    fail("diffusion constants must be >= 0 and pad_response_sigma_cm > 0");
  if (!(shaping_peaking_ns > 0) || !(adc_per_electron > 0)) fail("shaping_peaking_ns and adc_per_electron must be > 0");
  if (!(pedestal_adc >= 0 && pedestal_adc < 1023) || !(noise_adc >= 0))
    fail("need 0 <= pedestal_adc < 1023 and noise_adc >= 0");
  if (!(zs_threshold_adc > 0)) fail("zs_threshold_adc must be > 0");
  if (!(ml_acceptance_eta_max >= 0) || !(ml_acceptance_vertex_margin_cm >= 0))
    fail("need ml_acceptance_eta_max >= 0 (0 = no cut) and ml_acceptance_vertex_margin_cm >= 0");
  if (zs_post_samples == 0 || zs_post_samples > 64 || zs_pre_samples > 64)
    fail("zs_post_samples must be in [1, 64] and zs_pre_samples in [0, 64]");
}

TpcSimConfig TpcSimConfig::for_group(LayerGroup g) {
  TpcSimConfig cfg;
  cfg.geometry = TpcGeometry::for_group(g);
  return cfg;
}

namespace {

// One list of (name, field) per struct serves both directions, so names cannot drift apart.
template <typename G, typename F>
void visit_geometry(G& g, F&& f) {
  f("layers", g.layers);
  f("first_row_radius_cm", g.first_row_radius_cm);
  f("last_row_radius_cm", g.last_row_radius_cm);
  f("pads_per_layer", g.pads_per_layer);
  f("time_bins", g.time_bins);
  f("sectors", g.sectors);
  f("z_halves", g.z_halves);
  f("half_length_cm", g.half_length_cm);
  f("drift_velocity_cm_per_us", g.drift_velocity_cm_per_us);
}

template <typename P, typename F>
void visit_physics(P& p, F&& f) {
  f("trigger_centrality_min", p.trigger_centrality_min);
  f("trigger_centrality_max", p.trigger_centrality_max);
  f("pileup_rate_khz", p.pileup_rate_khz);
  f("pileup_window_drift_times", p.pileup_window_drift_times);
  f("vertex_z_sigma_cm", p.vertex_z_sigma_cm);
  f("dndeta_vs_centrality", p.dndeta_vs_centrality);
  f("eta_max", p.eta_max);
  f("kaon_fraction", p.kaon_fraction);
  f("proton_fraction", p.proton_fraction);
  f("tsallis_temperature_gev", p.tsallis_temperature_gev);
  f("tsallis_n", p.tsallis_n);
  f("secondary_electrons_per_primary", p.secondary_electrons_per_primary);
  f("secondary_pt_mean_gev", p.secondary_pt_mean_gev);
  f("soft_hits_per_primary_per_layer", p.soft_hits_per_primary_per_layer);
  f("soft_hit_charge_mean_adc", p.soft_hit_charge_mean_adc);
  f("max_half_turns", p.max_half_turns);
  f("magnetic_field_tesla", p.magnetic_field_tesla);
  f("electrons_per_cm_mpv", p.electrons_per_cm_mpv);
  f("max_ionisation_factor", p.max_ionisation_factor);
  f("landau_width", p.landau_width);
  f("landau_lambda_max", p.landau_lambda_max);
  f("step_cm", p.step_cm);
  f("gem_gain", p.gem_gain);
  f("diffusion_transverse_cm_per_sqrt_cm", p.diffusion_transverse_cm_per_sqrt_cm);
  f("diffusion_longitudinal_cm_per_sqrt_cm", p.diffusion_longitudinal_cm_per_sqrt_cm);
  f("pad_response_sigma_cm", p.pad_response_sigma_cm);
  f("shaping_peaking_ns", p.shaping_peaking_ns);
  f("adc_per_electron", p.adc_per_electron);
  f("pedestal_adc", p.pedestal_adc);
  f("noise_adc", p.noise_adc);
  f("zs_threshold_adc", p.zs_threshold_adc);
  f("zs_pre_samples", p.zs_pre_samples);
  f("zs_post_samples", p.zs_post_samples);
  f("ml_acceptance_eta_max", p.ml_acceptance_eta_max);
  f("ml_acceptance_vertex_margin_cm", p.ml_acceptance_vertex_margin_cm);
}

template <typename T, typename Visit>
void load_fields(const nlohmann::json& j, const std::string& where, T& target, Visit visit) {
  if (!j.is_object()) throw std::invalid_argument("TPC config: '" + where + "' must be an object");
  std::set<std::string> known;
  visit(target, [&](const char* name, auto& field) {
    known.insert(name);
    auto it = j.find(name);
    if (it == j.end()) return;
    try {
      field = it->template get<std::decay_t<decltype(field)>>();
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument("TPC config: key '" + where + "." + name + "' has the wrong type (" +
                                  e.what() + ")");
    }
  });
  for (const auto& item : j.items())
    if (!known.count(item.key()))
      throw std::invalid_argument("TPC config: unknown key '" + where + "." + item.key() + "'");
}

}  // namespace

nlohmann::json tpc_sim_config_to_json(const TpcSimConfig& cfg) {
  nlohmann::json geo = nlohmann::json::object();
  geo["layer_group"] = layer_group_name(cfg.geometry.group);
  visit_geometry(cfg.geometry, [&](const char* name, const auto& v) { geo[name] = v; });
  nlohmann::json phys = nlohmann::json::object();
  visit_physics(cfg.physics, [&](const char* name, const auto& v) { phys[name] = v; });
  return {{"geometry", geo}, {"physics", phys}};
}

TpcSimConfig tpc_sim_config_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::invalid_argument("TPC config: top level must be a JSON object");
  for (const auto& item : j.items())
    if (item.key() != "geometry" && item.key() != "physics")
      throw std::invalid_argument("TPC config: unknown key '" + item.key() + "' (expected geometry, physics)");
  TpcSimConfig cfg;
  if (j.contains("geometry")) {
    nlohmann::json geo = j["geometry"];
    if (geo.is_object() && geo.contains("layer_group")) {
      if (!geo["layer_group"].is_string())
        throw std::invalid_argument("TPC config: 'geometry.layer_group' must be a string");
      cfg.geometry = TpcGeometry::for_group(parse_layer_group(geo["layer_group"].get<std::string>()));
      geo.erase("layer_group");
    }
    load_fields(geo, "geometry", cfg.geometry,
                [](TpcGeometry& g, auto&& f) { visit_geometry(g, f); });
  }
  if (j.contains("physics"))
    load_fields(j["physics"], "physics", cfg.physics,
                [](TpcPhysics& p, auto&& f) { visit_physics(p, f); });
  cfg.validate();
  return cfg;
}

TpcSimConfig load_tpc_sim_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open simulator config '" + path + "'");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error("simulator config '" + path + "' is not valid JSON: " + e.what());
  }
  return tpc_sim_config_from_json(j);
}

}  // namespace daqz
