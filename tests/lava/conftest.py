"""Small, fast setups for the Lava tests: 10 x 10 synthetic images, short presentations."""

import multiprocessing

import numpy as np
import pytest

from lava_aptn.config import InputConfig, NetworkConfig, SynapseConfig

SIDE = 10


def synthetic_images(n: int, seed: int = 0) -> np.ndarray:
    """Four 10 x 10 bar patterns with pixel noise, uint8 (n, 10, 10)."""
    rng = np.random.default_rng(1234)
    prototypes = np.zeros((4, SIDE, SIDE))
    for c in range(4):
        prototypes[c, rng.choice(SIDE, 2, replace=False), :] = 1.0
        prototypes[c, :, rng.choice(SIDE, 2, replace=False)] = 1.0
    draw = np.random.default_rng(seed)
    labels = draw.integers(0, 4, size=n)
    noise = draw.random((n, SIDE, SIDE)) < 0.05
    return (np.clip(prototypes[labels] + noise, 0, 1) * 255).astype(np.uint8)


def small_config(n_neurons: int = 12) -> NetworkConfig:
    """Diehl & Cook dynamics on 100 inputs; 100 ms presentations so runs take seconds.

    The normalisation total keeps Diehl & Cook's 0.1 per input on average (x 1.2); the
    rates are doubled so that most images need one or two presentations.
    """
    return NetworkConfig(
        n_neurons=n_neurons,
        n_inputs=SIDE * SIDE,
        syn=SynapseConfig(norm_total=12.0),
        input=InputConfig(
            presentation_ms=100.0, rest_ms=50.0, max_rate_hz=127.5, rate_step_hz=63.75
        ),
    )


@pytest.fixture
def images():
    return synthetic_images


@pytest.fixture
def config():
    return small_config


@pytest.fixture(autouse=True)
def no_lava_children_left():
    """Every test must leave no Lava child process behind."""
    yield
    assert multiprocessing.active_children() == []
