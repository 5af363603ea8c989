"""``lava-aptn data fetch`` and ``lava-aptn data info`` through the real parser."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from lava_aptn.cli import main
from lava_aptn.data import DATASETS


@pytest.fixture
def fake_mnist(monkeypatch, tiny_factory):
    """Replace the MNIST spec by a tiny generated dataset called "mnist"."""
    tiny = tiny_factory(name="mnist")
    monkeypatch.setitem(DATASETS, "mnist", replace(tiny.spec, title="MNIST"))
    return tiny


def test_fetch_then_info(tmp_path, data_root, fake_mnist, capsys):
    src = fake_mnist.write(tmp_path / "src", gz=True)
    argv = ["data", "fetch", "mnist", "--source", "cache", "--source", "dir", "--from", str(src)]
    assert main(argv) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"mnist: fetched from folder {src}, verified, cached in {data_root / 'mnist'}"]

    assert main(["data", "fetch", "mnist", "--source", "cache"]) == 0
    assert capsys.readouterr().out.startswith("mnist: already cached and verified in")

    assert main(["data", "info", "mnist"]) == 0
    out = capsys.readouterr().out
    assert f"cache root: {data_root}" in out
    assert "train verified  40 images" in out and "test  verified  20 images" in out
    assert "per class 0-9: 4 4 4 4 4 4 4 4 4 4" in out
    assert "per class 0-9: 2 2 2 2 2 2 2 2 2 2" in out


def test_fetch_failure_exit_status_and_listing(tmp_path, data_root, fake_mnist, capsys):
    code = main(["data", "fetch", "mnist", "--source", "cache", "--source", "dir", "-v"])
    assert code == 1
    err = capsys.readouterr().err
    assert "  mnist: cache: failed: not cached yet" in err  # the -v progress lines
    assert "lava-aptn data fetch: error: could not fetch MNIST; tried, in order:" in err
    assert "dir: skipped: no folder given" in err


def test_info_reports_corrupt_file(tmp_path, data_root, fake_mnist, capsys):
    folder = fake_mnist.write(data_root / "mnist")
    (folder / "t10k-images-idx3-ubyte").write_bytes(b"\x00" * 10)
    assert main(["data", "info", "mnist"]) == 1
    out = capsys.readouterr().out
    assert "train verified" in out
    assert "test  NOT VERIFIED" in out and "t10k-images-idx3-ubyte fails its checksum" in out
    assert "lava-aptn data fetch mnist" in out


def test_data_without_action_prints_help(capsys):
    assert main(["data"]) == 1
    assert "fetch" in capsys.readouterr().out


def test_unknown_dataset_is_rejected_by_parser():
    with pytest.raises(SystemExit):
        main(["data", "fetch", "cifar"])


def test_register_does_not_import_numpy():
    code = (
        "import argparse, sys\n"
        "import lava_aptn.data.commands as c\n"
        "c.register(argparse.ArgumentParser().add_subparsers())\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
