#!/usr/bin/env python3
"""The include-layer check (ctest: layers.include_graph).

Every folder under core/ (and testing/) is one layer and one CMake target. A file may include
headers of its own layer and of the layers listed for it in ALLOWED below, nothing else: a new
upward include fails this test before it can become a link-time tangle. The same table is drawn in
docs/ARCHITECTURE.md; change both together.

Usage: tools/check_layers.py [repo root]    exit 0 = clean, 1 = violations (each printed), 2 = bad tree
"""
import pathlib
import re
import sys

# layer -> layers it may include (transitively closed by hand, so the table reads as the truth)
ALLOWED = {
    "base": set(),
    "wire": {"base"},
    "codec": {"base"},
    "codec_classic": {"base", "wire", "codec"},
    "codec_torch": {"base", "codec"},
    "transport": {"base", "wire"},
    "storage": {"base", "wire"},
    "sim": {"base", "codec"},
    "runtime": {"base", "wire", "transport"},
    "nodes": {"base", "wire", "codec", "codec_classic", "transport", "storage", "sim", "runtime"},
    "train": {"base", "codec", "codec_torch", "sim"},
    "offline": {"base", "wire", "codec", "codec_classic", "codec_torch", "transport", "storage", "sim",
                "runtime", "train"},
    "testing": {"base", "wire", "transport", "runtime"},
}
# Third-party headers confined to layers: LibTorch only in the torch layers (issue: the sink and
# the simulator never load it); ZeroMQ only at and above transport; HDF5 where files are read/written.
CONFINED = {
    re.compile(r"^(torch|ATen|c10)/"): {"codec_torch", "train", "offline"},
    re.compile(r"^zmq(\.h|\.hpp|_addon\.hpp)$"): {"transport", "runtime", "nodes", "offline", "testing"},
    re.compile(r"^(hdf5|H5[A-Za-z]*)\.h$"): {"sim", "offline"},
}
PROJECT = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/[^"]+"', re.M)
SYSTEM = re.compile(r"^\s*#\s*include\s+<([^>]+)>", re.M)


def layer_of(path: pathlib.Path, root: pathlib.Path):
    rel = path.relative_to(root).parts
    if rel[0] == "core" and len(rel) > 2:
        return rel[1]
    if rel[0] == "testing":
        return "testing"
    return None


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else ".").resolve()
    files = [p for d in ("core", "testing") if (root / d).is_dir()
             for p in (root / d).rglob("*") if p.suffix in (".h", ".cpp")]
    if not files:
        print(f"check_layers: no sources under {root}/core", file=sys.stderr)
        return 2
    problems = []
    for f in sorted(files):
        layer = layer_of(f, root)
        if layer not in ALLOWED:
            problems.append(f"{f.relative_to(root)}: folder '{layer}' is not a layer in tools/check_layers.py")
            continue
        text = f.read_text()
        for target in PROJECT.findall(text):
            if target != layer and target in ALLOWED and target not in ALLOWED[layer]:
                problems.append(f"{f.relative_to(root)}: layer '{layer}' includes '{target}/' (allowed: "
                                f"{', '.join(sorted(ALLOWED[layer])) or 'nothing'})")
        for header in SYSTEM.findall(text):
            for pattern, layers in CONFINED.items():
                if pattern.search(header) and layer not in layers:
                    problems.append(f"{f.relative_to(root)}: <{header}> is confined to {', '.join(sorted(layers))}")
    for p in problems:
        print(p)
    print(f"check_layers: {len(files)} files, {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
