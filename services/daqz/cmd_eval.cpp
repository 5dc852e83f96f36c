// `daqz eval`: compression ratio, distortion and speed of a model or baseline codec on wedges (or jets).
//
//   daqz eval --model deploy/models/bcae-2d-sim --input data/test --json
//   daqz eval --codec zfp:mode=rate,rate=0.5 --input data/test --max-wedges 20
//   daqz eval --model ../shared/anchors/bcae-v1 --input ../shared/anchors/bcae-v1/probe_wedge.npy \
//             --baselines --plot plots/
//   daqz eval --rd --model deploy/models/bcae-v1-sim-ft --input runs/data/sim-test --max-wedges 16 --json --plot rd/
//
// TPC wedges go through core/eval/wedge_eval.h; jet models ("jet-*" arch) and jet codecs through
// core/eval/jet_eval.h. Text output includes the ZFP/lossless baselines unless --no-baselines;
// JSON includes them with --baselines.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "base/progress_bar.h"
#include "command.h"
#include "codec/model_repository.h"
#include "offline/jet_eval.h"
#include "offline/rd_sweep.h"
#include "offline/wedge_eval.h"

namespace daqz::cli {
namespace {

struct EvalOptions {
  std::string model_dir;
  std::string codec;
  std::string input;
  bool json = false;
  std::string plot_dir;
  double threshold = -1;
  bool baselines = false;
  bool no_baselines = false;
  size_t max_wedges = 0;
  int threads = 2;
  size_t batch = 0;
  std::string zfp_domain = "adc";
  bool progress = true;
  bool rd = false;
  std::vector<std::string> rd_bits = {"fp16", "3", "4", "5", "6", "7", "8"};
  bool rd_no_zfp = false;
};

// `--rd`: the model's operating points and every baseline (core/offline/rd_sweep.h).
int run_rd(const EvalOptions& opt) {
  if (opt.model_dir.empty() || opt.input.empty())
    throw std::invalid_argument("eval --rd needs --model DIR (a BCAE model) and --input wedges");
  RdSweepArgs a;
  a.model_dir = ModelRepository(ModelRepository::default_roots()).resolve(opt.model_dir).dir;
  a.input = opt.input;
  a.max_wedges = opt.max_wedges;
  a.threads = opt.threads;
  a.bits = opt.rd_bits;
  a.zfp_domain = opt.zfp_domain;
  a.zfp = !opt.rd_no_zfp;
  const RdReport report = run_rd_sweep(a);
  std::vector<std::string> plots;
  if (!opt.plot_dir.empty()) plots = write_rd_plots(opt.plot_dir, report);
  if (opt.json) {
    std::printf("%s\n", rd_report_to_json(report).dump(2).c_str());
  } else {
    std::printf("%s", rd_report_to_text(report).c_str());
    for (const auto& p : plots) std::printf("plot: %s\n", p.c_str());
  }
  return 0;
}

int run_eval(const EvalOptions& opt) {
  // Results go to stdout (JSON must stay parseable when piped); progress messages to stderr.
  if (!spdlog::get("daqz-eval")) spdlog::set_default_logger(spdlog::stderr_color_mt("daqz-eval"));
  if (opt.model_dir.empty() == opt.codec.empty())
    throw std::invalid_argument("give exactly one of --model DIR or --codec SPEC (see daqz eval --help)");
  if (opt.rd) return run_rd(opt);

  std::string model_dir;  // --model is a directory, a name or name@version (codec/model_repository.h)
  bool jet_model = false;
  if (!opt.model_dir.empty()) {
    const ModelCard card = ModelRepository(ModelRepository::default_roots()).resolve(opt.model_dir);
    model_dir = card.dir;
    jet_model = card.arch.rfind("jet-", 0) == 0;
  }
  if (jet_model || (!opt.codec.empty() && is_jet_codec_spec(opt.codec))) {
    JetEvalArgs jet;
    jet.model_dir = model_dir;
    jet.codec = opt.codec;
    if (!opt.input.empty()) jet.input = opt.input;
    jet.json = opt.json;
    jet.plot_dir = opt.plot_dir;
    jet.threads = opt.threads;
    return run_jet_eval(jet);
  }

  if (opt.input.empty()) throw std::invalid_argument("--input FILE_OR_FOLDER of .npy wedges is required");
  WedgeEvalArgs args;
  args.model_dir = model_dir;
  args.codec = opt.codec;
  args.input = opt.input;
  if (opt.threshold >= 0) args.threshold = opt.threshold;
  args.baselines = opt.json ? opt.baselines : !opt.no_baselines;
  args.zfp_domain = opt.zfp_domain;
  args.max_wedges = opt.max_wedges;
  args.threads = opt.threads;
  args.batch = opt.batch;
  args.plot_dir = opt.plot_dir;
  ProgressBar::Options po;
  po.item_name = "wedges";
  if (!opt.progress) po.mode = ProgressBar::Mode::kOff;
  ProgressBar bar("eval", 0, ProgressBar::Unit::kItems, po);
  args.progress = [&bar](size_t done, size_t total) {
    bar.set_total(total);
    bar.set(done);
    if (done == total) bar.finish();
  };
  const WedgeEvalReport report = run_wedge_evaluation(args);
  bar.finish();
  if (opt.json)
    std::printf("%s\n", report_to_json(report).dump(2).c_str());
  else
    std::printf("%s", report_to_text(report).c_str());
  return 0;
}

void setup_eval(CLI::App& sub, int& exit_code) {
  auto opt = std::make_shared<EvalOptions>();
  sub.add_option("--model,-m", opt->model_dir,
                 "Model directory (model.json + weights), or a model name[@version] under deploy/models: BCAE or "
                 "jet model");
  sub.add_option("--codec,-c", opt->codec,
                 "Baseline codec instead of a model: lossless, zfp[:mode=accuracy,tolerance=X | "
                 "mode=rate,rate=R][,post_threshold=T][,domain=adc|log], or a jet codec");
  sub.add_option("--input,-i", opt->input, "A .npy wedge or a folder of them (jets: see the jet eval docs)");
  sub.add_flag("--json", opt->json, "Print one JSON object (baselines only with --baselines)");
  sub.add_flag("!--no-progress", opt->progress, "No progress bar on stderr");
  sub.add_option("--plot", opt->plot_dir, "Write PNG figures into this folder (needs gnuplot)");
  sub.add_option("--threshold", opt->threshold, "BCAE segmentation threshold h (default: the model card's)")
      ->check(CLI::Range(0.0, 1.0));
  sub.add_flag("--baselines", opt->baselines, "Also evaluate ZFP sweeps and lossless, matched by ratio");
  sub.add_flag("--no-baselines", opt->no_baselines, "Text output without the baselines");
  sub.add_option("--zfp-domain", opt->zfp_domain, "Values the ZFP baselines compress: raw ADC (as the "
                                                  "BCAE paper), log2(ADC+1), or both")
      ->check(CLI::IsMember({"adc", "log", "both"}))
      ->capture_default_str();
  sub.add_option("--max-wedges", opt->max_wedges, "Evaluate at most N wedges (0 = all)")->capture_default_str();
  sub.add_option("--threads", opt->threads, "LibTorch intra-op threads of a neural codec")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  sub.add_option("--batch", opt->batch, "Wedges per encode call (0 = the codec's preferred batch)")
      ->capture_default_str();
  sub.add_flag("--rd", opt->rd, "Rate-distortion sweep of a BCAE model: fp16 and bits 3..8, ZFP fixed-accuracy and "
               "fixed-rate sweeps, lossless, the smallest-record mode (--json: {\"points\": [...]}; --plot DIR)");
  sub.add_option("--rd-bits", opt->rd_bits, "Operating points of --rd")->delimiter(',')->capture_default_str();
  sub.add_flag("--rd-no-zfp", opt->rd_no_zfp, "--rd without the ZFP sweeps (faster)");
  sub.callback([opt, &exit_code] { exit_code = run_eval(*opt); });
}

}  // namespace

DAQZ_COMMAND(eval, "Evaluate a model or baseline codec: ratio, MSE, log-MAE, PSNR, precision/recall, speed",
             setup_eval);

}  // namespace daqz::cli
