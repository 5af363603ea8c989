"""Read and write IDX files, the format MNIST and Fashion-MNIST ship in.

An IDX file is a big-endian header followed by the raw array, C order:

====== ========================================================
bytes  meaning
====== ========================================================
0-1    zero
2      dtype code; only ``0x08`` (unsigned byte) is supported
3      number of dimensions ``d``
4..    ``d`` sizes, each a 4-byte unsigned big-endian integer
rest   ``prod(sizes)`` data bytes, nothing more, nothing less
====== ========================================================

Files may be gzip-compressed (``.gz``); the reader recognises gzip by its
magic bytes, not by the file name.
"""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
import zlib
from pathlib import Path

import numpy as np

from lava_aptn.errors import DataError
from lava_aptn.io import atomic_write_bytes

#: The only IDX dtype code MNIST-style data uses: unsigned byte.
UBYTE_CODE = 0x08
#: The first two bytes of every gzip stream.
GZIP_MAGIC = b"\x1f\x8b"
#: Largest (uncompressed) IDX file accepted, in bytes; guards against gzip bombs.
MAX_IDX_BYTES = 256 * 1024 * 1024

Buffer = bytes | bytearray | memoryview


def is_gzip(data: Buffer) -> bool:
    """Return True when ``data`` starts with the gzip magic bytes."""
    return bytes(data[:2]) == GZIP_MAGIC


def gunzip(data: Buffer, *, source: str = "<bytes>", max_bytes: int = MAX_IDX_BYTES) -> bytes:
    """Decompress a gzip stream, raising `DataError` if it is damaged.

    Parameters
    ----------
    data
        The compressed bytes.
    source
        Where the bytes came from (a path or URL), quoted in errors.
    max_bytes
        Largest decompressed size accepted, in bytes.

    Returns
    -------
    bytes
        The decompressed bytes.
    """
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as fh:
            out = fh.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(
            f"{source} is not a valid gzip file ({exc}); the download or copy is damaged: "
            "fetch it again"
        ) from exc
    if len(out) > max_bytes:
        raise DataError(f"{source} decompresses to more than {max_bytes} bytes; not an IDX file")
    return out


def maybe_gunzip(data: Buffer, *, source: str = "<bytes>") -> Buffer:
    """Return ``data`` decompressed if it is gzip, else unchanged."""
    return gunzip(data, source=source) if is_gzip(data) else data


def parse_idx_header(data: Buffer, *, source: str = "<bytes>") -> tuple[tuple[int, ...], int]:
    """Validate an uncompressed IDX header and the total length.

    Parameters
    ----------
    data
        The whole uncompressed file.
    source
        Where the bytes came from, quoted in errors.

    Returns
    -------
    dims : tuple of int
        The array shape the header declares.
    offset : int
        Where the data bytes start, in bytes.

    Raises
    ------
    DataError
        Bad magic number, unsupported dtype, zero dimensions, or a length that
        differs from what the header declares.
    """
    if len(data) < 4:
        raise DataError(f"{source} is {len(data)} bytes long, too short for an IDX header")
    zero, code, ndim = bytes(data[:2]), data[2], data[3]
    if zero != b"\x00\x00":
        magic = int.from_bytes(bytes(data[:4]), "big")
        raise DataError(
            f"{source} has magic number 0x{magic:08x}; an IDX file starts with 0x0000, "
            "then a dtype code and a dimension count: this is not an (uncompressed) IDX file"
        )
    if code != UBYTE_CODE:
        raise DataError(
            f"{source} has IDX dtype code 0x{code:02x}; only 0x{UBYTE_CODE:02x} "
            "(unsigned byte) is supported"
        )
    if ndim == 0:
        raise DataError(f"{source} declares 0 dimensions; an IDX array needs at least one")
    offset = 4 + 4 * ndim
    if len(data) < offset:
        raise DataError(
            f"{source} is truncated: {len(data)} bytes, but its header alone needs {offset}"
        )
    dims = struct.unpack(f">{ndim}I", bytes(data[4:offset]))
    expected = offset + math.prod(dims)
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "too long"
        raise DataError(
            f"{source} is {what}: {len(data)} bytes, but its header {dims} declares "
            f"{expected}; fetch the file again"
        )
    return dims, offset


def decode_idx(
    data: Buffer,
    *,
    source: str = "<bytes>",
    ndim: int | None = None,
    item_shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Decode IDX bytes (raw or gzip) into a writable ``uint8`` array.

    Parameters
    ----------
    data
        The file contents, raw or gzip-compressed.
    source
        Where the bytes came from, quoted in errors.
    ndim
        Required number of dimensions (3 for images, 1 for labels); None
        accepts any.
    item_shape
        Required shape of one item, ``dims[1:]`` (e.g. ``(28, 28)``); None
        accepts any.

    Returns
    -------
    numpy.ndarray
        The array, dtype ``uint8``, shape as the header declares.
    """
    data = maybe_gunzip(data, source=source)
    dims, offset = parse_idx_header(data, source=source)
    if ndim is not None and len(dims) != ndim:
        raise DataError(f"{source} has {len(dims)} dimensions {dims}, expected {ndim}")
    if item_shape is not None and tuple(dims[1:]) != tuple(item_shape):
        raise DataError(f"{source} holds items of shape {dims[1:]}, expected {item_shape}")
    array = np.frombuffer(data, dtype=np.uint8, count=math.prod(dims), offset=offset)
    if not array.flags.writeable:
        array = array.copy()
    return array.reshape(dims)


def encode_idx(array: np.ndarray) -> bytes:
    """Encode a ``uint8`` array as uncompressed IDX bytes.

    Parameters
    ----------
    array
        At least one dimension, dtype ``uint8``, each size below ``2**32``.
    """
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise DataError(f"IDX writing supports dtype uint8 only, got {array.dtype}")
    if array.ndim < 1 or array.ndim > 255:
        raise DataError(f"an IDX array needs 1 to 255 dimensions, got {array.ndim}")
    header = struct.pack(f">2sBB{array.ndim}I", b"\x00\x00", UBYTE_CODE, array.ndim, *array.shape)
    return header + np.ascontiguousarray(array).tobytes()


def read_idx(
    path: str | os.PathLike,
    *,
    ndim: int | None = None,
    item_shape: tuple[int, ...] | None = None,
) -> np.ndarray:
    """Read an IDX file, raw or gzip-compressed, into a ``uint8`` array.

    Parameters
    ----------
    path
        The file.
    ndim, item_shape
        Optional shape requirements, as in `decode_idx`.

    Returns
    -------
    numpy.ndarray
        Images come back as ``(n, 28, 28)``, labels as ``(n,)``, dtype ``uint8``.

    Raises
    ------
    DataError
        The file is missing or is not a valid IDX file; the message names it.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> path = Path(tempfile.mkdtemp()) / "labels-idx1-ubyte.gz"
    >>> _ = write_idx(path, np.array([3, 1, 4], dtype=np.uint8))
    >>> read_idx(path).tolist()
    [3, 1, 4]
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"{path} does not exist") from exc
    except OSError as exc:
        raise DataError(f"{path} cannot be read: {exc}") from exc
    return decode_idx(data, source=str(path), ndim=ndim, item_shape=item_shape)


def write_idx(path: str | os.PathLike, array: np.ndarray, *, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file, atomically.

    Parameters
    ----------
    path
        Destination; parent folders are created.
    array
        A ``uint8`` array of at least one dimension.
    compress
        Gzip the file; None (default) compresses when ``path`` ends in ``.gz``.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    path = Path(path)
    data = encode_idx(array)
    if compress if compress is not None else path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    return atomic_write_bytes(path, data)
