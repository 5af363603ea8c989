"""``lava-aptn lava`` (lava_aptn.lava_commands)."""

import pytest

from lava_aptn import lava_commands


@pytest.mark.realdata
def test_fixed_precision_is_bit_exact_on_mnist(capsys):
    status = lava_commands.main(
        [
            "--neurons",
            "6",
            "--images",
            "2",
            "--precision",
            "fixed",
            "--method",
            "aptn",
            "--prune-batch",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "verdict: BIT-EXACT" in out and "weights identical: True" in out


def test_target_connectivity_is_refused(capsys):
    assert lava_commands.main(["--images", "1", "--target-connectivity", "0.5"]) == 2
    assert "--w-th0" in capsys.readouterr().err


@pytest.mark.realdata
def test_lava_command_agrees_with_engine_on_mnist(capsys):
    status = lava_commands.main(
        [
            "--neurons",
            "10",
            "--images",
            "3",
            "--method",
            "aptn",
            "--prune-batch",
            "1",
            "--w-th0",
            "0.05",
            "--seed",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "spike counts per neuron and image: identical" in out
    assert "3 pruning steps" in out  # after images 1, 2 and 3
    assert "verdict: AGREE" in out
