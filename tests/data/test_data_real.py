"""The real MNIST / Fashion-MNIST cache (``lava-aptn data fetch all`` fills it).

Skipped, with the reason, when the cache is absent; a present but corrupt cache fails.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from lava_aptn.data import load_dataset
from lava_aptn.data.cache import cache_root, dataset_dir
from lava_aptn.errors import DataError

pytestmark = pytest.mark.realdata

# Paper brief, section 8.
CLASS_COUNTS = {
    ("mnist", "train"): [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
    ("mnist", "test"): [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
    ("fashion-mnist", "train"): [6000] * 10,
    ("fashion-mnist", "test"): [1000] * 10,
}


def _require(dataset: str) -> None:
    folder = dataset_dir(dataset)
    if not folder.is_dir() or not any(folder.iterdir()):
        pytest.skip(
            f"real {dataset} cache not found at {folder} (cache root {cache_root()}); "
            f"run `lava-aptn data fetch {dataset}`"
        )


@pytest.mark.parametrize(("dataset", "split"), sorted(CLASS_COUNTS))
def test_per_class_counts(dataset, split):
    _require(dataset)
    images, labels = load_dataset(dataset, split)
    expected = CLASS_COUNTS[(dataset, split)]
    assert images.shape == (sum(expected), 28, 28) and images.dtype == np.uint8
    assert labels.shape == (sum(expected),) and labels.dtype == np.uint8
    assert np.bincount(labels, minlength=10).tolist() == expected


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_flipped_byte_in_copy_of_real_file(tmp_path, dataset):
    _require(dataset)
    copy = tmp_path / dataset
    copy.mkdir()
    for name in ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        shutil.copy2(dataset_dir(dataset) / name, copy / name)
    target = copy / "t10k-labels-idx1-ubyte"
    data = bytearray(target.read_bytes())
    data[5000] ^= 0x01  # one label changes, the file stays a valid IDX file
    target.write_bytes(bytes(data))
    with pytest.raises(DataError) as info:
        load_dataset(dataset, "test", root=tmp_path)
    assert str(target) in str(info.value)
    assert f"lava-aptn data fetch {dataset}" in str(info.value)
