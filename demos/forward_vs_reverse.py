"""Why reverse mode: an MLP's gradient by P forward-mode passes, or by one backward pass (seed 004).

    python -m demos.forward_vs_reverse [--out DIR] [--quick] [--seed N]

Seed 004, "why backpropagation works: computational efficiency": derivatives computed one
parameter at a time cost a pass over the network each, backpropagation gets all of them
from one pass back, reusing what the forward pass stored. Here both run on the engine,
for sigmoid networks 3-n-1 and 3-n-n-1 (the notes' 3-2-1 network among them) with
L = 1/2 (y_hat - y)^2 on one example. P, the number of parameters, is counted as the notes
keep track of sizes: a layer of n(l) neurons on n(l-1) inputs has n(l) x n(l-1) weights and
n(l) biases, so P = sum over layers of n(l) (n(l-1) + 1).
    forward mode: autograd.jvp along each parameter's axis, P passes over the graph's N nodes,
                  each giving one dL/dw: P * N node evaluations (a node's value and tangent)
    reverse mode: one forward pass and one backward pass (loss.backward()): 2 * N
The two gradients agree to 1e-12. The cost of forward mode grows like P^2 (N grows with P),
that of reverse mode like P. Writes forward_vs_reverse.png: evaluations and seconds against P.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import nn
from autograd import Value, jvp, topological_order
from demos import common

NETWORKS = [[1, 1], [2, 1], [4, 1], [8, 1], [8, 8, 1], [16, 16, 1], [24, 24, 1]]  # the layers after 3 inputs
QUICK = NETWORKS[:5]  # up to P = 113: a few seconds
INPUTS = 3


def parameter_count(sizes: list[int]) -> int:
    """P = sum over layers l of n(l) (n(l-1) + 1): a weight matrix n(l) x n(l-1) and n(l) biases (seed 004)."""
    return sum(n * (fan_in + 1) for fan_in, n in zip(sizes, sizes[1:]))


def loss_of_parameters(model: nn.MLP, x: list[float], y: float) -> Callable[[list[Value]], Value]:
    """L as a function of the parameters, the f that jvp takes: f(ws) runs `model` with the Values ws in
    place of its own parameters (in model.parameters()'s order: each neuron's weights, then its bias)."""
    neurons = [neuron for layer in model.layers for neuron in layer.neurons]

    def f(ws: list[Value]) -> Value:
        own = [(neuron.w, neuron.b) for neuron in neurons]
        rest = iter(ws)
        for neuron in neurons:
            neuron.w, neuron.b = [next(rest) for _ in neuron.w], next(rest)
        try:
            return 0.5 * (model(x) - y) ** 2
        finally:
            for neuron, (w, b) in zip(neurons, own):
                neuron.w, neuron.b = w, b

    return f


def best_time(work: Callable[[], object], repeats: int) -> tuple[float, object]:
    """The shortest of `repeats` runs of work(), in seconds, and what its last run returned."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def compare(sizes: list[int], seed: int, repeats: int) -> dict:
    """Both modes on one network: the gradients, the counts of passes and node evaluations, the times."""
    nn.manual_seed(seed)
    model = nn.MLP(sizes[0], sizes[1:], activation="sigmoid", output_activation="sigmoid")
    rng = random.Random(seed)
    x, y = [rng.uniform(-2.0, 2.0) for _ in range(sizes[0])], 1.0
    params = model.parameters()
    point = [p.data for p in params]
    P = len(params)
    assert P == parameter_count(sizes) == model.num_parameters()

    def reverse() -> list[float]:  # one forward pass, one backward pass
        model.zero_grad()
        loss = 0.5 * (model(x) - y) ** 2
        loss.backward()
        return [p.grad for p in params]

    f = loss_of_parameters(model, x, y)
    passes = [0]

    def counted(ws: list[Value]) -> Value:  # jvp calls f once a pass: count them
        passes[0] += 1
        return f(ws)

    def forward() -> list[float]:  # one pass along each parameter's axis: e_k gives dL/dw_k
        return [jvp(counted, point, [float(j == k) for j in range(P)])[1] for k in range(P)]

    reverse_seconds, by_reverse = best_time(reverse, 10 * repeats)  # it takes a millisecond: time it more often
    passes[0] = 0
    forward_seconds, by_forward = best_time(forward, repeats)
    N = len(topological_order(f([Value(w) for w in point])))  # the same graph every pass
    difference = max(abs(a - b) for a, b in zip(by_forward, by_reverse))
    assert difference <= 1e-12, f"forward and reverse mode differ by {difference:.1e} for {sizes}"
    return {
        "network": "-".join(map(str, sizes)),
        "P": P,
        "N": N,
        "forward_passes": passes[0] // repeats,
        "forward_evaluations": passes[0] // repeats * N,
        "reverse_evaluations": 2 * N,
        "forward_seconds": forward_seconds,
        "reverse_seconds": reverse_seconds,
        "max_difference": difference,
        "forward_gradient": by_forward,
        "reverse_gradient": by_reverse,
    }


