// Geometry and physics parameters of the sPHENIX TPC simulator, in one place.
//
// TpcGeometry describes one 16-layer pad group (outer by default: radii 60-77.6 cm, 2304 pads per
// layer, 498 time bins covering both z halves) and how a frame is cut into wedges: 12 azimuthal
// sectors x 2 z halves = 24 wedges of (pads/12, 249, 16). Wedge w holds z half w / 12 and sector
// w % 12; sector s covers pads [s * pads/12, (s+1) * pads/12), pad 0 starting at phi = 0.
// Time axis: like sPHENIX's 498-bin frame (bin 0 = z -105.5 cm, 248 = z 0, 497 = z +105.5 cm)
// the wedge time index grows with z in both halves, so it runs with drift time in the z < 0 half
// (index 0 = shortest drift) and against it in the z > 0 half.
//
// TpcPhysics holds every physics, transport and electronics parameter with its named default and
// the reason for it; TpcSimConfig bundles both. Both load from and dump to JSON:
//
//   TpcSimConfig cfg = TpcSimConfig::for_group(LayerGroup::kOuter);
//   cfg = tpc_sim_config_from_json(nlohmann::json::parse(text));   // unknown keys are errors
//   std::string dumped = tpc_sim_config_to_json(cfg).dump(2);
//
// Plain values; validate() throws std::invalid_argument naming the bad field.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/wedge.h"

namespace daqz {

enum class LayerGroup { kInner, kMiddle, kOuter };
std::string layer_group_name(LayerGroup g);     // "inner", "middle", "outer"
LayerGroup parse_layer_group(const std::string& name);  // throws std::invalid_argument

struct TpcGeometry {
  LayerGroup group = LayerGroup::kOuter;
  uint32_t layers = 16;
  double first_row_radius_cm = 60.0;   // centre of the innermost pad row of the group
  double last_row_radius_cm = 77.6;    // centre of the outermost pad row
  uint32_t pads_per_layer = 2304;      // azimuthal pads (inner 1152, middle 1536)
  uint32_t time_bins = 498;            // both z halves; 249 per half = one full drift
  uint32_t sectors = 12;
  uint32_t z_halves = 2;
  double half_length_cm = 105.5;       // membrane to readout plane
  double drift_velocity_cm_per_us = 8.0;  // Ne:CF4 50:50 at ~400 V/cm

  static TpcGeometry for_group(LayerGroup g);

  uint32_t time_bins_per_half() const { return time_bins / z_halves; }
  uint32_t pads_per_sector() const { return pads_per_layer / sectors; }
  uint32_t wedges_per_frame() const { return sectors * z_halves; }
  WedgeShape wedge_shape() const { return {pads_per_sector(), time_bins_per_half(), layers}; }
  double row_pitch_cm() const {
    return layers > 1 ? (last_row_radius_cm - first_row_radius_cm) / (layers - 1) : 1.0;
  }
  double row_radius_cm(uint32_t layer) const { return first_row_radius_cm + layer * row_pitch_cm(); }
  double drift_time_us() const { return half_length_cm / drift_velocity_cm_per_us; }
  // Sampling period that maps one half's bins onto one full drift (~53 ns, the SAMPA clock).
  double time_bin_ns() const { return 1000.0 * drift_time_us() / time_bins_per_half(); }
  void validate() const;
};

// Every tunable of the physics model. Defaults are tuned so the outer group lands near the public
// sPHENIX Au+Au 170 kHz wedge statistics (see docs/simulator.md for the measured comparison).
struct TpcPhysics {
  // --- Collisions -----------------------------------------------------------------------------
  // Triggered collision centrality drawn uniformly in [min, max] (fraction of the inelastic cross
  // section; 0 = most central). Minimum bias = [0, 1]. Default 0-10%: the public BCAE sample is
  // central Au+Au with 170 kHz pile-up (its ~10% occupancy needs a central trigger).
  double trigger_centrality_min = 0.0;
  double trigger_centrality_max = 0.1;
  // Pile-up: minimum-bias collisions at this rate, uniformly in time over a window of
  // pileup_window_drift_times drift times centred on the trigger. 0 disables pile-up.
  // 1.0 (default) is the public sample's frame content: the collisions of one 13 us drift window
  // ("170 kHz collisions in 13 us"), so a collision at offset dt only fills the part of the frame
  // its charge reaches, and the ends of the drift axis see half as much pile-up as the middle
  // (occupancy humps mid-drift). 2.0 takes every collision whose charge can reach the frame
  // (-1 to +1 drift times: continuous readout), which gives a flat profile.
  double pileup_rate_khz = 170.0;
  double pileup_window_drift_times = 1.0;
  double vertex_z_sigma_cm = 10.0;  // Gaussian collision vertex spread along the beam
  // Charged-particle dN/deta at mid-rapidity vs centrality (Au+Au 200 GeV, PHOBOS/PHENIX-like),
  // interpolated linearly; pairs (centrality fraction, dN/deta).
  std::vector<std::pair<double, double>> dndeta_vs_centrality = {
      {0.0, 720.0}, {0.05, 650.0}, {0.10, 540.0}, {0.20, 400.0}, {0.30, 280.0}, {0.40, 190.0},
      {0.50, 120.0}, {0.60, 70.0}, {0.70, 37.0}, {0.80, 17.0}, {0.90, 6.0}, {1.0, 1.0}};
  double eta_max = 1.6;  // particles generated flat in |eta| < eta_max (covers the acceptance)
  // Species mix of primaries (rest are pions) and the Tsallis pT spectrum shared by all species:
  // dN/dpT ~ pT (1 + (mT - m)/(n T))^-n, which gives <pT> ~ 0.46 GeV for pions.
  double kaon_fraction = 0.12;
  double proton_fraction = 0.08;
  double tsallis_temperature_gev = 0.16;
  double tsallis_n = 10.0;
  // Low-momentum secondary electrons (photon conversions in the beam pipe, silicon trackers and
  // field cage, delta rays) per primary, with an exponential pT spectrum; those above ~0.13 GeV
  // reach the outer group as loopers. 1.4 sets the mean occupancy (0.105 over 32 events of seed 1)
  // once pile-up is limited to one drift window and the TPCMLDataInterface cut applies.
  double secondary_electrons_per_primary = 1.4;
  double secondary_pt_mean_gev = 0.07;
  // Soft background: point-like charge blobs (Compton and photo-electrons from photons converting
  // in the gas, low-energy delta electrons, neutron recoils) spread uniformly in the drift volume.
  // Mean count per primary per pad layer, and mean charge (exponential) in peak-ADC units.
  double soft_hits_per_primary_per_layer = 0.07;
  double soft_hit_charge_mean_adc = 40.0;
  // Half-turns a helix is followed before it is considered scattered/stopped (loopers come back
  // through the inner detectors every turn; 1 = outgoing leg only, 2 = out and back, ...).
  uint32_t max_half_turns = 4;
  double magnetic_field_tesla = 1.4;

