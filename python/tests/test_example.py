"""docs/examples/plot_wedge.py runs as documented and writes a PNG (matplotlib, Agg)."""
import os
import subprocess
import sys

import pytest

from conftest import BIN_DIR, SOURCE_DIR

pytest.importorskip("matplotlib")


def test_plot_wedge_example_writes_a_png(tmp_path):
    out = tmp_path / "wedge.png"
    env = dict(os.environ, PATH=f"{BIN_DIR}{os.pathsep}{os.environ.get('PATH', '')}")  # the build's `daqz`
    r = subprocess.run([sys.executable, str(SOURCE_DIR / "docs/examples/plot_wedge.py"), "--out", str(out)],
                       env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "bcae-2d-sim@" in r.stdout and "MSE" in r.stdout, r.stdout
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 20000
