"""The local dataset cache: where it lives, verified reads, and loading.

Layout: ``<root>/<dataset>/<file>``, files uncompressed with their canonical
names, e.g. ``~/.cache/lava-aptn/mnist/train-images-idx3-ubyte``. The root is
``$LAVA_APTN_DATA`` if set, else ``$XDG_CACHE_HOME/lava-aptn``, else
``~/.cache/lava-aptn``.

Every load checks the SHA-256 of the bytes it returns. A small in-process memo,
keyed by path, size, modification and change times and inode, skips rehashing a
file already verified in this process; any write to the file changes the key.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lava_aptn.data.idx import decode_idx
from lava_aptn.data.specs import DatasetSpec, IdxFile, check_split, get_spec
from lava_aptn.errors import DataError

#: Environment variable naming the cache root.
DATA_ENV = "LAVA_APTN_DATA"
_MEMO_MAX = 64
_verified: dict[tuple, str] = {}


def cache_root() -> Path:
    """Return the cache root (read from the environment at each call)."""
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "lava-aptn"


def dataset_dir(dataset: str | DatasetSpec, root: str | os.PathLike | None = None) -> Path:
    """Return the cache folder of one dataset, ``<root>/<name>``."""
    spec = get_spec(dataset)
    return (Path(root) if root is not None else cache_root()) / spec.name


def sha256_hex(data: bytes | bytearray | memoryview) -> str:
    """Return the lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _memo_key(path: Path, st: os.stat_result) -> tuple:
    return (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def remember_verified(path: Path, sha256: str) -> None:
    """Record that ``path``, as it is on disk now, has checksum ``sha256``."""
    if len(_verified) >= _MEMO_MAX:
        _verified.clear()
    _verified[_memo_key(path, path.stat())] = sha256


def clear_memo() -> None:
    """Forget every file verified in this process (the next load rehashes)."""
    _verified.clear()


def read_verified(
    spec: DatasetSpec, entry: IdxFile, root: str | os.PathLike | None = None
) -> bytearray:
    """Read one cached file and check its SHA-256.

    Parameters
    ----------
    spec
        The dataset the file belongs to (named in errors).
    entry
        The file and its expected checksum.
    root
        Cache root; None uses `cache_root`.

    Returns
    -------
    bytearray
        The verified, uncompressed file contents.

    Raises
    ------
    DataError
        The file is missing, unreadable or fails its checksum; the message
        names the file and the command that repairs it.
    """
    path = dataset_dir(spec, root) / entry.name
    fix = f"run `{spec.fetch_command}`"
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            buf = bytearray(st.st_size)
            got_len = fh.readinto(buf)
    except FileNotFoundError as exc:
        raise DataError(
            f"{spec.title} {entry.split} {entry.kind} not found: {path} does not exist; {fix} "
            f"(or set {DATA_ENV} to the folder that holds {spec.name}/)"
        ) from exc
    except OSError as exc:
        raise DataError(f"{path} cannot be read ({exc}); {fix}") from exc
    if got_len != st.st_size:
        raise DataError(f"{path} changed while it was read; load again or {fix}")
    key = _memo_key(path, st)
    if _verified.get(key) != entry.sha256:
        digest = sha256_hex(buf)
        if digest != entry.sha256:
            raise DataError(
                f"{path} fails its checksum: SHA-256 {digest}, expected {entry.sha256}; the "
                f"file is corrupt or not the official {spec.title} file. To replace it, {fix}"
            )
        if len(_verified) >= _MEMO_MAX:
            _verified.clear()
        _verified[key] = entry.sha256
    return buf


def _decode(spec: DatasetSpec, entry: IdxFile, data, source: str) -> np.ndarray:
    if entry.kind == "images":
        return decode_idx(data, source=source, ndim=3, item_shape=spec.image_shape)
    return decode_idx(data, source=source, ndim=1)


def load_dataset(
    dataset: str | DatasetSpec, split: str, *, root: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load one split of a dataset from the verified cache.

    Parameters
    ----------
    dataset
        ``"mnist"``, ``"fashion-mnist"`` or a `DatasetSpec`.
    split
        ``"train"`` or ``"test"``.
    root
        Cache root; None uses `cache_root` (``$LAVA_APTN_DATA`` or the user
        cache folder).

    Returns
    -------
    images : numpy.ndarray
        ``uint8`` pixel intensities 0-255, shape ``(n, 28, 28)``.
    labels : numpy.ndarray
        ``uint8`` class indices, shape ``(n,)``.

    Raises
    ------
    DataError
        A file is missing or corrupt; the message says which and how to fix it.
    """
    spec = get_spec(dataset)
    check_split(split)
    arrays = []
    for kind in ("images", "labels"):
        entry = spec.file(split, kind)
        data = read_verified(spec, entry, root)
        arrays.append(_decode(spec, entry, data, str(dataset_dir(spec, root) / entry.name)))
    images, labels = arrays
    if len(images) != len(labels):
        raise DataError(
            f"{spec.title} {split}: {len(images)} images but {len(labels)} labels; "
            f"run `{spec.fetch_command}`"
        )
    return images, labels


def load_mnist(
    split: str, *, root: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST ``split`` (``"train"``: 60000 images, ``"test"``: 10000).

    Returns ``(images, labels)``, as `load_dataset`.
    """
    return load_dataset("mnist", split, root=root)


def load_fashion_mnist(
    split: str, *, root: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Load Fashion-MNIST ``split`` (``"train"``: 60000 images, ``"test"``: 10000).

    Returns ``(images, labels)``, as `load_dataset`.
    """
    return load_dataset("fashion-mnist", split, root=root)


def check_file(spec: DatasetSpec, entry: IdxFile, data, *, source: str) -> None:
    """Check candidate bytes for one file: IDX structure, then SHA-256.

    Parameters
    ----------
    spec, entry
        The dataset and the file the bytes claim to be.
    data
        Uncompressed file contents.
    source
        Where they came from, quoted in errors.

    Raises
    ------
    DataError
        Not a valid IDX file of the right shape, or the checksum differs.
    """
    _decode(spec, entry, data, source)
    digest = sha256_hex(data)
    if digest != entry.sha256:
        raise DataError(
            f"{source} fails its checksum: SHA-256 {digest}, expected {entry.sha256} "
            f"for {spec.title} {entry.name}"
        )


@dataclass(frozen=True)
class SplitStatus:
    """The state of one cached split, for ``lava-aptn data info``.

    Attributes
    ----------
    dataset, split
        Which split.
    paths
        The image and label files.
    verified
        True when both exist and pass their checksums.
    problem
        Why not verified (with the fix); empty when verified.
    class_counts
        Images per class ``0 .. num_classes - 1``; empty when not verified.
    """

    dataset: str
    split: str
    paths: tuple[Path, Path]
    verified: bool
    problem: str = ""
    class_counts: tuple[int, ...] = ()

    @property
    def n_images(self) -> int:
        """Number of images in the split (0 when not verified)."""
        return sum(self.class_counts)


def split_status(
    dataset: str | DatasetSpec, split: str, *, root: str | os.PathLike | None = None
) -> SplitStatus:
    """Verify one cached split and count its images per class; never raises `DataError`."""
    spec = get_spec(dataset)
    folder = dataset_dir(spec, root)
    paths = tuple(folder / spec.file(split, kind).name for kind in ("images", "labels"))
    try:
        _, labels = load_dataset(spec, split, root=root)
    except DataError as exc:
        return SplitStatus(spec.name, split, paths, False, str(exc))
    counts = np.bincount(labels, minlength=spec.num_classes)
    return SplitStatus(spec.name, split, paths, True, "", tuple(int(c) for c in counts))
