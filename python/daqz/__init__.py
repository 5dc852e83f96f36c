"""daqz from Python: read segment files, decode records to numpy, encode arrays in notebooks.

The same C++ as the command line does the work: the segment reader (CRC-checked records; damaged
regions skipped and listed, as ``daqz decode`` does), the record decoder (each record's own codec,
its model found by name under the model roots and refused unless the weights' SHA-256 matches the
record's) and the codec registry.

    import daqz
    segs = daqz.open("run/segments")                 # a folder of segments, or one segment file
    for rec in segs:
        print(rec.source, rec.run, rec.sequence, rec.codec, rec.model, rec.stored_bytes)
        x = rec.decode()                             # wedge: uint16 (192, 249, 16); jets: float32 (n, f)
    recon = rec.decode(float32=True)                 # a wedge's float reconstruction
    rec.feature_names                                # jets: the column names

    codec = daqz.Codec("bcae", model="bcae-2d-sim", params={"threshold": 0.4})
    rec = codec.encode(wedge)                        # numpy uint16 (192, 249, 16) -> daqz.Record
    back = rec.decode(float32=True)

Build and import (the module lands in build/python):
    PYTHONPATH=build/python python3 -c "import daqz; print(daqz.build_info())"
Models are looked up under ``model_roots`` (default: $DAQZ_MODELS, else ./deploy/models, else the
models beside this module: <prefix>/share/daqz/models of an install, deploy/models of a checkout).
"""
import os
import pathlib

from ._daqz import (CodecError, ModelError, Record, StorageError, __version__, build_info, feature_names,
                    jet_codecs, wedge_codecs)
from . import _daqz

__all__ = ["open", "Segments", "Codec", "encode", "Record", "CodecError", "ModelError", "StorageError",
           "default_model_roots", "build_info", "feature_names", "wedge_codecs", "jet_codecs", "__version__"]


def default_model_roots():
    """Where models are looked up when no roots are given (see the module docstring)."""
    env = os.environ.get("DAQZ_MODELS")
    if env:
        return [p for p in env.split(os.pathsep) if p]
    if pathlib.Path("deploy/models").is_dir():
        return ["deploy/models"]
    # Installed: <prefix>/lib/python3/dist-packages/daqz -> <prefix>/share/daqz/models.
    # Built: <build>/python/daqz -> <checkout>/deploy/models.
    for parent in pathlib.Path(__file__).resolve().parents:
        for candidate in (parent / "share" / "daqz" / "models", parent / "deploy" / "models"):
            if candidate.is_dir():
                return [str(candidate)]
    return ["deploy/models"]


def _roots(model_roots):
    if model_roots is None:
        return default_model_roots()
    if isinstance(model_roots, (str, os.PathLike)):
        return [os.fspath(model_roots)]
    return [os.fspath(r) for r in model_roots]


class Segments:
    """The records of a segment folder (or one segment file), read lazily on each iteration.

    Iterating yields ``daqz.Record`` objects in write order: every stored record, duplicates
    included (``key`` = (source, run, sequence) tells them apart). ``damage`` lists the regions the
    last iteration skipped; ``strict=True`` raises ``StorageError`` at the first one instead.
    """

    def __init__(self, path, model_roots=None, device="cpu", threads=1, strict=False):
        self.path = os.fspath(path)
        self.model_roots = _roots(model_roots)
        self.strict = strict
        self._decoder = _daqz.Decoder(self.model_roots, device, threads)
        self.damage = []
        self.segments = _daqz.RecordStream(self.path, self._decoder, strict).segments

    def __iter__(self):
        stream = _daqz.RecordStream(self.path, self._decoder, self.strict)
        self.segments = stream.segments
        for rec in stream:
            yield rec
        self.damage = stream.damage

    def records(self):
        """Every record as a list (payloads are small; decoded arrays are made only on decode())."""
        return list(self)

    def summary(self):
        """Counts by kind, codec and model, bytes stored and the ratio against the original size."""
        out = {"records": 0, "wedges": 0, "jet_batches": 0, "stored_bytes": 0, "original_bytes": 0, "codecs": {}}
        for r in self:
            out["records"] += 1
            out["wedges" if r.kind == "wedge" else "jet_batches"] += 1
            out["stored_bytes"] += r.stored_bytes
            out["original_bytes"] += r.original_bytes
            name = r.codec + (":" + r.model + "@" + r.model_version if r.model else "")
            out["codecs"][name] = out["codecs"].get(name, 0) + 1
        out["ratio"] = out["original_bytes"] / out["stored_bytes"] if out["stored_bytes"] else 0.0
        out["damaged_regions"] = len(self.damage)
        return out

    def __repr__(self):
        return f"<daqz.Segments '{self.path}': {len(self.segments)} segment file(s)>"


def open(path, model_roots=None, device="cpu", threads=1, strict=False):  # noqa: A001 (like io.open)
    """Opens a segment folder or file for reading: ``daqz.Segments``."""
    return Segments(path, model_roots, device, threads, strict)


class Codec:
    """A codec ready to encode numpy arrays, built once (neural codecs load their weights here).

    ``codec``: a wedge codec (``daqz.wedge_codecs()``: lossless, zfp, bcae, ...) or a jet codec
    (``daqz.jet_codecs()``); ``model``: a model directory or a name under ``model_roots``;
    ``params``: the operating point (e.g. ``{"threshold": 0.4}``, ``{"mode": "rate", "rate": 2}``).
    """

    def __init__(self, codec, model=None, params=None, model_roots=None, device="cpu", threads=1):
        roots = _roots(model_roots)
        model_dir = ""
        if model:
            model = os.fspath(model)
            model_dir = model if pathlib.Path(model, "model.json").is_file() else _daqz.find_model(model, roots)
            roots = roots + [str(pathlib.Path(model_dir).resolve().parent)]
        self.model_roots = roots
        self._decoder = _daqz.Decoder(roots, device, threads)
        self._codec = _daqz.Codec(codec, model_dir, {str(k): str(v) for k, v in (params or {}).items()},
                                  device, threads, self._decoder)

    @property
    def descriptor(self):
        """codec, model, model_version, weights_sha256 of the records this codec writes."""
        return self._codec.descriptor

    def encode(self, array, source="python", run=0, sequence=0, schema_id=0):
        """Encodes one wedge (uint16 (azimuth, time, layer); zero suppression applied) or one jet
        batch (float32 (n, f); ``schema_id`` 0 = from the column count) into a ``daqz.Record``."""
        return self._codec.encode(array, source, run, sequence, schema_id)


def encode(array, codec="lossless", model=None, params=None, **kwargs):
    """One-shot ``Codec(codec, model, params).encode(array)``; build a ``Codec`` to encode many."""
    return Codec(codec, model, params, **kwargs).encode(array)
