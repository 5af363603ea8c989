"""The order of the training images: the split's own, or a permutation drawn from the seed."""

import argparse

import numpy as np
import pytest

from lava_aptn.config import RunConfig
from lava_aptn.engine.commands import add_run_options, run_config
from lava_aptn.engine.run import Dataset, training_order
from lava_aptn.errors import ConfigError


def test_dataset_order_is_the_split_prefix():
    assert training_order(None, 7, 50, 12).tolist() == list(range(12))


def test_shuffled_order_is_a_seeded_permutation():
    full = training_order("shuffled", 3, 1000, 1000)
    assert sorted(full.tolist()) == list(range(1000))
    assert not np.array_equal(full, np.arange(1000))
    # the same seed gives the same order; a shorter run takes its prefix
    assert np.array_equal(training_order("shuffled", 3, 1000, 1000), full)
    assert np.array_equal(training_order("shuffled", 3, 1000, 100), full[:100])
    # seeds differ in their orders
    assert not np.array_equal(training_order("shuffled", 4, 1000, 1000), full)


def test_training_order_refuses_more_than_the_split():
    with pytest.raises(ValueError, match="cannot take 11 of 10"):
        training_order(None, 0, 10, 11)


def test_run_config_names_the_accepted_orders():
    assert RunConfig().order == "shuffled"  # the default
    assert RunConfig(order="shuffled").order == "shuffled"
    # "dataset" (configuration files, --order) is stored as None, the split's order
    assert RunConfig(order="dataset").order is None and RunConfig(order=None).order is None
    with pytest.raises(ConfigError, match="order must be 'dataset' .* or 'shuffled', got 'random'"):
        RunConfig(order="random")


def test_dataset_load_permutes_images_with_their_labels():
    x = np.arange(20 * 4, dtype=np.uint8).reshape(20, 4)
    y = np.arange(20) % 10
    data = (x, y, x[:3], y[:3])
    plain = Dataset.load(RunConfig(seed=5, order="dataset"), data)
    assert np.array_equal(plain.x_train, x) and np.array_equal(plain.y_train, y)
    shuffled = Dataset.load(RunConfig(seed=5, order="shuffled"), data)
    take = training_order("shuffled", 5, 20, 20)
    assert np.array_equal(shuffled.x_train, x[take])
    assert np.array_equal(shuffled.y_train, y[take])
    assert np.array_equal(shuffled.x_test, x[:3])  # the test set keeps its order


def test_cli_order_option():
    p = argparse.ArgumentParser()
    add_run_options(p)
    assert run_config(p.parse_args([])).order == "shuffled"  # the default
    assert run_config(p.parse_args(["--order", "dataset"])).order is None
    assert run_config(p.parse_args(["--order", "shuffled"])).order == "shuffled"
