#!/usr/bin/env python3
"""Notebook-style example: compress one TPC wedge with a shipped BCAE model and plot the
reconstruction next to the original (matplotlib, written to a PNG).

    PYTHONPATH=build/python python3 docs/examples/plot_wedge.py [WEDGE.npy] [--model bcae-2d-sim] [--out wedge.png]

Without a wedge file it simulates one event with `daqz simulate` (the build's or the installed
binary) and takes its busiest wedge. Each "# %%" cell runs on its own in Jupyter or VS Code.
"""
# %% Set-up
import argparse
import pathlib
import shutil
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import numpy as np

import daqz

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("wedge", nargs="?", help=".npy wedge, uint16 (192, 249, 16)")
parser.add_argument("--model", default="bcae-2d-sim", help="BCAE model name (or directory)")
parser.add_argument("--threshold", type=float, help="BCAE segmentation threshold (default: the model card's)")
parser.add_argument("--out", default="wedge.png", help="PNG to write")
args = parser.parse_args()

# %% An original wedge: from a file, or one simulated event's busiest wedge
if args.wedge:
    original = np.load(args.wedge)
else:
    here = pathlib.Path(__file__).resolve().parents[2]
    cli = shutil.which("daqz") or str(here / "build" / "bin" / "daqz")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([cli, "simulate", "--events", "1", "--seed", "3", "--out", tmp, "--no-jets", "--no-progress"],
                       check=True, capture_output=True)
        wedges = [np.load(p) for p in sorted(pathlib.Path(tmp, "wedges").glob("*.npy"))]
    original = max(wedges, key=np.count_nonzero)
print(f"original: {original.shape} {original.dtype}, {np.count_nonzero(original)} nonzero voxels")

# %% Compress and decode with the BCAE (the same C++ codec as daqz-ingest and daqz decode)
params = {} if args.threshold is None else {"threshold": args.threshold}
codec = daqz.Codec("bcae", model=args.model, params=params)
record = codec.encode(original)
recon = record.decode(float32=True)  # float reconstruction; record.decode() gives rounded uint16
mse = float(np.mean((recon - original.astype(np.float32)) ** 2))
dense_ratio = original.nbytes / record.stored_bytes
print(f"{record.model}@{record.model_version}: {record.stored_bytes} bytes stored "
      f"({dense_ratio:.0f}x vs dense 16-bit, {record.ratio:.1f}x vs zero-suppressed), MSE {mse:.1f}")

# %% Plot one pad layer (azimuth x time) of both, on a log colour scale
layer = int(np.argmax(np.count_nonzero(original, axis=(0, 1))))
vmax = np.log2(1024)
fig, axes = plt.subplots(1, 3, figsize=(15, 5), constrained_layout=True)
for ax, img, title in ((axes[0], original[:, :, layer], "original"),
                       (axes[1], np.clip(recon[:, :, layer], 0, None), f"{record.model} reconstruction"),
                       (axes[2], recon[:, :, layer] - original[:, :, layer], "reconstruction - original")):
    if title.startswith("reconstruction -"):
        lim = float(np.max(np.abs(img))) or 1.0
        im = ax.imshow(img.T, origin="lower", aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
        fig.colorbar(im, ax=ax, label="ADC difference")
    else:
        im = ax.imshow(np.log2(img.T + 1), origin="lower", aspect="auto", cmap="viridis", vmin=0, vmax=vmax)
        fig.colorbar(im, ax=ax, label="log2(ADC + 1)")
    ax.set(title=f"{title}, layer {layer}", xlabel="azimuth (pad)", ylabel="time bin")
fig.suptitle(f"TPC wedge through {record.codec}:{record.model}@{record.model_version}: "
             f"{dense_ratio:.0f}x vs dense, MSE {mse:.1f}")
fig.savefig(args.out, dpi=90)
print(f"wrote {args.out}")
