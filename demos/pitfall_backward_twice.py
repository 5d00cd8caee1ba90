"""Pitfall: backward() twice without zeroing the grads, and training steps on stale gradients.

    python -m demos.pitfall_backward_twice [--out DIR] [--quick] [--seed N]

Gradients accumulate, in this engine as in micrograd and PyTorch: that is what makes a
node used twice right (see pitfall_reuse). The price: calling backward() again, or
forgetting `zero_grad()` between training steps, adds the new gradient to the old one.
Twice the gradient is twice the step; in a training loop, each step follows the sum of
every gradient so far, like a momentum nobody asked for, and a learning rate that
converges with zero_grad overshoots without it.
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd import Value
from demos import common


def train(zero_grad: bool, steps: int, seed: int) -> list[float]:
    """Least squares on a line, y = 2x - 1, with plain SGD; the loss after each step."""
    X = [[x / 4] for x in range(-4, 5)]
    y = [2 * row[0] - 1 for row in X]
    nn.manual_seed(seed)
    model = nn.MLP(1, [1])
    optimizer = nn.optim.SGD(model.parameters(), lr=0.3)
    losses = []
    for _ in range(steps):
        loss = nn.mse_loss([model(x) for x in X], y)
        if zero_grad:
            optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.data)
    return losses


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    x = Value(3.0, label="x")
    y = x * x
    y.backward()
    once = x.grad
    y.backward()
    twice = x.grad
    x.grad = 0.0  # what zero_grad() does
    y.backward()
    zeroed = x.grad
    print(f"y = x*x at x = 3: dy/dx = {once} after one backward(), {twice} after a second, {zeroed} after zeroing")
    steps = 15 if quick else 40
    right = train(True, steps, seed)
    stale = train(False, steps, seed)
    print(f"Training y = 2x - 1, lr 0.3, {steps} steps: final loss {right[-1]:.3g} with zero_grad, "
          f"{stale[-1]:.3g} without")  # fmt: skip
    plt = common.pyplot()
    figure, axes = plt.subplots(figsize=(7, 3.2))
    axes.semilogy(range(1, steps + 1), right, "o-", label="zero_grad() each step")
    axes.semilogy(range(1, steps + 1), stale, "s-", label="no zero_grad(): gradients pile up")
    axes.set_xlabel("step")
    axes.set_ylabel("mean squared error")
    axes.legend()
    path = common.save(figure, out / "pitfall_backward_twice")
    return {"once": once, "twice": twice, "zeroed": zeroed, "with_zero_grad": right, "without": stale,
            "files": [path]}  # fmt: skip


if __name__ == "__main__":
    common.main(run, __doc__)
