"""State codes and the two fractions computed from them."""

import doctest

import numpy as np
import pytest

import lava_aptn.pruning as pruning
from lava_aptn.errors import ConfigError
from lava_aptn.pruning import (
    ACTIVE,
    FROZEN,
    REMOVED,
    STATE_DTYPE,
    connectivity,
    functions,
    grouping,
    masks,
    methods,
    new_state,
    plastic_mask,
    protocol,
    records,
    schedule,
    state,
    target,
    transmit_mask,
    unpruned_fraction,
)
from lava_aptn.pruning import (
    config as config_mod,
)


def test_codes_are_the_contract():
    assert (ACTIVE, FROZEN, REMOVED) == (0, 1, 2)
    assert STATE_DTYPE == np.uint8
    assert new_state(n_inputs=3, n_neurons=2).dtype == np.uint8


def test_fractions():
    # 8 synapses: 4 active, 2 frozen, 2 removed -> connectivity 6/8, unpruned 4/8
    s = np.array([[0, 0, 1, 2], [0, 0, 1, 2]], dtype=np.uint8)
    assert connectivity(s) == 0.75
    assert unpruned_fraction(s) == 0.5
    assert transmit_mask(s).sum() == 6
    assert plastic_mask(s).sum() == 4


def test_bad_states_rejected():
    with pytest.raises(ConfigError, match="uint8"):
        connectivity(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ConfigError, match="found 3"):
        connectivity(np.full((2, 2), 3, dtype=np.uint8))
    with pytest.raises(ConfigError, match="got 0"):
        new_state(n_inputs=0, n_neurons=2)


@pytest.mark.parametrize(
    "module",
    [
        state,
        functions,
        grouping,
        config_mod,
        schedule,
        masks,
        methods,
        protocol,
        records,
        target,
        pruning,
    ],
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
