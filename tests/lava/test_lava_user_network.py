"""PruningProcess prunes a network built from Lava's own LIF and Dense Processes."""

import numpy as np
from lava.magma.core.run_conditions import RunSteps
from lava.proc.dense.process import Dense
from lava.proc.lif.process import LIF

from lava_aptn.lavarun import lava_session
from lava_aptn.models import sim_config
from lava_aptn.processes import PoissonImageInput, PruningProcess, SpikeCounter
from lava_aptn.pruning import ACTIVE, REMOVED, PruningConfig, make_method, run_step

N, N_IN, STEPS = 8, 100, 60


def test_pruning_process_on_lava_dense(images):
    rng = np.random.default_rng(0)
    w0 = rng.uniform(0.0, 0.3, size=(N, N_IN))  # Dense layout: (out, in)
    source = PoissonImageInput(
        images=images(4, seed=6),
        n_neurons=N,
        seed=1,
        stream=16,
        n_steps=STEPS,
        dt_ms=0.5,
        max_rate_hz=200.0,
    )
    dense = Dense(weights=w0)
    lif = LIF(shape=(N,), du=1.0, dv=0.2, vth=3.0)
    counter = SpikeCounter(n_neurons=N)
    cfg = PruningConfig(method="aptn", w_th0=0.1, spike_interval=3.0, prune_start=4, prune_batch=4)
    pruner = PruningProcess(
        shape=(N_IN, N), config=cfg, train_images=4, weight_layout="out_in", steps_per_image=STEPS
    )
    source.s_out.connect(dense.s_in)
    dense.a_out.connect(lif.a_in)
    lif.s_out.connect(counter.s_in)
    pruner.weights_ref.connect_var(dense.weights)
    pruner.counts_ref.connect_var(counter.counts)
    with lava_session(lif, sim_config("floating_pt")):
        lif.run(condition=RunSteps(num_steps=4 * STEPS))
        weights = dense.weights.get()
        state = pruner.syn_state.get().astype(np.uint8)
        counts = pruner.last_counts.get()
        steps = int(pruner.steps_done.get()[0])
        after = counter.counts.get()
    # the step saw the spikes of the 4 images, then reset the counter
    assert steps == 1 and counts.sum() > 0 and after.sum() == 0
    expected = run_step(
        make_method(cfg),
        k=0,
        weights=w0.T.copy(),
        syn_state=np.full((N_IN, N), ACTIVE, dtype=np.uint8),
        spike_counts=counts,
    )
    assert expected.n_groups > 1
    np.testing.assert_array_equal(state, expected.syn_state)
    np.testing.assert_array_equal(weights, expected.weights.T)
    assert 0 < (state == REMOVED).sum() < state.size
