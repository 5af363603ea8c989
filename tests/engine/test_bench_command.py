"""``lava-aptn bench`` runs end to end on a few real images and prints its table."""

import pytest

from lava_aptn.cli import main


def test_bench_command_prints_speed_and_numpy_ratio(capsys):
    status = main(
        [
            "bench",
            "--neurons",
            "10",
            "--images",
            "5",
            "--repeats",
            "1",
            "--reference-images",
            "1",
            "--lava-neurons",
            "--fixed-neurons",
            "10",
            "--fixed-images",
            "3",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    header, row = out.splitlines()[1:3]
    assert "train img/s" in header and "engine/numpy" in header
    cells = row.split()
    assert cells[0] == "10" and cells[-1].endswith("x")
    assert float(cells[1].replace(",", "")) > 0 and float(cells[-1][:-1].replace(",", "")) > 1
    fixed = out.splitlines()
    at = next(i for i, line in enumerate(fixed) if line.startswith("engine fixed point"))
    cells = fixed[at + 2].split()
    assert cells[0] == "10" and cells[3].endswith("x") and cells[6].endswith("x")
    assert all(float(c.rstrip("x").replace(",", "")) > 0 for c in cells[1:])

    ceiling = next(i for i, line in enumerate(fixed) if line.startswith("neuron updates alone"))
    n, us_step, ms_pres, pres_img, img_s = fixed[ceiling + 2].replace(",", "").split()
    assert n == "10" and float(us_step) > 0 and float(pres_img) >= 1
    # the ceiling is the printed presentation cost turned into images/s
    assert float(img_s) == pytest.approx(1e3 / (float(ms_pres) * float(pres_img)), rel=0.01)
    assert float(ms_pres) == pytest.approx(float(us_step) * 700 / 1e3, rel=0.01)  # 350 ms steps
