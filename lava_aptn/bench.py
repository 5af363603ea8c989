"""Engine speed: training and inference throughput, and the ratio to the numpy reference.

Run with ``make bench`` or ``lava-aptn bench`` (``--help`` lists the options). For each network size
the engine trains a fresh network on a fixed slice of MNIST training images, then
presents them again with learning off; each figure is the median of several repeats
after a JIT warm-up. The numpy reference (``lava_aptn.engine.reference``) runs on the
first few of the same images in the same process, and the engine on exactly those
images again, so the printed ratio compares like with like on this machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numba as nb
import numpy as np

from lava_aptn.config import preset
from lava_aptn.dynamics import layout as L
from lava_aptn.dynamics.neurons import neuron_step
from lava_aptn.encoding import encode, train_stream
from lava_aptn.engine.network import Network
from lava_aptn.engine.reference import present_reference


def _images(n: int) -> np.ndarray:
    from lava_aptn.data import load_mnist

    images, _ = load_mnist("train")
    return np.ascontiguousarray(images[:n].reshape(n, -1))


def _run(net: Network, images: np.ndarray, learning: bool) -> tuple[float, int]:
    counters = np.zeros(L.N_COUNTERS, dtype=np.int64)
    batch = np.zeros(net.config.n_neurons, dtype=np.int64)
    empty = np.zeros((0, net.config.n_neurons), dtype=np.int32)
    t0 = time.perf_counter()
    net.simulate(
        images,
        first_index=0,
        seed=0,
        stream=train_stream(0),
        learning=learning,
        image_counts=empty,
        batch_counts=batch,
        counters=counters,
    )
    return time.perf_counter() - t0, int(counters[L.PRESENTATIONS])


def engine_speed(n: int, images: np.ndarray, repeats: int, network=Network) -> dict[str, float]:
    """Median training and inference images/s and presentations/s on fresh weights.

    ``network`` is the class to time: ``Network`` (float64) or ``FixedNetwork``.
    """
    cfg = preset(n_neurons=n)
    _run(network.fresh(cfg, 0), images[:2], True)  # JIT warm-up (or cache load)
    train, infer = [], []
    for r in range(repeats):
        net = network.fresh(cfg, r)
        seconds, pres = _run(net, images, True)
        train.append((len(images) / seconds, pres / seconds))
        net.fold()
        seconds, pres = _run(net, images, False)
        infer.append((len(images) / seconds, pres / seconds))
    return {
        "train_img_s": statistics.median(t[0] for t in train),
        "train_pres_s": statistics.median(t[1] for t in train),
        "infer_img_s": statistics.median(t[0] for t in infer),
        "infer_pres_s": statistics.median(t[1] for t in infer),
    }


@nb.njit(cache=True, error_model="numpy")
def _neuron_steps(fs, ist, t0, n_steps, p, spiked_e, spiked_i):
    """Run ``n_steps`` neuron updates with no input (the per-step floor of a presentation)."""
    fired = 0
    for s in range(n_steps):
        n_e, _ = neuron_step(fs, ist, t0 + s, p, True, spiked_e, spiked_i)
        fired += n_e
    return fired


def neuron_pass_ceiling(n: int, images: np.ndarray, repeats: int) -> dict[str, float]:
    """Training images/s if the neuron updates were the only work of a presentation.

    A network trained on ``images`` (its state, ``theta`` included, as training leaves it)
    runs the per-step neuron update of :func:`lava_aptn.dynamics.neurons.neuron_step`
    alone, with no input spikes, STDP or encoding, for one presentation's steps, ``repeats``
    times. Every excitatory neuron does the same arithmetic at every step whatever its
    input (one fused, branch-free pass), so this is a floor on a presentation's cost;
    with the presentations per image of that training run it bounds the training
    images/s from above.

    Returns seconds per step, seconds per presentation, presentations per training image
    and the ceiling in images/s (median over repeats).
    """
    cfg = preset(n_neurons=n)
    net = Network.fresh(cfg, 0)
    _, pres = _run(net, images, True)
    steps = int(net.params.n_steps)
    spiked = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    _neuron_steps(net.fs.copy(), net.ist.copy(), 0, 2, net.params, *spiked)  # JIT warm-up
    per_step = []
    for _ in range(repeats):
        fs, ist = net.fs.copy(), net.ist.copy()
        t0 = time.perf_counter()
        _neuron_steps(fs, ist, int(net.clock[0]), steps, net.params, *spiked)
        per_step.append((time.perf_counter() - t0) / steps)
    step_s = statistics.median(per_step)
    pres_per_image = pres / len(images)
    return {
        "step_s": step_s,
        "presentation_s": step_s * steps,
        "presentations_per_image": pres_per_image,
        "ceiling_img_s": 1.0 / (step_s * steps * pres_per_image),
    }


def reference_ratio(n: int, images: np.ndarray) -> tuple[float, float]:
    """Seconds per presentation of the numpy reference and of the engine, same inputs."""
    cfg = preset(n_neurons=n)
    steps = cfg.presentation_steps
    encoded = [
        encode(
            img,
            max_rate_hz=cfg.input.max_rate_hz,
            n_steps=steps,
            dt_ms=cfg.dt_ms,
            seed=0,
            stream=train_stream(0),
            image_index=k,
        )
        for k, img in enumerate(images)
    ]
    net = Network.fresh(cfg, 0)
    t0 = time.perf_counter()
    for ptr, px in encoded:
        present_reference(net, ptr, px, True)
        net.clock[0] += steps
    reference = (time.perf_counter() - t0) / len(images)
    net = Network.fresh(cfg, 0)
    net.params = net.params._replace(max_presentations=1.0)  # one presentation, as above
    seconds, pres = _run(net, images, True)
    return reference, seconds / pres


def main(argv: list[str] | None = None) -> None:
    """Parse the options and print the benchmark table."""
    from lava_aptn.bench_commands import add_bench_arguments

    p = argparse.ArgumentParser(prog="lava-aptn bench", description=__doc__.splitlines()[0])
    add_bench_arguments(p)
    report(p.parse_args(argv))


def report(args: argparse.Namespace) -> None:
    """Print the benchmark table for parsed options."""
    images = _images(args.images)
    print(
        f"engine benchmark: {args.images} MNIST training images, median of {args.repeats}"
        f" repeats, one core; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, numpy {np.__version__}"
    )
    print(
        f"{'N':>6} {'train img/s':>12} {'train pres/s':>13} {'infer img/s':>12} "
        f"{'infer pres/s':>13} {'engine/numpy':>13}"
    )
    for n in args.neurons:
        speed = engine_speed(n, images, args.repeats)
        ref, eng = reference_ratio(n, images[: args.reference_images])
        print(
            f"{n:>6} {speed['train_img_s']:>12,.0f} {speed['train_pres_s']:>13,.0f} "
            f"{speed['infer_img_s']:>12,.0f} {speed['infer_pres_s']:>13,.0f} "
            f"{ref / eng:>12,.0f}x",
            flush=True,
        )
    print(
        "engine/numpy: seconds per training presentation of the numpy reference over the "
        "engine's, on the same images and seeds, measured in this run."
    )
    ceiling(args.neurons, images, args.repeats)
    if args.fixed_neurons:
        fixed_ratio(args.fixed_neurons, images[: args.fixed_images], args.repeats)
    if args.lava_neurons:
        lava_ratio(args.lava_neurons, images[: args.lava_images])


def ceiling(sizes: list[int], images: np.ndarray, repeats: int) -> None:
    """Print the training images/s the neuron updates alone would allow (a ceiling)."""
    print(
        f"\nneuron updates alone (no input, no STDP), {len(images)} training images for the "
        f"state and the presentations per image, median of {repeats}"
    )
    print(f"{'N':>6} {'us/step':>8} {'ms/pres':>8} {'pres/img':>9} {'ceiling img/s':>14}")
    for n in sizes:
        c = neuron_pass_ceiling(n, images, repeats)
        print(
            f"{n:>6} {c['step_s'] * 1e6:>8.4g} {c['presentation_s'] * 1e3:>8.4g} "
            f"{c['presentations_per_image']:>9.2f} {c['ceiling_img_s']:>14,.0f}",
            flush=True,
        )
    print(
        "ceiling: 1 / (ms per presentation x presentations per image), the training speed "
        "if input delivery, STDP and encoding cost nothing, measured in this run."
    )


def fixed_ratio(sizes: list[int], images: np.ndarray, repeats: int) -> None:
    """Print the fixed-point engine's images/s beside float's, on the same images."""
    from lava_aptn.engine.simulate_fixed import FixedNetwork

    print(
        f"\nengine fixed point (Loihi semantics, docs/fixed-point.md) vs float64, "
        f"{len(images)} training images, median of {repeats}"
    )
    print(
        f"{'N':>6} {'fixed train':>12} {'float train':>12} {'ratio':>6} "
        f"{'fixed infer':>12} {'float infer':>12} {'ratio':>6}  (images/s)"
    )
    for n in sizes:
        fixed = engine_speed(n, images, repeats, FixedNetwork)
        flt = engine_speed(n, images, repeats, Network)
        print(
            f"{n:>6} {fixed['train_img_s']:>12,.0f} {flt['train_img_s']:>12,.0f} "
            f"{flt['train_img_s'] / fixed['train_img_s']:>5.1f}x "
            f"{fixed['infer_img_s']:>12,.0f} {flt['infer_img_s']:>12,.0f} "
            f"{flt['infer_img_s'] / fixed['infer_img_s']:>5.1f}x",
            flush=True,
        )
    print("ratio: float images/s over fixed images/s, measured in this run.")


def lava_ratio(sizes: list[int], images: np.ndarray) -> None:
    """Print engine and Lava (floating_pt, CPU) steps/s on the same images, with learning."""
    from lava_aptn.lavarun import compare_with_engine
    from lava_aptn.pruning import PruningConfig

    print(
        f"\nengine vs Lava floating_pt (CPU backend), {len(images)} training images, "
        "APTN with a pruning step after every 2 images"
    )
    print(f"{'N':>6} {'Lava steps/s':>13} {'engine steps/s':>15} {'engine/Lava':>12} {'agree':>6}")
    prune = PruningConfig(method="aptn", w_th0=0.05, prune_start=2, prune_batch=2)
    for n in sizes:
        cfg = preset(n_neurons=n)
        compare_with_engine(cfg, prune, images[:1], seed=0)  # compile and warm up
        agree, _, _ = compare_with_engine(cfg, prune, images, seed=0)
        ok = agree.counts_equal and agree.syn_state_equal and agree.max_abs_dw == 0
        print(
            f"{n:>6} {agree.lava_steps_per_s:>13,.0f} {agree.engine_steps_per_s:>15,.0f} "
            f"{agree.engine_steps_per_s / agree.lava_steps_per_s:>11,.0f}x {str(ok):>6}",
            flush=True,
        )


if __name__ == "__main__":
    main()
