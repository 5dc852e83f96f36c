#!/usr/bin/env python3
"""Rewrites project includes from the pre-layer folders (core/util, core/models, ...) to the layer
folders the build enforces (core/base, core/codec_torch, ...; see docs/ARCHITECTURE.md).

Kept for branches started before the move: run it from the repository root, with no arguments to
rewrite every C++ file under core/ services/ tests/ bench/ fuzz/ testing/ python/, or with paths.
Idempotent: an include already on its new path is left alone.
"""
import pathlib
import re
import sys

# old include path -> new include path (headers that moved between folders)
MOVED = {
    # base: util, wedge, record types, reconstruction metrics
    **{f"util/{n}.h": f"base/{n}.h" for n in
       ["build_info", "cli_config", "crc32c", "logging", "sha256", "tensor_allocator", "varint", "xoshiro256"]},
    "util/build_info_values.h": "base/build_info_values.h",
    "util/process.h": "testing/child_process.h",  # ports, HTTP, Prometheus: testing/free_ports.h, http_client.h, prometheus_text.h
    **{f"wedge/{n}.h": f"base/{n}.h" for n in ["npy", "stats", "wedge"]},
    "eval/metrics.h": "base/reconstruction_metrics.h",
    # codec (pure): interface, registry, model cards, jet schema and normalisation, float truncation
    "models/model_card.h": "codec/model_card.h",
    "jets/jet_schema.h": "codec/jet_schema.h",
    "jets/jet_normalisation.h": "codec/jet_normalisation.h",
    # codec_classic: lossless, ZFP, record decoder
    "codec/lossless_codec.h": "codec_classic/lossless_codec.h",
    "codec/lossless_jet_codec.h": "codec_classic/lossless_jet_codec.h",
    "codec/zfp_codec.h": "codec_classic/zfp_codec.h",
    "storage/record_decoder.h": "codec_classic/record_decoder.h",
    # codec_torch: LibTorch models and neural codecs
    **{f"models/{n}.h": f"codec_torch/{n}.h" for n in
       ["bcae_blocks", "bcae_model", "bcae_model_dir", "jet_ae", "jet_ae_module", "state_dict", "torch_util"]},
    "codec/bcae_codec.h": "codec_torch/bcae_codec.h",
    "codec/jet_ae_codec.h": "codec_torch/jet_ae_codec.h",
    "codec/device.h": "codec_torch/device.h",
    # transport
    "pipeline/replay_buffer.h": "transport/replay_buffer.h",
    # sim: simulators and data sources, jets included
    "jets/jet_generator.h": "sim/jet_generator.h",
    "jets/jet_data.h": "sim/jet_data.h",
    # runtime
    "pipeline/bounded_queue.h": "runtime/bounded_queue.h",
    "pipeline/lifecycle.h": "runtime/device.h",
    "metrics/metrics_server.h": "runtime/metrics_server.h",
    "metrics/http_exposer.h": "runtime/http_exposer.h",
    # nodes
    "pipeline/ingest_node.h": "nodes/ingest_node.h",
    "pipeline/ingest_metrics.h": "nodes/ingest_metrics.h",
    "pipeline/fidelity_monitor.h": "nodes/fidelity_monitor.h",
    "pipeline/rate_monitor.h": "nodes/rate_monitor.h",
    "storage/sink_node.h": "nodes/sink_node.h",
    # train (BCAE training) and offline (evaluation, export, jet training)
    **{f"train/{n}.h": f"train/{n}.h" for n in ["bcae_loss", "bcae_trainer", "wedge_set"]},
    "train/jet_trainer.h": "offline/jet_trainer.h",
    "storage/hdf5_export.h": "offline/hdf5_export.h",
    **{f"eval/{n}.h": f"offline/{n}.h" for n in ["evaluator", "jet_eval", "plot", "report", "wedge_eval"]},
}

INCLUDE = re.compile(r'^(\s*#\s*include\s+")([^"]+)(")', re.M)
ROOTS = ["core", "services", "tests", "bench", "fuzz", "testing", "python"]
OLD_FOLDERS = {"util", "wedge", "models", "jets", "pipeline", "metrics", "eval"}  # gone since the layers


def new_path(old: str) -> str:
    if old in MOVED:
        return MOVED[old]
    folder, _, name = old.partition("/")
    if folder in OLD_FOLDERS or (folder in ("codec", "storage", "train") and not pathlib.Path("core", old).exists()):
        # A header added on a branch after the move list was written: find it by name.
        hits = [p for p in pathlib.Path("core").glob(f"*/{name}")] + list(pathlib.Path("testing").glob(name))
        if len(hits) == 1:
            parts = hits[0].parts
            return "/".join(parts[1:]) if parts[0] == "core" else "/".join(parts)
    return old


def rewrite(path: pathlib.Path) -> bool:
    text = path.read_text()
    new = INCLUDE.sub(lambda m: m.group(1) + new_path(m.group(2)) + m.group(3), text)
    if new != text:
        path.write_text(new)
        return True
    return False


def main(argv):
    paths = [pathlib.Path(p) for p in argv] or [
        p for r in ROOTS if pathlib.Path(r).is_dir() for p in pathlib.Path(r).rglob("*")
        if p.suffix in (".h", ".cpp", ".cc", ".hpp", ".in")]
    changed = [str(p) for p in paths if p.is_file() and rewrite(p)]
    print(f"relayer_includes: {len(changed)} file(s) rewritten")
    for c in changed:
        print("  " + c)


if __name__ == "__main__":
    main(sys.argv[1:])