  // --- Ionisation and transport ---------------------------------------------------------------
  // Most probable ionisation electrons per cm for a minimum-ionising particle in Ne:CF4, scaled by
  // a Bethe-like 1/beta^2 below beta*gamma = 3.5 and a small relativistic rise above it.
  double electrons_per_cm_mpv = 20.0;
  double max_ionisation_factor = 40.0;  // cap of the 1/beta^2 growth for slow hadrons
  // Landau fluctuations of each step: Q = Q_mpv * (1 + width * (lambda - lambda_mpv)), lambda a
  // standard Landau variate truncated at landau_lambda_max (delta electrons that escape the step).
  double landau_width = 0.34;  // 0.32 -> 0.34 lifts the far ADC tail (p99) toward the reference
  double landau_lambda_max = 100.0;
  double step_cm = 0.4;       // track step length: one charge deposit per step
  double gem_gain = 2000.0;   // quadruple-GEM effective gain
  double diffusion_transverse_cm_per_sqrt_cm = 0.006;
  // Effective longitudinal spread: the Ne:CF4 gas value is ~0.012; 0.03 also absorbs the arrival-time
  // smearing sPHENIX's simulation adds, and reproduces the reference's run lengths along time.
  double diffusion_longitudinal_cm_per_sqrt_cm = 0.03;
  // Width of the induced charge on the pad plane (GEM spread + zigzag pad sharing), added in
  // quadrature to the transverse diffusion.
  double pad_response_sigma_cm = 0.08;

  // --- Electronics (SAMPA) --------------------------------------------------------------------
  double shaping_peaking_ns = 80.0;  // CR-RC^4 semi-Gaussian, peak-normalised
  // Peak ADC counts per electron on a pad: 20 mV/fC * 1.602e-4 fC/e * 1024 ADC / 2200 mV.
  double adc_per_electron = 1.4913e-3;
  double pedestal_adc = 74.5;   // 50000 e pedestal: kept samples carry it, as in sPHENIX data
  double noise_adc = 1.0;       // 670 e ENC
  // SAMPA zero suppression: a sample above pedestal + threshold opens a window of pre + post
  // samples (in time order) that are all kept; then the readout floor ADC <= 64 -> 0 applies.
  double zs_threshold_adc = 4.0;  // 2700 e above pedestal
  uint32_t zs_pre_samples = 0;
  uint32_t zs_post_samples = 5;
  // Acceptance cut of sPHENIX's TPCMLDataInterface, which wrote the public wedges: a wavelet
  // (run of consecutive nonzero samples of one pad, taken in increasing z-bin order) whose first
  // sample sits where the pseudorapidity of (r, |z| - margin) exceeds eta_max is dropped sample by
  // sample until one inside is reached. It empties the readout end of the inner rows of the
  // group (|z| > 10 + 1.336 r: from 90 cm at r = 60 cm). 0 disables the cut.
  double ml_acceptance_eta_max = 1.1;
  double ml_acceptance_vertex_margin_cm = 10.0;

  void validate() const;
};

struct TpcSimConfig {
  TpcGeometry geometry;
  TpcPhysics physics;

  static TpcSimConfig for_group(LayerGroup g);
  void validate() const { geometry.validate(); physics.validate(); }
};

nlohmann::json tpc_sim_config_to_json(const TpcSimConfig& cfg);
// Missing keys keep their defaults (of cfg.geometry.group's defaults when "layer_group" is given);
// unknown keys and wrong types throw std::invalid_argument naming the key.
TpcSimConfig tpc_sim_config_from_json(const nlohmann::json& j);
TpcSimConfig load_tpc_sim_config(const std::string& path);

}  // namespace daqz
