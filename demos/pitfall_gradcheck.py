"""Pitfall: a wrong local derivative, caught by central differences (gradcheck).

    python -m demos.pitfall_gradcheck [--out DIR] [--quick] [--seed N]

A classic slip when writing tanh's backward by hand: the rule is 1 - tanh(x)^2, in the
node's *output*, and it gets written 1 - x^2, in its *input*. Near 0 the two agree
(tanh x ≈ x), so a quick test at x = 0.1 passes and training "works", slowly and wrongly.
`autograd.gradcheck` compares every local derivative with (f(x + h) - f(x - h)) / 2h at
several points and prints where they disagree; the fixed rule passes.
"""

from __future__ import annotations

import math
from pathlib import Path

from autograd import Function
from demos import common
from demos.custom_op import check as verdict  # gradcheck's table, or None when it passes


class TanhWrong(Function):
    """tanh, with its derivative written in the input: 1 - x^2."""

    name = "tanh"

    def forward(x):
        return math.tanh(x)

    def derivative(out, x):
        return (1 - x * x,)

    rules = ("1 - {a}^2",)


class TanhRight(Function):
    """tanh, with d tanh/dx = 1 - tanh(x)^2 = 1 - out^2."""

    name = "tanh"

    def forward(x):
        return math.tanh(x)

    def derivative(out, x):
        return (1 - out * out,)

    rules = ("1 - {out}^2",)


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    """No randomness: quick and seed change nothing."""
    near_zero = verdict(TanhWrong, [0.01])
    print(f"The wrong rule at x = 0.01: {'passes' if near_zero is None else 'fails'} (tanh x is about x there)")
    points = [-1.5, -0.5, 0.01, 0.5, 1.5]
    wrong = verdict(TanhWrong, points)
    print(f"At {points}:\n{wrong}")
    right = verdict(TanhRight, points)
    print(f"The fixed rule at {points}: {'passes' if right is None else right}")
    plt = common.pyplot()
    xs = [-2.5 + 5 * i / 200 for i in range(201)]
    h = 1e-6
    figure, axes = plt.subplots(figsize=(7, 3.2))
    axes.plot(xs, [1 - x * x for x in xs], label="1 - x²  (the slip)")
    axes.plot(xs, [1 - math.tanh(x) ** 2 for x in xs], label="1 - tanh(x)²  (the rule)")
    axes.plot(xs[::10], [(math.tanh(x + h) - math.tanh(x - h)) / (2 * h) for x in xs[::10]], "k.",
              label="central differences")  # fmt: skip
    axes.set_ylim(-1.5, 1.2)
    axes.set_xlabel("x")
    axes.legend()
    path = common.save(figure, out / "pitfall_gradcheck")
    return {"near_zero": near_zero, "wrong": wrong, "right": right, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
