// Evaluation of jet codecs (`daqz eval` dispatches here when the model arch starts with "jet-"
// or the codec is a jet codec): compression ratio and per-variable relative residuals.
//
//   JetEvalArgs a;
//   a.codec = "float-trunc:bits=10";            // or a.model_dir = "deploy/models/jet-ae-27d-z12"
//   a.input = "generate:100000:7";               // or a float32 .npy of shape (n, 27) / (n, 4) / (n, 15)
//   a.json = true;
//   int rc = run_jet_eval(a);                    // prints text or JSON to stdout, 0 on success
//   JetEvalResult r = evaluate_jets(a);          // the same figures as a struct (throws)
//
// Figures: ratio = bytes in (float32 jets) / bytes stored (record payloads); per variable the
// median, 68% and 95% half-widths (half of the central 68%/95% interval) of the relative residual
// (x_hat - x) / x over jets with x != 0, the same widths of the absolute residual, and the MSE in
// normalised units (the model's normalisation, or one fitted to the input for model-free codecs).
// Not thread-safe; run_jet_eval catches everything and returns 1 with a message on stderr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace daqz {

struct JetEvalArgs {
  std::string model_dir;  // jet model directory (model.json arch "jet-ae-*"); codec defaults to "jet-ae"
  std::string codec;      // "<id>[:key=value,...]": float-trunc, jet-ae, float-trunc+jet-ae; the
                          // key "model=DIR" sets the model directory (daqz eval takes one of
                          // --model / --codec): "float-trunc+jet-ae:model=DIR,bits=10"
  std::string input = "generate:100000:12345";  // "generate:N:SEED" or a float32 .npy (n, f)
  bool json = false;
  std::string plot_dir;   // when set: residual histograms and the residual correlation matrix (PNG)
  size_t batch = 1024;    // jets per encoded record
  int threads = 1;        // LibTorch intra-op threads for neural codecs
};

struct JetVarResidual {
  std::string name;
  size_t n_rel = 0;  // jets with x != 0 (where the relative residual is defined)
  double rel_median = 0, rel_w68 = 0, rel_w95 = 0;
  double abs_median = 0, abs_w68 = 0, abs_w95 = 0;
  double mse_normalised = 0;
};

struct JetEvalResult {
  std::string codec_id;
  std::string model_name;
  std::string input;
  uint32_t schema_id = 0;
  size_t jets = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_stored = 0;
  double ratio = 0;
  double mse_normalised = 0;  // mean over variables
  double encode_seconds = 0, decode_seconds = 0;
  std::vector<JetVarResidual> variables;
};

// True when `spec` (before any ':') names a registered jet codec.
bool is_jet_codec_spec(const std::string& spec);

JetEvalResult evaluate_jets(const JetEvalArgs& args);
nlohmann::json jet_eval_to_json(const JetEvalResult& result);
int run_jet_eval(const JetEvalArgs& args);

}  // namespace daqz
