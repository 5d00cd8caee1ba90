"""Speed and memory of the engine against micrograd 0.1.0 and PyTorch, in one run.

    make bench        (or: python tests/benchmarks/bench_engine.py [--quick])

1. micrograd's moons step: a 2-16-16-1 ReLU network built from elementary
   `*`, `+` and `relu` nodes exactly as micrograd's Neuron builds them, 100
   points, SVM max-margin loss + 1e-4 L2, forward + backward + SGD update. The
   same code runs on this engine's Value, on micrograd's Value, and on PyTorch
   with one 0-dim float64 tensor per scalar.
2. The same step with the models themselves: `nn.MLP(2, [16, 16, 1])` (one z
   node per neuron, and with expand=True) against micrograd's own `MLP`.
3. A 1,000,000-node tanh chain, forward + backward.
4. Bytes per graph node (tracemalloc), for the moons graph and the chain.

Times are medians of interleaved repeats; the ratios are what to read, since
absolute times depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import autograd  # noqa: E402

TARGETS = {"micrograd": 8.0, "pytorch": 4.0}
MODEL_TARGETS = {"nn.MLP": 30.0, "nn.MLP(expand=True)": 8.0}
MAX_BYTES_PER_NODE = 200


def moons(n: int = 100, noise: float = 0.1, seed: int = 1) -> tuple[list[list[float]], list[int]]:
    """Two interleaved half circles, labels -1 and +1 (sklearn's make_moons, without sklearn)."""
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * (i // 2) / (n // 2 - 1)
        if i % 2 == 0:
            point, label = [math.cos(t), math.sin(t)], -1
        else:
            point, label = [1 - math.cos(t), 0.5 - math.sin(t)], 1
        X.append([point[0] + rng.gauss(0, noise), point[1] + rng.gauss(0, noise)])
        y.append(label)
    return X, y


# --- one model, written once, run on any scalar type --------------------------------------------


class ScalarMLP:
    """micrograd's MLP, generic over the scalar: `make(float)` makes a parameter."""

    def __init__(self, make, sizes: list[int], seed: int = 1337) -> None:
        rng = random.Random(seed)
        self.layers = []
        for i, (nin, nout) in enumerate(zip(sizes, sizes[1:])):
            neurons = [([make(rng.uniform(-1, 1)) for _ in range(nin)], make(0.0)) for _ in range(nout)]
            self.layers.append((neurons, i != len(sizes) - 2))

    def __call__(self, x, relu):
        for neurons, nonlinear in self.layers:
            # sum(w_i * x_i) + b as a chain of elementary + nodes, exactly as micrograd
            acts = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in neurons]
            x = [relu(a) for a in acts] if nonlinear else acts
        return x[0]

    def parameters(self):
        return [p for neurons, _ in self.layers for w, b in neurons for p in [*w, b]]


def moons_loss(model, X, y, make_input, relu):
    """micrograd's demo loss: mean SVM max-margin loss plus 1e-4 * sum of squared weights."""
    inputs = [[make_input(v) for v in row] for row in X]
    scores = [model(x, relu) for x in inputs]
    losses = [relu(1 + -yi * si) for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def engine_step(Value, relu):
    """One SGD step for an engine whose scalars have .data and .grad (this one, micrograd)."""
    X, y = moons()
    model = ScalarMLP(Value, [2, 16, 16, 1])

    def step():
        loss = moons_loss(model, X, y, Value, relu)
        for p in model.parameters():
            p.grad = 0.0
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad

    return step


def model_step(model, Value, hinge):
    """micrograd's demo step with a model object: its own neurons, its own loss nodes."""
    X, y = moons()

    def step():
        scores = [model([Value(a), Value(b)]) for a, b in X]
        data_loss = sum(hinge(yi, si) for yi, si in zip(y, scores)) * (1.0 / len(X))
        loss = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.05 * p.grad

    return step


def pytorch_step():
    import torch

    torch.set_num_threads(1)
    X, y = moons()

    def leaf(v):
        return torch.tensor(v, dtype=torch.float64, requires_grad=True)

    model = ScalarMLP(leaf, [2, 16, 16, 1])

    def step():
        loss = moons_loss(model, X, y, lambda v: torch.tensor(v, dtype=torch.float64), torch.relu)
        for p in model.parameters():
            p.grad = None
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                p -= 0.05 * p.grad

    return step


def median_times(steps: dict, repeats: int) -> dict[str, float]:
    """Median time of each step over `repeats` interleaved rounds, after a warm-up.

    A step is timed together with `gc.collect()` after it: the time to run it
    *and* to reclaim its graph. micrograd's graphs are reference cycles (each
    node's closure refers to the node), so the cycle collector frees them; this
    engine's and PyTorch's are freed by reference counting as the step ends.
    Without the collect, one engine's garbage is cleaned up during the next
    engine's step. Objects that exist before timing (the imported modules,
    PyTorch's among them) are frozen out of the collector's way for all engines.
    """
    times: dict[str, list[float]] = {name: [] for name in steps}
    for step in steps.values():
        step()
    gc.collect()
    gc.freeze()
    try:
        for _ in range(repeats):
            for name, step in steps.items():
                start = time.perf_counter()
                step()
                gc.collect()
                times[name].append(time.perf_counter() - start)
    finally:
        gc.unfreeze()
    return {name: statistics.median(t) for name, t in times.items()}


# --- memory ---------------------------------------------------------------------------------


def count_nodes(root, parents_of) -> int:
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(parents_of(node))
    return len(seen)


def bytes_per_node(build, parents_of) -> tuple[float, int]:
    """Memory that a built graph holds (tracemalloc), divided by its number of nodes."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = count_nodes(root, parents_of)
    return (after - before) / nodes, nodes


def moons_graph(Value):
    X, y = moons()
    model = ScalarMLP(Value, [2, 16, 16, 1])
    return lambda: moons_loss(model, X, y, Value, lambda v: v.relu())


def time_chain(n: int) -> tuple[tuple[float, float], bool]:
    """Forward and backward seconds for a chain of n tanh nodes, and whether x.grad is right."""
    start = time.perf_counter()
    x, y = chain(n)
    built = time.perf_counter()
    y.backward()
    done = time.perf_counter()
    expected, t = 1.0, 0.5
    for _ in range(n):  # forward-mode derivative of the same chain: prod (1 - tanh^2)
        t = math.tanh(t)
        expected *= 1 - t * t
    return (built - start, done - built), math.isclose(x.grad, expected, rel_tol=1e-9)


def time_pytorch_chain(n: int) -> tuple[float, float]:
    import torch

    start = time.perf_counter()
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    y = x
    for _ in range(n):
        y = torch.tanh(y)
    built = time.perf_counter()
    y.backward()
    return built - start, time.perf_counter() - built


def micrograd_chain(n: int) -> str:
    """What micrograd does with a chain of n nodes (0.1.0 has no tanh; relu of 0.5 is 0.5)."""
    import micrograd.engine

    y = micrograd.engine.Value(0.5)
    for _ in range(n):
        y = y.relu()
    try:
        y.backward()
    except RecursionError:
        return f"RecursionError on a chain of {n:,} nodes (its topological sort is recursive)"
    return f"a chain of {n:,} nodes works"


def chain(n: int):
    x = autograd.Value(0.5)
    y = x
    for _ in range(n):
        y = y.tanh()
    return x, y


def print_ratios(
    medians: dict[str, float],
    reference: float,
    targets: dict[str, float],
    column: str,
    ratio_title: str,
    failures: list[str],
    ours_over_theirs: bool = True,
) -> None:
    """A table of ms/step and speed ratios; a ratio below its target is marked and listed in `failures`.

    ours_over_theirs: each row's ratio is row / reference (how much faster our reference is);
    otherwise reference / row (how much faster the row is than the reference).
    """
    width = max(len(name) for name in medians) + 2
    print(f"   {column:<{width}}{'ms/step':>10}{ratio_title:>26}{'target':>10}")
    for name, seconds in medians.items():
        ratio = seconds / reference if ours_over_theirs else reference / seconds
        target = targets.get(name)
        mark = "" if target is None else (f">= {target:g}" + ("" if ratio >= target else "  MISSED"))
        if target is not None and ratio < target:
            failures.append(f"{name}: {ratio:.1f}x < {target:g}x")
        print(f"   {name:<{width}}{seconds * 1000:>10.1f}{ratio:>26.1f}{mark:>10}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, a shorter chain")
    args = parser.parse_args()
    repeats = 3 if args.quick else 7
    chain_length = 100_000 if args.quick else 1_000_000

    import micrograd.engine

    print(f"Python {sys.version.split()[0]}; micrograd 0.1.0; ", end="")
    steps = {
        "backprop-lab": engine_step(autograd.Value, lambda v: v.relu()),
        "micrograd": engine_step(micrograd.engine.Value, lambda v: v.relu()),
    }
    try:
        import torch

        print(f"PyTorch {torch.__version__} (0-dim float64 tensors, 1 thread)")
        steps["pytorch"] = pytorch_step()
    except ImportError:
        print("PyTorch not installed: pip install torch==2.13.0")

    failures: list[str] = []
    medians = median_times(steps, repeats)
    print(f"\n1. moons step (2-16-16-1 ReLU MLP of elementary nodes, 100 points, fwd + bwd + SGD), median of {repeats}")
    print_ratios(medians, medians["backprop-lab"], TARGETS, "engine", "ours is x faster", failures)

    from micrograd.nn import MLP as MicrogradMLP

    import nn

    def hinge(y, s):
        return (1 + -y * s).relu()

    nn.manual_seed(1337)
    model_steps = {
        "nn.MLP": model_step(nn.MLP(2, [16, 16, 1]), autograd.Value, hinge),
        "nn.MLP(expand=True)": model_step(nn.MLP(2, [16, 16, 1], expand=True), autograd.Value, hinge),
        "micrograd MLP": model_step(MicrogradMLP(2, [16, 16, 1]), micrograd.engine.Value, hinge),
    }
    model_medians = median_times(model_steps, repeats)
    print(f"\n2. moons step with the models: nn.MLP(2, [16, 16, 1]) against micrograd's MLP, median of {repeats}")
    print_ratios(model_medians, model_medians["micrograd MLP"], MODEL_TARGETS, "model", "x faster than micrograd",
                 failures, ours_over_theirs=False)  # fmt: skip

    print(f"\n3. tanh chain of {chain_length:,} nodes, forward + backward")
    seconds, ok = time_chain(chain_length)
    print(f"   backprop-lab: forward {seconds[0]:.2f} s, backward {seconds[1]:.2f} s, gradient correct: {ok}")
    if not ok:
        failures.append("tanh chain: wrong gradient")
    if "pytorch" in steps:
        forward, backward = time_pytorch_chain(chain_length)
        print(f"   pytorch:      forward {forward:.2f} s, backward {backward:.2f} s")
    print(f"   micrograd:    {micrograd_chain(2_000)}")

    print("\n4. memory held by a built graph (tracemalloc), bytes per node")
    for name, build, parents_of in [
        ("backprop-lab", moons_graph(autograd.Value), lambda n: n.parents),
        ("micrograd", moons_graph(micrograd.engine.Value), lambda n: n._prev),
    ]:
        per_node, nodes = bytes_per_node(build, parents_of)
        print(f"   {name:<14} moons graph: {per_node:6.0f} B/node ({nodes:,} nodes)")
        if name == "backprop-lab" and per_node > MAX_BYTES_PER_NODE:
            failures.append(f"memory: {per_node:.0f} B/node > {MAX_BYTES_PER_NODE}")
    per_node, nodes = bytes_per_node(lambda: chain(100_000)[1], lambda n: n.parents)
    print(f"   {'backprop-lab':<14} tanh chain:  {per_node:6.0f} B/node ({nodes:,} nodes)")
    if per_node > MAX_BYTES_PER_NODE:
        failures.append(f"memory (chain): {per_node:.0f} B/node > {MAX_BYTES_PER_NODE}")
    print(f"   target: at most {MAX_BYTES_PER_NODE} B/node")

    print("\n" + ("all targets met" if not failures else "targets missed:\n  " + "\n  ".join(failures)))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
