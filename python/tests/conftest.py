"""Shared fixtures of the daqz Python tests (run by ctest as python.pytest with PYTHONPATH set to the
build's python/ folder, DAQZ_SOURCE_DIR to the checkout and DAQZ_BIN_DIR to the build's binaries)."""
import os
import pathlib
import subprocess

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("DAQZ_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN_DIR = pathlib.Path(os.environ.get("DAQZ_BIN_DIR", SOURCE_DIR / "build" / "bin"))
MODELS = SOURCE_DIR / "deploy" / "models"
SHAPE = (192, 249, 16)


def sparse_wedge(seed, occupancy=0.05):
    """A zero-suppressed wedge: runs of ADC 65..1023 along the time axis, as the readout sends."""
    rng = np.random.default_rng(seed)
    w = np.zeros(SHAPE, dtype=np.uint16)
    starts = rng.random(SHAPE) < occupancy / 4
    for a, t, l in np.argwhere(starts):
        n = int(rng.integers(1, 6))
        w[a, t:t + n, l] = rng.integers(65, 1024, size=len(range(t, min(t + n, SHAPE[1]))))
    return w


def daqz(*args, **kwargs):
    """Runs the build's `daqz` CLI; returns the CompletedProcess (check=True)."""
    return subprocess.run([str(BIN_DIR / "daqz"), *map(str, args)], check=True, capture_output=True, text=True,
                          **kwargs)


@pytest.fixture(scope="session")
def wedge_files(tmp_path_factory):
    """Four wedges written as felix-sim --dump names them (<source>_<sequence>.npy) plus one jet batch."""
    d = tmp_path_factory.mktemp("input")
    wedges = {f"felix-7_{i}": sparse_wedge(i) for i in range(4)}
    for stem, w in wedges.items():
        np.save(d / f"{stem}.npy", w)
    jets = np.random.default_rng(9).normal(50, 10, size=(6, 27)).astype(np.float32)
    np.save(d / "felix-7-jets_0.npy", jets)
    return d, wedges, jets


@pytest.fixture(scope="session")
def lossless_segments(wedge_files, tmp_path_factory):
    """The input encoded losslessly by `daqz encode --keys-from-names` (the CLI, not this module)."""
    d, _, _ = wedge_files
    out = tmp_path_factory.mktemp("segments")
    daqz("encode", d, "--out", out, "--keys-from-names", "--no-progress", "--json")
    return out
