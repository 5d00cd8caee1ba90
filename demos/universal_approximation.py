"""Universal approximation: steps from Heavisides, and one hidden layer fitting a curve (seeds 001, 002, 004).

    python -m demos.universal_approximation [--out DIR] [--quick] [--seed N]

Part 1 checks the construction of the notes: sigma(x - s) - sigma(x - t), sigma
the Heaviside step, is 1 on (s, t] and 0 elsewhere, so sums of such bumps make
any staircase: f_n(x) = f(c_0) + sum_j (f(c_j) - f(c_j-1)) sigma(x - j/n), c_j the
midpoints, a network of n Heaviside units whose max error shrinks like 1/n.
Part 2 trains f(x) = sum_j a_j sigma(w_j x + b_j) (tanh units) by gradient
descent on sin(2 pi x) and |x - 0.5| on [0, 1], n = 1, 2, 4, 8, 16: (2 + d) n
parameters (d = 1), plus the output bias. Writes universal_approximation.png.
"""

from __future__ import annotations

import math
from pathlib import Path

import nn
from autograd import Value, no_grad
from demos import common

TARGETS = {"sin(2 pi x)": lambda x: math.sin(2 * math.pi * x), "|x - 0.5|": lambda x: abs(x - 0.5)}


def bump(x: float, s: float, t: float) -> float:
    """sigma(x - s) - sigma(x - t) with the Heaviside sigma, computed by the engine."""
    return (Value(x - s).heaviside() - Value(x - t).heaviside()).data


def staircase(f, n: int):
    """The notes' construction: n Heaviside units that follow f in n steps, as a function of x."""
    centers = [(j + 0.5) / n for j in range(n)]
    heights = [f(centers[0])] + [f(centers[j]) - f(centers[j - 1]) for j in range(1, n)]

    def network(x: float) -> float:
        out = Value(heights[0])
        for j in range(1, n):
            out = out + heights[j] * Value(x - j / n).heaviside()
        return out.data

    return network


def fit(f, width: int, steps: int, seed: int, progress: bool = False) -> tuple[nn.MLP, float]:
    """Train MLP(1, [width, 1]) with tanh on 40 points of f; returns it and its max error on 200 points."""
    nn.manual_seed(seed)
    X, y = nn.data.sample_function(f, 40, 0.0, 1.0)
    model = nn.MLP(1, [width, 1], activation="tanh", init="xavier_uniform")
    optimizer = nn.optim.Adam(model.parameters(), lr=0.02)
    nn.fit(model, X, y, nn.mse_loss, optimizer, epochs=steps, progress=progress)
    with no_grad():
        error = max(abs(model([i / 199]).data - f(i / 199)) for i in range(200))
    return model, error


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    s, t = 0.3, 0.6
    xs = [i / 1000 for i in range(1001)]
    inside = all(bump(x, s, t) == (1.0 if s < x <= t else 0.0) for x in xs)
    print(f"sigma(x - {s}) - sigma(x - {t}) is 1 on ({s}, {t}] and 0 elsewhere, at all {len(xs)} points: {inside}")

    grid = [i / 199 for i in range(200)]
    stair_errors: dict[str, dict[int, float]] = {}
    for name, f in TARGETS.items():
        stair_errors[name] = {}
        for n in (1, 2, 4, 8, 16, 64):
            network = staircase(f, n)
            stair_errors[name][n] = max(abs(network(x) - f(x)) for x in grid)
        shown = ", ".join(f"n={n}: {e:.3f}" for n, e in stair_errors[name].items())
        print(f"staircase of n Heaviside units on {name}, max error: {shown}")

    widths = [1, 2, 4, 8] if quick else [1, 2, 4, 8, 16]
    steps = 400 if quick else 1500
    errors: dict[str, dict[int, float]] = {}
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (name, f) in zip(axes, TARGETS.items()):
        errors[name] = {}
        ax.plot(grid, [f(x) for x in grid], color="k", lw=2, label="target")
        print(f"\n{name}: {'n':>3} {'parameters (2 + d) n + 1':>26} {'max error':>10}")
        for width in widths:
            model, error = fit(f, width, steps, seed, progress=not quick)
            errors[name][width] = error
            print(f"{'':>{len(name) + 1}} {width:>3} {3 * width + 1:>26} {error:>10.4f}")
            with no_grad():
                ax.plot(grid, [model([x]).data for x in grid], lw=1, label=f"n = {width}")
        ax.set_title(f"one hidden layer fitting {name}", fontsize=10)
        ax.set(xlabel="x", ylabel="f(x)")
        ax.legend(fontsize=7)
    for name, by_width in errors.items():
        axes[2].plot(list(by_width), list(by_width.values()), "o-", label=f"trained tanh, {name}")
    for name, by_n in stair_errors.items():
        axes[2].plot(list(by_n), list(by_n.values()), "s--", label=f"Heaviside staircase, {name}")
    axes[2].set(xscale="log", yscale="log", xlabel="hidden units n", ylabel="max |f - target|", title="max error")
    axes[2].legend(fontsize=7)
    print("\nThe staircase error falls like 1/n, as the construction promises; trained networks get close")
    print("quickly, then gradient descent, not the number of units, limits them.")
    path = common.save(figure, out / "universal_approximation.png")
    return {"bump_is_indicator": inside, "staircase_error": stair_errors, "max_error": errors, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
