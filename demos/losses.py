"""Loss functions against the residual or the margin, with their gradients from the engine (seed 000).

    python -m demos.losses [--out DIR] [--quick] [--seed N]

MSE (y_hat - t)^2, binary cross-entropy, Huber for several deltas (eq. 14),
hinge relu(1 - m) and logistic log(1 + e^-m), m = y*s the margin. Each gradient
is d loss / d prediction from backward(), checked against the formula.
Writes losses.png.
"""

from __future__ import annotations

import math
from pathlib import Path

import nn
from demos import common


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    n = 61 if quick else 301
    residuals = [-3 + 6 * (i + 0.5) / n for i in range(n)]
    margins = residuals
    probabilities = [0.01 + 0.98 * i / (n - 1) for i in range(n)]
    # name: (loss as a function of one Value, the x axis, its analytic gradient)
    cases = {
        "MSE, t = 0": (lambda r: nn.mse_loss(r, 0.0), residuals, lambda r: 2 * r),
        "BCE, t = 1": (lambda p: nn.bce_loss(p, 1.0), probabilities, lambda p: -1 / p),
        "hinge, y = +1": (lambda s: nn.hinge_loss(s, 1), margins, lambda m: -1.0 if m < 1 else 0.0),
        "logistic, y = +1": (lambda s: nn.logistic_loss(s, 1), margins, lambda m: -1 / (1 + math.exp(m))),
    }
    for delta in (0.5, 1.0, 2.0):
        cases[f"Huber, delta = {delta:g}"] = (
            lambda r, d=delta: nn.huber_loss(r, 0.0, delta=d),
            residuals,
            lambda r, d=delta: r if abs(r) <= d else d * math.copysign(1, r),
        )
    figure, (loss_ax, grad_ax) = plt.subplots(1, 2, figsize=(11, 4))
    differences = {}
    print(f"{'loss':>18}  max |backward - formula|")
    for name, (loss, xs, formula) in cases.items():
        values, grads = common.values_and_derivatives(loss, xs)
        differences[name] = max(abs(g - formula(x)) for g, x in zip(grads, xs))
        print(f"{name:>18}  {differences[name]:.1e}")
        if not name.startswith("BCE"):
            loss_ax.plot(xs, values, label=name)
            grad_ax.plot(xs, grads, label=name)
    loss_ax.set(xlabel="residual y_hat - t, or margin y*s", ylabel="loss", ylim=(-0.2, 4.5), title="losses")
    grad_ax.set(xlabel="residual, or margin", ylabel="d loss / d prediction", ylim=(-3.5, 3.5),
                title="their gradients, by backward()")  # fmt: skip
    loss_ax.legend(fontsize=7)
    path = common.save(figure, out / "losses.png")
    return {"max_difference": differences, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
