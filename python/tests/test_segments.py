"""Reading segment files from Python: metadata, decoding, agreement with `daqz decode`, damage."""
import json
import shutil

import numpy as np
import pytest

import daqz
from conftest import MODELS, daqz as run_daqz


def test_import_reports_the_build():
    assert daqz.__version__
    assert daqz.build_info().startswith("daqz ")
    assert {"lossless", "zfp", "bcae"} <= set(daqz.wedge_codecs())
    assert {"jet-lossless", "jet-ae"} <= set(daqz.jet_codecs())


def test_records_carry_their_metadata(lossless_segments, wedge_files):
    _, wedges, jets = wedge_files
    segs = daqz.open(lossless_segments)
    records = segs.records()
    assert len(segs.segments) == 2  # a record of another codec/model starts a new segment
    assert sorted(r.key for r in records) == sorted(
        [("felix-7", 0, i) for i in range(4)] + [("felix-7-jets", 0, 0)])
    w = next(r for r in records if r.kind == "wedge")
    assert (w.codec, w.model, w.run) == ("lossless", "", 0)
    assert w.original_shape == [192, 249, 16]
    assert 0 < w.stored_bytes < w.original_bytes
    assert w.ratio == pytest.approx(w.original_bytes / w.stored_bytes)
    assert w.segment.endswith(".daqz") and w.timestamp_ns > 0
    j = next(r for r in records if r.kind == "jets")
    assert j.codec == "jet-lossless" and j.original_shape == [6, 27]
    assert len(j.feature_names) == 27 and j.feature_names[0] == "pt"
    assert "felix-7" in repr(w) and "lossless" in repr(w)


def test_lossless_records_decode_bit_exactly(lossless_segments, wedge_files):
    _, wedges, jets = wedge_files
    for r in daqz.open(lossless_segments):
        got = r.decode()
        if r.kind == "wedge":
            assert got.dtype == np.uint16 and got.shape == (192, 249, 16)
            np.testing.assert_array_equal(got, wedges[f"{r.source}_{r.sequence}"])
            f = r.decode(float32=True)
            assert f.dtype == np.float32
            np.testing.assert_array_equal(f, got.astype(np.float32))
        else:
            assert got.dtype == np.float32 and got.shape == (6, 27)
            np.testing.assert_array_equal(got, jets)


def test_agrees_with_daqz_decode_on_a_lossy_codec(wedge_files, tmp_path):
    """ZFP records (lossy): the module's uint16 and float32 decodes equal `daqz decode`'s files."""
    d, _, _ = wedge_files
    segs = tmp_path / "zfp"
    summary = json.loads(run_daqz("encode", d, "--out", segs, "--codec", "zfp", "--codec-param", "mode=rate",
                                  "--codec-param", "rate=2", "--keys-from-names", "--no-progress", "--json").stdout)
    assert summary["fidelity"]["mse"] > 0  # really lossy
    run_daqz("decode", segs, "--out", tmp_path / "u16", "--no-progress")
    run_daqz("decode", segs, "--out", tmp_path / "f32", "--float", "--no-progress")
    n = 0
    for r in daqz.open(segs):
        if r.kind != "wedge":
            continue
        assert r.codec == "zfp" and r.params["mode"] == "rate"
        np.testing.assert_array_equal(r.decode(), np.load(tmp_path / "u16" / f"{r.source}_{r.sequence}.npy"))
        np.testing.assert_array_equal(r.decode(float32=True), np.load(tmp_path / "f32" / f"{r.source}_{r.sequence}.npy"))
        n += 1
    assert n == 4


def test_summary_counts_everything(lossless_segments):
    s = daqz.open(lossless_segments).summary()
    assert (s["records"], s["wedges"], s["jet_batches"]) == (5, 4, 1)
    assert s["codecs"] == {"lossless": 4, "jet-lossless": 1}
    assert s["ratio"] > 1 and s["damaged_regions"] == 0


def test_damaged_segment_is_read_past_or_refused_when_strict(lossless_segments, tmp_path):
    copy = tmp_path / "damaged"
    shutil.copytree(lossless_segments, copy)
    seg = max(copy.glob("*.daqz"), key=lambda p: p.stat().st_size)  # the wedges' segment
    data = bytearray(seg.read_bytes())
    mid = len(data) // 2
    data[mid:mid + 4] = bytes(b ^ 0xA5 for b in data[mid:mid + 4])
    seg.write_bytes(bytes(data))
    segs = daqz.open(copy)
    assert len(segs.records()) == 4  # the one damaged record is skipped
    assert len(segs.damage) == 1 and "CRC" in segs.damage[0]["reason"]
    with pytest.raises(daqz.StorageError, match="strict"):
        daqz.open(copy, strict=True).records()


def test_missing_folder_is_a_storage_error(tmp_path):
    with pytest.raises(daqz.StorageError, match="no segment file or folder"):
        daqz.open(tmp_path / "nowhere")


def test_default_model_roots_find_the_checkouts_models(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no ./deploy/models here: found beside the module (build/python -> checkout)
    monkeypatch.delenv("DAQZ_MODELS", raising=False)
    roots = daqz.default_model_roots()
    assert roots == [str(MODELS.resolve())]
    monkeypatch.setenv("DAQZ_MODELS", "/a:/b")
    assert daqz.default_model_roots() == ["/a", "/b"]
