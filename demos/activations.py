"""Activation functions and their derivatives: backward() against the formulas of the notes (seeds 000, 002, 003).

    python -m demos.activations [--out DIR] [--quick] [--seed N]

For each activation, the derivative at every grid point comes from backward()
on a one-node graph; it is printed next to the analytic derivative (max
difference). Writes activations.png: each function and its derivative.
"""

from __future__ import annotations

import math
from pathlib import Path

from autograd import Value
from demos import common


def _phi(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# name: (the engine's op, the derivative as the notes write it)
ACTIVATIONS = {
    "identity": (lambda v: v * 1.0, lambda z: 1.0),
    "sigmoid": (Value.sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),  # sigma(1 - sigma)
    "tanh": (Value.tanh, lambda z: 1 - math.tanh(z) ** 2),  # 1 - tanh^2
    "relu": (Value.relu, lambda z: 1.0 if z > 0 else 0.0),
    "leaky relu (0.01)": (Value.leaky_relu, lambda z: 1.0 if z > 0 else 0.01),
    "gelu": (Value.gelu, lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2))) + z * _phi(z)),  # Phi + z phi
    "heaviside": (Value.heaviside, lambda z: 0.0),
    "sin": (Value.sin, math.cos),
}


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    n = 81 if quick else 401
    zs = [-4 + 8 * (i + 0.5) / n for i in range(n)]  # midpoints: no point sits exactly on a kink
    figure, axes = plt.subplots(2, 4, figsize=(12, 5.5))
    differences = {}
    print(f"{'activation':>18}  max |backward - formula| over {n} points")
    for ax, (name, (op, formula)) in zip(axes.flat, ACTIVATIONS.items()):
        values, slopes = common.values_and_derivatives(op, zs)
        differences[name] = max(abs(s - formula(z)) for s, z in zip(slopes, zs))
        print(f"{name:>18}  {differences[name]:.1e}")
        ax.plot(zs, values, label="f(z)")
        ax.plot(zs, slopes, label="f'(z) by backward()", linestyle="--")
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("z")
        ax.axhline(0, color="gray", lw=0.5)
    axes.flat[0].legend(fontsize=8)
    path = common.save(figure, out / "activations.png")
    return {"max_difference": differences, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
