"""MNIST and Fashion-MNIST: IDX files, checksums, the cache and fetching.

>>> from lava_aptn.data import load_mnist
>>> images, labels = load_mnist("train")  # doctest: +SKIP
>>> images.shape, images.dtype, labels.shape  # doctest: +SKIP
((60000, 28, 28), dtype('uint8'), (60000,))

The names below are imported on first use (PEP 562), so importing
``lava_aptn.data.commands`` for ``lava-aptn --help`` does not import numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "load_mnist": "lava_aptn.data.cache",
    "load_fashion_mnist": "lava_aptn.data.cache",
    "load_dataset": "lava_aptn.data.cache",
    "cache_root": "lava_aptn.data.cache",
    "read_idx": "lava_aptn.data.idx",
    "write_idx": "lava_aptn.data.idx",
    "fetch": "lava_aptn.data.fetch",
    "FetchResult": "lava_aptn.data.fetch",
    "DATASETS": "lava_aptn.data.specs",
    "DatasetSpec": "lava_aptn.data.specs",
    "IdxFile": "lava_aptn.data.specs",
}

__all__ = [
    "DATASETS",
    "DatasetSpec",
    "FetchResult",
    "IdxFile",
    "cache_root",
    "fetch",
    "load_dataset",
    "load_fashion_mnist",
    "load_mnist",
    "read_idx",
    "write_idx",
]

if TYPE_CHECKING:
    from lava_aptn.data.cache import cache_root, load_dataset, load_fashion_mnist, load_mnist
    from lava_aptn.data.fetch import FetchResult, fetch
    from lava_aptn.data.idx import read_idx, write_idx
    from lava_aptn.data.specs import DATASETS, DatasetSpec, IdxFile


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first access."""
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
