#include "codec_torch/state_dict.h"

#include <fstream>
#include <iterator>
#include <sstream>

#include "codec_torch/torch_util.h"

namespace daqz {

StateDict parse_state_dict(const std::vector<char>& bytes, const std::string& what) {
  c10::IValue value;
  try {
    value = torch::pickle_load(bytes);
  } catch (const c10::Error& e) {
    throw StateDictError("state dict '" + what + "' is not a readable torch pickle: " + e.what_without_backtrace());
  }
  if (!value.isGenericDict())
    throw StateDictError("state dict '" + what + "' is not a plain dict name -> tensor (got " +
                         value.tagKind() + "); save it with torch.save({k: v.cpu() for k, v in sd.items()})");
  StateDict sd;
  for (const auto& kv : value.toGenericDict()) {
    if (!kv.key().isString() || !kv.value().isTensor())
      throw StateDictError("state dict '" + what + "' holds an entry that is not str -> Tensor");
    sd[kv.key().toStringRef()] = kv.value().toTensor();
  }
  return sd;
}

StateDict read_state_dict(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StateDictError("state dict file '" + path + "' cannot be opened");
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_state_dict(bytes, path);
}

void write_state_dict(const StateDict& sd, const std::string& path) {
  c10::Dict<std::string, at::Tensor> dict;
  for (const auto& [name, t] : sd) dict.insert(name, t.detach().to(torch::kCPU).contiguous());
  std::vector<char> bytes;
  try {
    bytes = torch::pickle_save(dict);
  } catch (const c10::Error& e) {
    throw StateDictError("cannot serialise state dict for '" + path + "': " + e.what_without_backtrace());
  }
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw StateDictError("cannot write state dict file '" + tmp + "'");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw StateDictError("short write to state dict file '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw StateDictError("cannot rename '" + tmp + "' to '" + path + "'");
}

StateDict state_dict_of(const torch::nn::Module& module) {
  StateDict sd;
  for (const auto& p : module.named_parameters(/*recurse=*/true))
    sd[p.key()] = p.value().detach().to(torch::kCPU).clone();
  for (const auto& b : module.named_buffers(/*recurse=*/true))
    sd[b.key()] = b.value().detach().to(torch::kCPU).clone();
  return sd;
}

void load_state_dict(torch::nn::Module& module, const StateDict& sd, const std::string& what) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& p : module.named_parameters(true)) targets[p.key()] = p.value();
  for (const auto& b : module.named_buffers(true)) targets[b.key()] = b.value();

  std::vector<std::string> missing, unexpected, misshaped;
  for (const auto& [name, t] : targets) {
    auto it = sd.find(name);
    if (it == sd.end()) {
      missing.push_back(name + " " + shape_string(t.sizes()));
    } else if (it->second.sizes() != t.sizes()) {
      misshaped.push_back(name + " (file " + shape_string(it->second.sizes()) + ", model " +
                          shape_string(t.sizes()) + ")");
    }
  }
  for (const auto& [name, t] : sd)
    if (!targets.count(name)) unexpected.push_back(name + " " + shape_string(t.sizes()));

  if (!missing.empty() || !unexpected.empty() || !misshaped.empty()) {
    std::ostringstream msg;
    msg << "state dict of '" << what << "' does not match the model:";
    auto list = [&](const char* label, const std::vector<std::string>& v) {
      if (v.empty()) return;
      msg << " " << v.size() << " " << label << ":";
      for (const auto& s : v) msg << " " << s << ";";
    };
    list("missing", missing);
    list("unexpected", unexpected);
    list("mis-shaped", misshaped);
    throw StateDictError(msg.str());
  }
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : targets) t.copy_(sd.at(name).to(t.device(), t.scalar_type()));
}

}  // namespace daqz
