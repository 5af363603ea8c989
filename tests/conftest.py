"""Fixtures shared by every test folder."""

import numpy as np
import pytest


def synthetic_digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Ten fixed 28x28 stroke patterns (one per class) with pixel noise: learnable data."""
    rng = np.random.default_rng(1234)
    prototypes = np.zeros((10, 28, 28), dtype=np.float64)
    for c in range(10):
        rows = rng.choice(np.arange(4, 24), size=3, replace=False)
        cols = rng.choice(np.arange(4, 24), size=3, replace=False)
        for r in rows:
            prototypes[c, r, 4:24] = 1.0
        for col in cols:
            prototypes[c, 4:24, col] = 1.0
    draw = np.random.default_rng(seed)
    labels = draw.integers(0, 10, size=n)
    noise = draw.random((n, 28, 28)) < 0.03
    images = np.clip(prototypes[labels] + noise, 0, 1) * 255
    return images.astype(np.uint8), labels


@pytest.fixture(scope="session")
def digits():
    return synthetic_digits
