#include "codec_torch/bcae_codec.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <optional>

#if DAQZ_HAVE_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

#include "codec/latent_store.h"
#include "codec_torch/bcae_model.h"
#include "codec_torch/densify.h"
#include "codec/model_card.h"
#include "codec_torch/state_dict.h"
#include "codec_torch/torch_util.h"
#include "base/tensor_allocator.h"

namespace daqz {
namespace {

// Wedges per encode call. On 2 CPU cores batch 1 is fastest (bench_pipeline_bench scaling: ~1.4x batch 4
// for bcae-2d; bench_bcae_encoder_bench agrees after the conv fusion); a GPU needs batches to fill it.
constexpr size_t kDefaultCpuBatch = 1;
constexpr size_t kDefaultCudaBatch = 16;

std::string param(const CodecOptions& o, const std::string& key, const std::string& fallback) {
  auto it = o.params.find(key);
  return it == o.params.end() ? fallback : it->second;
}

class BcaeCodec final : public WedgeCodec {
 public:
  explicit BcaeCodec(const CodecOptions& options) : threads_(options.intra_op_threads) {
    keep_freed_tensor_memory();  // 1-12 MB activations per layer: no mmap/munmap per wedge
    try {
      card_ = load_model_card(options.model_dir);
      if (param(options, "verify_weights", "1") != "0") verify_model_weights(card_);
    } catch (const ModelCardError& e) {
      throw CodecError(std::string("bcae: ") + e.what());
    }
    try {
      device_ = parse_torch_device(options.device);
      // GPUs encode in fp16 by default (the published 11.7 kHz figure); CPUs in fp32 (bf16 on request).
      precision_ = parse_precision(param(options, "precision", device_.is_cuda() ? "fp16" : "fp32"));
      if (precision_ == at::kHalf && !device_.is_cuda())
        throw std::invalid_argument("precision fp16 needs --device cuda (CPU convolutions have no fp16 kernels; use bf16)");
      if (precision_ == at::kBFloat16 && !device_.is_cuda() && !cpu_has_native_bf16())
        spdlog::warn("bcae codec: precision bf16 on a CPU without AVX512-BF16/AMX: emulated, slower and less "
                     "accurate than fp32 (docs/bcae.md)");
      threshold_ = std::stod(param(options, "threshold", std::to_string(card_.threshold)));
      batch_ = std::stoul(param(options, "batch", std::to_string(device_.is_cuda() ? kDefaultCudaBatch : kDefaultCpuBatch)));
      if (batch_ == 0) throw std::invalid_argument("batch must be >= 1");
    } catch (const std::exception& e) {
      throw CodecError("bcae codec for model '" + card_.name + "': bad option: " + e.what());
    }
    try {
      model_ = make_bcae_model(card_.arch);
      load_state_dict(model_->encoder(), read_state_dict(card_.encoder_path), card_.name + " encoder");
      load_state_dict(model_->decoder(), read_state_dict(card_.decoder_path), card_.name + " decoder");
      model_->encoder().eval();
      model_->decoder().eval();
      model_->encoder().to(device_, precision_);
      model_->decoder().to(device_, torch::kFloat);  // ConvTranspose in bf16 fails in oneDNN here
      // Channels-last activations: 1.3x for bcae-2d in bf16 and fp32 on this CPU, neutral for bcae-v1
      // (docs/bcae.md); CUDA keeps NCHW until measured there.
      model_->set_channels_last(param(options, "channels_last", device_.is_cuda() ? "0" : "1") == "1");
      model_->set_fp32_first_conv(param(options, "fp32_first_conv", "1") == "1");
    } catch (const std::exception& e) {  // StateDictError, invalid_argument, c10::Error
      throw CodecError("bcae: cannot load model '" + card_.name + "' (" + card_.dir + "): " + e.what());
    }
    // The latent's storage: fp16, or K bits entropy-coded with the model's tables (codec/latent_store.h).
    try {
      latent_store_ = LatentStore(card_, options.params, param(options, "verify_weights", "1") != "0");
    } catch (const ModelCardError& e) {
      throw CodecError(std::string("bcae: ") + e.what());
    } catch (const nlohmann::json::exception& e) {
      throw CodecError("bcae: model card of '" + card_.name + "' has a malformed entropy_coding section: " + e.what());
    }
    code_shape_ = model_->code_shape(kOuterWedgeShape.azimuth);
    for (auto d : code_shape_) {
      latent_shape_.push_back(static_cast<uint32_t>(d));
      code_numel_ *= static_cast<size_t>(d);
    }
    descriptor_ = {kBcaeCodecId, card_.name, card_.version, card_.weights_sha256()};
#if DAQZ_HAVE_CUDA
    // One CUDA stream per codec instance = per encoder worker, so workers' copies and kernels overlap.
    if (device_.is_cuda())
      stream_ = c10::cuda::getStreamFromPool(/*isHighPriority=*/false, device_.index() < 0 ? 0 : device_.index());
#endif
    spdlog::debug("bcae codec: model {} ({}), device {}, precision {}, threshold {}", card_.name, card_.arch,
                  options.device, precision_name(precision_), threshold_);
  }

