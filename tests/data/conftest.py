"""Fixtures for the data tests: a tiny generated dataset with its own checksums."""

from __future__ import annotations

import functools
import hashlib
import threading
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from lava_aptn.data.cache import clear_memo
from lava_aptn.data.idx import encode_idx, write_idx
from lava_aptn.data.specs import DatasetSpec, standard_files

N_TRAIN, N_TEST = 40, 20  # 4 and 2 images per class


@dataclass(frozen=True)
class Tiny:
    """A generated 10-class dataset: its spec, arrays and raw IDX bytes by file name."""

    spec: DatasetSpec
    arrays: dict  # split -> (images, labels)
    raw: dict  # file name -> uncompressed bytes

    def write(self, folder: Path, *, gz: bool = False) -> Path:
        """Write the four files into ``folder`` (raw, or gzipped with a ``.gz`` suffix)."""
        for split, (images, labels) in self.arrays.items():
            for kind, array in (("images", images), ("labels", labels)):
                name = self.spec.file(split, kind).name
                write_idx(folder / (name + ".gz" if gz else name), array)
        return folder


def make_tiny(name: str = "tiny", seed: int = 0) -> Tiny:
    rng = np.random.default_rng(seed)
    arrays, raw = {}, {}
    for split, n in (("train", N_TRAIN), ("test", N_TEST)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.permutation(np.arange(n) % 10).astype(np.uint8)
        arrays[split] = (images, labels)
        prefix = "train" if split == "train" else "t10k"
        raw[f"{prefix}-images-idx3-ubyte"] = encode_idx(images)
        raw[f"{prefix}-labels-idx1-ubyte"] = encode_idx(labels)
    sums = {k: hashlib.sha256(v).hexdigest() for k, v in raw.items()}
    spec = DatasetSpec(
        name=name,
        title=name.upper(),
        files=standard_files(
            train_images=sums["train-images-idx3-ubyte"],
            train_labels=sums["train-labels-idx1-ubyte"],
            test_images=sums["t10k-images-idx3-ubyte"],
            test_labels=sums["t10k-labels-idx1-ubyte"],
        ),
        url_env="LAVA_APTN_TINY_URL",
    )
    return Tiny(spec, arrays, raw)


@pytest.fixture
def tiny() -> Tiny:
    return make_tiny()


@pytest.fixture
def data_root(tmp_path, monkeypatch) -> Path:
    """An empty cache root, set as $LAVA_APTN_DATA; the verification memo starts empty."""
    root = tmp_path / "cache"
    monkeypatch.setenv("LAVA_APTN_DATA", str(root))
    clear_memo()
    yield root
    clear_memo()


def _snapshot(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def snapshot():
    """Return a function: every file under a folder (hidden temp files included) -> bytes."""
    return _snapshot


@pytest.fixture
def tiny_factory():
    """Return `make_tiny`, to build a tiny dataset with another name or seed."""
    return make_tiny


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def serve(monkeypatch):
    """Start a local HTTP server on 127.0.0.1 serving a folder; return its base URL."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connections are refused at once)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"
