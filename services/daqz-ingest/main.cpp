// daqz-ingest — one per readout node: receives wedges and jet batches (ZeroMQ PULL), validates and
// encodes them (BCAE, jet codecs, lossless) and forwards the records to storage sinks, with
// back-pressure, acknowledgements and re-send. The device: core/nodes/ingest_node.h; the runtime
// (options, signals, /metrics /healthz /readyz, states): core/runtime/service_main.h.
#include "codec_torch/neural_codecs.h"
#include "nodes/ingest_node.h"
#include "runtime/service_main.h"

int main(int argc, char** argv) {
  daqz::register_neural_codecs();  // bcae, jet-ae and the CUDA check; the node registers the classic codecs
  daqz::IngestConfig config;
  std::vector<std::string> codec_params;
  return daqz::run_service(
      argc, argv,
      {"daqz-ingest", "receive, validate and encode detector data, forward records to storage sinks", &config.node,
       /*listens=*/true, [&](CLI::App& app) { daqz::add_ingest_options(app, config, codec_params); },
       [&] {
         daqz::apply_codec_params(codec_params, config);
         return std::make_unique<daqz::IngestNode>(config);
       },
       [&] { return config.device; }});
}