  const CodecDescriptor& descriptor() const override { return descriptor_; }
  size_t preferred_batch() const override { return batch_; }

  std::vector<EncodedRecord> encode(const std::vector<const SparseWedge*>& batch) override {
    std::vector<EncodedRecord> out;
    out.reserve(batch.size());
    for (size_t start = 0; start < batch.size(); start += batch_) {
      const size_t n = std::min(batch_, batch.size() - start);
      encode_chunk(batch, start, n, out);
    }
    return out;
  }

  Reconstruction decode(const EncodedRecord& record) override {
    check_record(record);
    double threshold = threshold_;
    if (auto it = record.params.find("threshold"); it != record.params.end()) threshold = std::stod(it->second);
    Reconstruction r;
    r.shape = kOuterWedgeShape;
    try {
      set_torch_threads(threads_);
      c10::InferenceMode guard;
      std::vector<int64_t> shape{1};
      shape.insert(shape.end(), code_shape_.begin(), code_shape_.end());
      torch::Tensor code;
      std::vector<float> dequantised;
      if (LatentStore::is_quantised(record)) {
        dequantised = latent_store_.decode(record, latent_channels(), code_numel_ / latent_channels());
        code = torch::from_blob(dequantised.data(), shape, torch::kFloat).to(device_);
      } else {
        code = torch::from_blob(const_cast<uint8_t*>(record.bytes.data()), shape, torch::kHalf)
                   .to(device_, torch::kFloat);
      }
      auto [seg, reg] = model_->decode(code);
      auto adc = combine_bcae_output(seg, reg, threshold).to(torch::kCPU).contiguous();
      r.adc.resize(kOuterWedgeShape.voxels());
      if (size_t(adc.numel()) != r.adc.size())
        throw CodecError("bcae: decoder produced " + shape_string(adc.sizes()) + " for a wedge " +
                         kOuterWedgeShape.str());
      std::memcpy(r.adc.data(), adc.data_ptr<float>(), r.adc.size() * sizeof(float));
    } catch (const c10::Error& e) {
      throw CodecError("bcae: decoding with model '" + card_.name + "' failed: " + e.what_without_backtrace());
    }
    return r;
  }

 private:
  // Dense fp32 input of the chunk on the codec's device. CUDA: the wedges travel zero-suppressed (one
  // pinned buffer of run lists) and are densified on the GPU (models/densify.h), so the host never builds
  // 1.5 MB dense wedges and PCIe carries ~16x fewer bytes. CPU: straight from the runs into the model's
  // input tensor, which bench_receive_path_bench measures faster than the scatter op on a CPU.
  torch::Tensor dense_input(const std::vector<const SparseWedge*>& chunk) {
    for (const SparseWedge* w : chunk)
      if (w->shape != kOuterWedgeShape)
        throw CodecError("bcae: model '" + card_.name + "' encodes wedges " + kOuterWedgeShape.str() + ", got " +
                         w->shape.str());
    try {
      if (device_.is_cuda())
        return densify_on_device(pack_wedge_runs(chunk, kOuterWedgeShape, /*pinned=*/true), device_);
      auto host = torch::empty({int64_t(chunk.size()), kOuterWedgeShape.azimuth, kOuterWedgeShape.time,
                                kOuterWedgeShape.layer}, torch::kFloat);
      const size_t voxels = kOuterWedgeShape.voxels();
      for (size_t i = 0; i < chunk.size(); ++i) to_dense_into(*chunk[i], host.data_ptr<float>() + i * voxels, voxels);
      return host;
    } catch (const std::invalid_argument& e) {  // runs outside the shape or beyond the values
      throw CodecError(std::string("bcae: ") + e.what());
    }
  }

