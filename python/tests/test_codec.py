"""Encoding numpy arrays with a codec (notebooks), and the model-hash check on decode."""
import shutil

import numpy as np
import pytest

import daqz
from conftest import MODELS, daqz as daqz_cli, sparse_wedge


def test_lossless_round_trip_applies_zero_suppression():
    w = sparse_wedge(1)
    w[0, 0, 0] = 40  # below the readout threshold: reads as 0, as the ingest node would store it
    rec = daqz.encode(w)
    assert rec.codec == "lossless" and rec.kind == "wedge" and rec.source == "python"
    back = rec.decode()
    expected = w.copy()
    expected[0, 0, 0] = 0
    np.testing.assert_array_equal(back, expected)


def test_zfp_operating_point_changes_size_and_error():
    w = sparse_wedge(2, occupancy=0.1)
    sizes, errors = [], []
    for rate in (1, 4):
        rec = daqz.Codec("zfp", params={"mode": "rate", "rate": rate}).encode(w)
        sizes.append(rec.stored_bytes)
        errors.append(float(np.mean((rec.decode(float32=True) - w.astype(np.float32)) ** 2)))
    assert sizes[0] < sizes[1]  # more bits per voxel, more bytes
    assert errors[0] > errors[1] > 0  # and less distortion


def test_bcae_model_by_name_encodes_and_decodes():
    codec = daqz.Codec("bcae", model="bcae-2d-sim", model_roots=[MODELS])
    d = codec.descriptor
    assert d["codec"] == "bcae" and d["model"] == "bcae-2d-sim" and ":" in d["weights_sha256"]
    rec = codec.encode(sparse_wedge(3), sequence=5)
    assert (rec.model, rec.sequence, rec.weights_sha256) == ("bcae-2d-sim", 5, d["weights_sha256"])
    other = codec.encode(sparse_wedge(4, occupancy=0.2))
    assert other.original_bytes > rec.original_bytes
    # The card's default operating point entropy-codes the latent (K bits, rANS): smaller than the
    # fixed-size fp16 code, which stays available as bits=fp16.
    fp16 = daqz.Codec("bcae", model="bcae-2d-sim", params={"bits": "fp16"}, model_roots=[MODELS])
    fixed = [fp16.encode(sparse_wedge(3)).stored_bytes, fp16.encode(sparse_wedge(4, occupancy=0.2)).stored_bytes]
    assert fixed[0] == fixed[1] > 0  # a fixed-size latent code, whatever the occupancy
    assert 0 < rec.stored_bytes < fixed[0] / 2 and 0 < other.stored_bytes < fixed[0] / 2
    recon = rec.decode(float32=True)
    assert recon.shape == (192, 249, 16) and recon.dtype == np.float32
    assert rec.decode().max() <= 1023


def test_records_refuse_weights_with_another_hash(tmp_path):
    """A record names the SHA-256 of the weights that wrote it: weights retrained under the same name
    are refused, exactly as `daqz decode` refuses them."""
    models = tmp_path / "models"
    shutil.copytree(MODELS / "jet-ae-4d", models / "jet-ae-4d")
    jets = np.abs(np.random.default_rng(4).normal(60, 20, size=(8, 4))).astype(np.float32)
    np.save(tmp_path / "jets.npy", jets)
    daqz_cli("encode", tmp_path / "jets.npy", "--out", tmp_path / "segs", "--jet-codec", "jet-ae",
             "--jet-model", "jet-ae-4d", "--models", models, "--no-progress")
    (rec,) = daqz.open(tmp_path / "segs", model_roots=[models]).records()
    assert rec.model == "jet-ae-4d" and rec.decode().shape == (8, 4)
    with (models / "jet-ae-4d" / "decoder.pt").open("ab") as f:
        f.write(b"retrained")  # same name, other weights
    (rec,) = daqz.open(tmp_path / "segs", model_roots=[models]).records()
    with pytest.raises((daqz.CodecError, daqz.ModelError), match="(?i)sha"):
        rec.decode()


def test_jets_by_column_count_get_their_schema():
    jets = np.random.default_rng(5).normal(size=(3, 4)).astype(np.float32)
    rec = daqz.encode(jets, codec="jet-lossless")
    assert rec.kind == "jets" and rec.feature_names == daqz.feature_names(2)
    np.testing.assert_array_equal(rec.decode(), jets)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(daqz.CodecError, match="no-such-codec"):
        daqz.Codec("no-such-codec")
    with pytest.raises(ValueError, match="uint16 array"):
        daqz.encode(np.zeros((4, 4), dtype=np.uint16))
    with pytest.raises(daqz.ModelError):
        daqz.Codec("bcae", model="no-such-model", model_roots=[MODELS])
