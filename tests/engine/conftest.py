import numpy as np
import pytest

from lava_aptn.config import preset
from lava_aptn.dynamics import layout as L
from lava_aptn.engine.simulate import present


def engine_present(net, ptr, pixels, learning=True):
    """Run the engine's ``present`` on ``net`` for crafted input spikes; return counts."""
    counts = np.zeros(net.config.n_neurons, dtype=np.int64)
    counters = np.zeros(L.N_COUNTERS, dtype=np.int64)
    work = np.empty((2, net.config.n_neurons), dtype=np.int64)
    present(
        ptr,
        pixels,
        net.w,
        net.plastic,
        net.scale,
        net.rawsum,
        net.n_transmit,
        net.n_active_row,
        net.n_active_col,
        net.fs,
        net.ist,
        net.last_pre,
        int(net.clock[0]),
        net.params,
        net.pre_table,
        learning,
        counts,
        counters,
        work,
    )
    return counts, counters


@pytest.fixture
def run_present():
    return engine_present


@pytest.fixture
def small_config():
    return preset("diehl-cook", n_neurons=20)