  void encode_chunk(const std::vector<const SparseWedge*>& batch, size_t start, size_t n,
                    std::vector<EncodedRecord>& out) {
    const std::vector<const SparseWedge*> chunk(batch.begin() + long(start), batch.begin() + long(start + n));
    torch::Tensor code;
    try {
      set_torch_threads(threads_);
      c10::InferenceMode guard;
#if DAQZ_HAVE_CUDA
      std::optional<c10::cuda::CUDAStreamGuard> on_worker_stream;
      if (stream_) on_worker_stream.emplace(*stream_);
#endif
      // Quantised latents start from the encoder's full precision; fp16 records store the code as before.
      code = model_->encode(dense_input(chunk)).to(latent_store_.quantised() ? torch::kFloat : torch::kHalf)
                 .to(torch::kCPU).contiguous();
    } catch (const c10::Error& e) {
      throw CodecError("bcae: encoding with model '" + card_.name + "' failed: " + e.what_without_backtrace());
    }
    const auto* half = latent_store_.quantised() ? nullptr : reinterpret_cast<const uint8_t*>(code.data_ptr<at::Half>());
    const float* full = latent_store_.quantised() ? code.data_ptr<float>() : nullptr;
    const size_t bytes = code_numel_ * sizeof(uint16_t);
    for (size_t i = 0; i < n; ++i) {
      EncodedRecord r;
      r.codec_id = kBcaeCodecId;
      r.model_name = card_.name;
      r.model_version = card_.version;
      r.weights_sha256 = descriptor_.weights_sha256;
      r.latent_shape = latent_shape_;
      r.original_kind = PayloadKind::kWedge;
      r.original_shape = {kOuterWedgeShape.azimuth, kOuterWedgeShape.time, kOuterWedgeShape.layer};
      r.original_bytes = wedge_payload_size(*batch[start + i]);
      r.params["threshold"] = std::to_string(threshold_);
      r.params["precision"] = precision_name(precision_);
      latent_store_.stamp(r);
      if (full)
        r.bytes = latent_store_.encode(full + i * code_numel_, latent_channels(), code_numel_ / latent_channels());
      else
        r.bytes.assign(half + i * bytes, half + (i + 1) * bytes);
      out.push_back(std::move(r));
    }
  }

  void check_record(const EncodedRecord& r) const {
    if (r.codec_id != kBcaeCodecId)
      throw CodecError("bcae: cannot decode a record of codec '" + r.codec_id + "'");
    if (r.model_name != card_.name || (!r.weights_sha256.empty() && r.weights_sha256 != descriptor_.weights_sha256))
      throw CodecError("bcae: record was encoded by model '" + r.model_name + "' (weights " + r.weights_sha256 +
                       "), this codec holds '" + card_.name + "' (" + descriptor_.weights_sha256 + ")");
    if (r.latent_shape != latent_shape_ ||
        (!LatentStore::is_quantised(r) && r.bytes.size() != code_numel_ * sizeof(uint16_t)))
      throw CodecError("bcae: record latent has " + std::to_string(r.bytes.size()) + " bytes / shape of rank " +
                       std::to_string(r.latent_shape.size()) + ", model '" + card_.name + "' expects " +
                       std::to_string(code_numel_ * 2) + " bytes of fp16");
  }

  size_t latent_channels() const { return size_t(code_shape_.at(0)); }

  int threads_;
  ModelCard card_;
  LatentStore latent_store_;
  torch::Device device_{torch::kCPU};
  at::ScalarType precision_ = at::kFloat;
#if DAQZ_HAVE_CUDA
  std::optional<c10::cuda::CUDAStream> stream_;
#endif
  double threshold_ = 0.5;
  size_t batch_ = kDefaultCpuBatch;
  std::unique_ptr<BcaeModel> model_;
  std::vector<int64_t> code_shape_;
  std::vector<uint32_t> latent_shape_;
  size_t code_numel_ = 1;
  CodecDescriptor descriptor_;
};

}  // namespace

std::unique_ptr<WedgeCodec> make_bcae_codec(const CodecOptions& options) {
  return std::make_unique<BcaeCodec>(options);
}

}  // namespace daqz
