"""Newton-Raphson with the engine's Hessian against gradient descent (seed 003).

    python -m demos.newton [--out DIR] [--quick] [--seed N]

Newton's step is theta <- theta - H^-1 grad L, with H the Hessian computed by
differentiating the gradient graph. On a convex quadratic it lands on the
minimum in one step; on a smooth non-quadratic it converges quadratically,
while gradient descent needs many more iterations. Writes newton.png.
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd import Value, hessian
from demos import common


def quadratic(p):
    x, y = p
    return (x - 1) ** 2 + 3 * (y + 2) ** 2 + x * y  # minimum at (24/11, -26/11)


def smooth(p):
    x, y = p
    return (x - 2).exp() - x + (y * y + 1).log()  # minimum at (2, 0)


def iterate(loss, start, step, tolerance: float, limit: int) -> list[float]:
    """The distance to the minimum... as the loss's gradient size after each step, until it is below tolerance."""
    params = [Value(v) for v in start]
    history = []
    for _ in range(limit):
        loss_value = loss(params)
        for p in params:
            p.grad = 0.0
        loss_value.backward()
        size = max(abs(p.grad) for p in params)
        history.append(size)
        if size < tolerance:
            break
        step(params, loss)
    return history


def newton_step(params, loss):
    nn.optim.Newton(params).step(lambda: loss(params))


def gradient_step(lr):
    def step(params, loss):
        for p in params:
            p.data -= lr * p.grad

    return step


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    print("Hessian of the quadratic at (3, -4):", hessian(quadratic, [3.0, -4.0]))
    x, y = Value(3.0), Value(-4.0)
    nn.optim.Newton([x, y]).step(lambda: quadratic([x, y]))
    print(f"one Newton step from (3, -4) lands on ({x.data:.12f}, {y.data:.12f}); the minimum is (24/11, -26/11)")
    one_step_error = max(abs(x.data - 24 / 11), abs(y.data + 26 / 11))

    tolerance, limit = 1e-10, 200 if quick else 2000
    runs = {
        "quadratic, Newton": iterate(quadratic, (3.0, -4.0), newton_step, tolerance, limit),
        "quadratic, gradient descent (0.1)": iterate(quadratic, (3.0, -4.0), gradient_step(0.1), tolerance, limit),
        "smooth, Newton": iterate(smooth, (0.0, 0.5), newton_step, tolerance, limit),
        "smooth, gradient descent (0.5)": iterate(smooth, (0.0, 0.5), gradient_step(0.5), tolerance, limit),
    }
    print(f"iterations until max |gradient| < {tolerance:g} (at most {limit}):")
    for name, history in runs.items():
        print(f"  {name:>34}: {len(history) - 1}")
    figure, ax = plt.subplots(figsize=(6, 4))
    for name, history in runs.items():
        ax.plot(history, "o-" if "Newton" in name else "-", ms=3, label=name)
    ax.set(yscale="log", xlabel="iteration", ylabel="max |gradient|", title="Newton vs gradient descent")
    ax.legend(fontsize=7)
    path = common.save(figure, out / "newton.png")
    return {"one_step_error": one_step_error, "iterations": {k: len(v) - 1 for k, v in runs.items()}, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