HEADER = (f"{'network':>9} {'P':>4} {'N':>5} {'passes':>7} {'forward evals':>14} {'reverse evals':>14} {'ratio':>6} "
          f"{'forward s':>10} {'reverse s':>10} {'ratio':>6} {'max |difference|':>17}")  # fmt: skip


def table_row(row: dict) -> str:
    """One network's line of the table: sizes, counts, their ratio, seconds, their ratio, the gradients' difference."""
    return (f"{row['network']:>9} {row['P']:>4} {row['N']:>5} {row['forward_passes']:>7} "
            f"{row['forward_evaluations']:>14,} {row['reverse_evaluations']:>14,} "
            f"{row['forward_evaluations'] / row['reverse_evaluations']:>6.1f} {row['forward_seconds']:>10.4f} "
            f"{row['reverse_seconds']:>10.5f} {row['forward_seconds'] / row['reverse_seconds']:>6.0f} "
            f"{row['max_difference']:>17.1e}")  # fmt: skip


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    repeats = 1 if quick else 3  # runs of forward mode; reverse mode is timed 10 times as often
    print("dL/dw for every parameter: by forward mode, one jvp pass per parameter, and by reverse mode, one backward")
    runs = "1 run" if repeats == 1 else f"{repeats} runs"
    print(f"(N: nodes in L's graph; seconds: the best of {runs} of forward mode, {10 * repeats} of reverse mode)")
    print("\n" + HEADER)
    rows = []
    for sizes in QUICK if quick else NETWORKS:
        rows.append(compare([INPUTS, *sizes], seed, repeats))
        print(table_row(rows[-1]))
    worst = max(row["max_difference"] for row in rows)
    last = rows[-1]
    print(f"\nlargest difference between the two gradients: {worst:.1e}")
    print("Forward mode takes P passes (so P/2 times the evaluations): each gives one directional derivative.")
    per_pass, both = 1e3 * last["forward_seconds"] / last["P"], 1e3 * last["reverse_seconds"]
    print(f"For P = {last['P']} one jvp pass took {per_pass:.2f} ms, forward + backward {both:.2f} ms: a jvp pass")
    print("also builds the graph again and checks its P inputs and tangents.")
    print("Reverse mode gives the whole gradient of one output in one pass back, however many parameters there are.")

    plt = common.pyplot()
    figure, (counts, seconds) = plt.subplots(1, 2, figsize=(10, 4.2))
    P = [row["P"] for row in rows]
    counts.plot(P, [row["forward_evaluations"] for row in rows], "o-", label="forward mode: P passes × N nodes")
    counts.plot(P, [row["reverse_evaluations"] for row in rows], "s-", label="reverse mode: forward + backward, 2N")
    counts.set(xscale="log", yscale="log", xlabel="P, parameters", ylabel="node evaluations",
               title="work for the whole gradient dL/dw")  # fmt: skip
    seconds.plot(P, [row["forward_seconds"] for row in rows], "o-", label="forward mode (P calls of autograd.jvp)")
    seconds.plot(P, [row["reverse_seconds"] for row in rows], "s-", label="reverse mode (loss.backward())")
    seconds.set(xscale="log", yscale="log", xlabel="P, parameters", ylabel="seconds",
                title="time for the whole gradient dL/dw")  # fmt: skip
    for ax in (counts, seconds):
        ax.legend(fontsize=8)
        ax.grid(True, which="major", alpha=0.3)
    path = common.save(figure, out / "forward_vs_reverse.png")
    return {"rows": rows, "max_difference": worst, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
