// State dicts: a flat name -> tensor map, as PyTorch's `module.state_dict()` converted to a plain dict
// of CPU tensors. Files are pickles readable by Python's `torch.load` and written by
// `torch.save({k: v.cpu() for k, v in sd.items()}, path)`.
//
//   StateDict sd = read_state_dict("deploy/models/bcae-2d-sim/encoder.pt");   // throws StateDictError
//   load_state_dict(*encoder, sd, "encoder of bcae-2d-sim");   // strict: every name and shape
//   write_state_dict(state_dict_of(*encoder), "encoder.pt");
//
// LibTorch header (see torch_util.h). Free functions; thread-safe on distinct modules.
#pragma once

#include <torch/torch.h>

#include <map>
#include <stdexcept>
#include <string>

namespace daqz {

struct StateDictError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using StateDict = std::map<std::string, torch::Tensor>;

// Reads a pickled dict {str: Tensor}. Throws StateDictError naming the file when it is unreadable, not
// a plain dict (an OrderedDict pickles to something torch::pickle_load cannot read) or holds non-tensors.
StateDict read_state_dict(const std::string& path);
StateDict parse_state_dict(const std::vector<char>& bytes, const std::string& what);

// Writes `sd` (moved to CPU, contiguous) as a pickled c10::Dict<std::string, Tensor>.
void write_state_dict(const StateDict& sd, const std::string& path);

// Parameters and buffers of `module` under their dotted names, detached and on CPU (copies).
StateDict state_dict_of(const torch::nn::Module& module);

// Copies `sd` into the parameters and buffers of `module`. Strict: throws StateDictError, naming
// `what`, listing every missing, unexpected and mis-shaped entry (each with both shapes).
// Values are converted to each parameter's dtype and device.
void load_state_dict(torch::nn::Module& module, const StateDict& sd, const std::string& what);

}  // namespace daqz
