#include "demo_summary.h"

#include <fmt/format.h>

namespace daqz::cli {

namespace {

double num(const nlohmann::json& j, const char* key) { return j.contains(key) ? j[key].get<double>() : 0.0; }
uint64_t count(const nlohmann::json& j, const char* key) { return j.contains(key) ? j[key].get<uint64_t>() : 0; }

}  // namespace

std::string demo_summary_text(const nlohmann::json& s, const std::string& work_dir_note) {
  const uint64_t lost = count(s, "wedges_lost") + count(s, "jet_batches_lost");
  const bool ok = lost == 0 && count(s, "duplicated") == 0 && count(s, "decode_failures") == 0 &&
                  (!s.contains("exit_codes") || (s["exit_codes"]["ingest"] == 0 && s["exit_codes"]["sink"] == 0));
  const nlohmann::json& f = s["fidelity_sample"];
  const nlohmann::json& live = s["live_fidelity"];
  std::string out;
  out += "daqz demo: daqz-felix-sim -> daqz-ingest -> daqz-sink -> decode, as processes on this machine\n";
  out += fmt::format("  codecs    wedges {}, jets {} ({:.0f} stored losslessly as a fallback)\n",
                     s["wedge_codec"].get<std::string>(), s["jet_codec"].get<std::string>(),
                     num(s, "lossless_fallbacks"));
  out += fmt::format("  streamed  {} wedges and {} jet batch(es) in {:.1f} s: {:.1f} wedges/s end to end\n",
                     count(s, "wedges_sent"), count(s, "jet_batches_sent"), num(s, "seconds"),
                     num(s, "wedges_per_second"));
  out += fmt::format("  stored    {}/{} wedges, {}/{} jet batches: lost {}, duplicated {}, decode failures {}\n",
                     count(s, "wedges_stored"), count(s, "wedges_sent"), count(s, "jet_batches_stored"),
                     count(s, "jet_batches_sent"), lost, count(s, "duplicated"), count(s, "decode_failures"));
  out += fmt::format("  ratio     {:.1f}x vs dense 16-bit, {:.2f}x vs the zero-suppressed wire format ({:.1f} MB stored)\n",
                     num(s, "ratio_vs_dense_16bit"), num(s, "ratio_vs_zero_suppressed_wire"),
                     num(s, "stored_bytes") / 1e6);
  out += fmt::format("  fidelity  {} wedges decoded and compared: MSE {:.2f}, log-MAE {:.3f}, PSNR {:.1f} dB, "
                     "precision {:.3f}, recall {:.3f}; jets: mean |relative residual| {:.4f}\n",
                     count(f, "wedges"), num(f, "mse"), num(f, "log_mae"), num(f, "psnr_db"), num(f, "precision"),
                     num(f, "recall"), num(f, "jet_mean_abs_relative_residual"));
  if (num(live, "samples") > 0)
    out += fmt::format("  live      the ingest node's fidelity monitor: {:.0f} samples, MSE {:.2f}, log-MAE {:.3f}\n",
                       num(live, "samples"), num(live, "mse"), num(live, "log_mae"));
  else
    out += "  live      the ingest node's fidelity monitor had no sample yet (--fidelity-fraction)\n";
  const bool up = !s.value("pipeline_stopped", true);
  out += fmt::format("  metrics   {}\n", up ? "Prometheus text at (up while the pipeline is held):"
                                            : "Prometheus text was served at (the pipeline has stopped; --hold N "
                                              "keeps it up):");
  for (const auto& [service, url] : s["metrics_urls"].items())
    out += fmt::format("              {:<15} {}\n", service, url.get<std::string>());
  out += fmt::format("  work dir  {} ({})\n", s["work_dir"].get<std::string>(), work_dir_note);
  out += ok ? "  result    OK: every record sent was stored once and decoded\n"
            : "  result    FAILED: records were lost, duplicated or undecodable (see the work dir's logs)\n";
  out += "  (--json prints this summary as one JSON line)\n";
  return out;
}

}  // namespace daqz::cli
