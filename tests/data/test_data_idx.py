"""IDX reader and writer: round trips and every kind of damaged file."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from lava_aptn.data import read_idx, write_idx
from lava_aptn.data.idx import decode_idx, encode_idx, gunzip, is_gzip
from lava_aptn.errors import DataError


@pytest.fixture
def images():
    return np.random.default_rng(1).integers(0, 256, size=(7, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("name", ["images-idx3-ubyte", "images-idx3-ubyte.gz"])
def test_round_trip_raw_and_gzip(tmp_path, images, name):
    path = write_idx(tmp_path / name, images)
    assert is_gzip(path.read_bytes()) == name.endswith(".gz")
    back = read_idx(path, ndim=3, item_shape=(28, 28))
    assert back.dtype == np.uint8
    assert back.shape == (7, 28, 28)
    np.testing.assert_array_equal(back, images)
    assert back.flags.writeable


def test_labels_round_trip_and_header_layout(tmp_path):
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    path = write_idx(tmp_path / "labels-idx1-ubyte", labels)
    data = path.read_bytes()
    assert data[:8] == b"\x00\x00\x08\x01" + struct.pack(">I", 5)  # magic 0x00000801, n=5
    assert data[8:] == labels.tobytes()
    np.testing.assert_array_equal(read_idx(path, ndim=1), labels)


def test_gzip_detected_by_content_not_name(tmp_path, images):
    path = tmp_path / "no-suffix"
    path.write_bytes(gzip.compress(encode_idx(images)))
    np.testing.assert_array_equal(read_idx(path), images)


def test_compress_flag_overrides_suffix(tmp_path, images):
    path = write_idx(tmp_path / "plain", images, compress=True)
    assert is_gzip(path.read_bytes())


def test_wrong_magic_names_the_file(tmp_path, images):
    path = tmp_path / "bad-magic"
    path.write_bytes(b"\x01\x02" + encode_idx(images)[2:])
    with pytest.raises(DataError, match=r"bad-magic has magic number 0x01020803.*not an"):
        read_idx(path)


def test_unsupported_dtype_code(images):
    data = bytearray(encode_idx(images))
    data[2] = 0x0D  # float
    with pytest.raises(DataError, match=r"dtype code 0x0d; only 0x08"):
        decode_idx(data, source="f")


def test_zero_dimensions():
    with pytest.raises(DataError, match="0 dimensions"):
        decode_idx(b"\x00\x00\x08\x00", source="f")


@pytest.mark.parametrize("cut", [1, 100, 28 * 28 * 7])
def test_truncated_file(tmp_path, images, cut):
    path = tmp_path / "short"
    path.write_bytes(encode_idx(images)[:-cut])
    with pytest.raises(DataError, match=r"short is truncated: \d+ bytes, but its header"):
        read_idx(path)


def test_truncated_header():
    with pytest.raises(DataError, match="header alone needs 16"):
        decode_idx(b"\x00\x00\x08\x03\x00\x00\x00\x07", source="f")
    with pytest.raises(DataError, match="too short"):
        decode_idx(b"\x00\x00", source="f")


def test_trailing_bytes(images):
    with pytest.raises(DataError, match="too long"):
        decode_idx(encode_idx(images) + b"\x00", source="f")


def test_wrong_ndim_and_item_shape(images):
    data = encode_idx(images)
    with pytest.raises(DataError, match=r"has 3 dimensions \(7, 28, 28\), expected 1"):
        decode_idx(data, source="f", ndim=1)
    with pytest.raises(DataError, match=r"items of shape \(28, 28\), expected \(32, 32\)"):
        decode_idx(data, source="f", item_shape=(32, 32))


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_bad_gzip(tmp_path, images, damage):
    blob = bytearray(gzip.compress(encode_idx(images)))
    if damage == "truncate":
        blob = blob[: len(blob) // 2]
    else:
        blob[len(blob) // 2] ^= 0xFF
    path = tmp_path / "broken.gz"
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match=r"broken.gz is not a valid gzip file"):
        read_idx(path)


def test_gunzip_size_limit():
    with pytest.raises(DataError, match="more than 10 bytes"):
        gunzip(gzip.compress(b"\x00" * 100), source="bomb", max_bytes=10)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_idx(tmp_path / "nope")


def test_encode_rejects_non_uint8():
    with pytest.raises(DataError, match="uint8 only, got float64"):
        encode_idx(np.zeros(3))
    with pytest.raises(DataError, match="1 to 255 dimensions, got 0"):
        encode_idx(np.uint8(3))
