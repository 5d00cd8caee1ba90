"""Graduate to PyTorch: the same network trained with scalars and with tensors, step for step, then timed.

    python -m demos.to_pytorch [--out DIR] [--quick] [--seed N]

`model.to_torch()` turns an nn.MLP into a torch.nn.Sequential with the same
weights (float64). Both are trained on the same moons with the same loss (BCE on
logits) and plain gradient descent: every step's loss and every gradient agree
to rounding. Then one forward and backward pass on a bigger batch is timed on
each: a tensor op does a whole layer at once, a Value one multiplication, which
is why PyTorch exists (and why this engine is the one to read).
"""

from __future__ import annotations

import time
from pathlib import Path

import nn
from demos import common
from nn.torch_bridge import require_torch


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    torch = require_torch()
    steps, big = (10, 300) if quick else (50, 3000)
    nn.manual_seed(seed)
    X, y = nn.data.make_moons(100, noise=0.1, seed=seed)
    model = nn.MLP(2, [8, 8, 1], activation="tanh")
    net = model.to_torch()
    tX, ty = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    ours_optimizer = nn.optim.SGD(model.parameters(), lr=0.5)
    torch_optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
    ours_losses, torch_losses, worst = [], [], 0.0
    print(f"{'step':>4}  {'loss (Values)':>16}  {'loss (tensors)':>16}  {'max |grad difference|':>22}")
    for step in range(steps):
        loss = nn.bce_with_logits_loss([model(x) for x in X], y)
        ours_optimizer.zero_grad()
        loss.backward()
        tloss = torch.nn.functional.binary_cross_entropy_with_logits(net(tX).squeeze(1), ty)
        torch_optimizer.zero_grad()
        tloss.backward()
        difference = max(
            abs(w.grad - linear.weight.grad[j, k].item()) + abs(n.b.grad - linear.bias.grad[j].item())
            for layer, linear in _linear_pairs(model, net)
            for j, n in enumerate(layer.neurons)
            for k, w in enumerate(n.w)
        )
        worst = max(worst, difference)
        ours_losses.append(loss.data)
        torch_losses.append(tloss.item())
        if step % max(1, steps // 5) == 0 or step == steps - 1:
            print(f"{step:>4}  {loss.data:>16.12f}  {tloss.item():>16.12f}  {difference:>22.1e}")
        ours_optimizer.step()
        torch_optimizer.step()

    bigX, bigy = nn.data.make_moons(big, noise=0.1, seed=seed + 1)
    start = time.perf_counter()
    loss = nn.bce_with_logits_loss([model(x) for x in bigX], bigy)
    loss.backward()
    ours_seconds = time.perf_counter() - start
    tbigX, tbigy = torch.tensor(bigX, dtype=torch.float64), torch.tensor(bigy, dtype=torch.float64)
    start = time.perf_counter()
    torch.nn.functional.binary_cross_entropy_with_logits(net(tbigX).squeeze(1), tbigy).backward()
    torch_seconds = time.perf_counter() - start
    print(f"\nforward + backward on {big} points: Values {ours_seconds * 1000:.1f} ms, "
          f"tensors {torch_seconds * 1000:.2f} ms ({ours_seconds / torch_seconds:.0f}x)")  # fmt: skip

    plt = common.pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(9, 3.4))
    left.plot(ours_losses, label="nn.MLP (Values)", linewidth=3)
    left.plot(torch_losses, label="torch.nn.Sequential", linestyle="--")
    left.set(xlabel="step", ylabel="BCE loss", title="the same training, step for step")
    left.legend()
    right.bar(["Values", "tensors"], [ours_seconds * 1000, torch_seconds * 1000], color=["#fde68a", "#bfdbfe"])
    right.set(ylabel="ms", yscale="log", title=f"forward + backward, {big} points")
    path = common.save(figure, out / "to_pytorch.png")
    return {
        "ours_losses": ours_losses,
        "torch_losses": torch_losses,
        "max_grad_difference": worst,
        "seconds": {"values": ours_seconds, "tensors": torch_seconds},
        "files": [path],
    }


def _linear_pairs(model: nn.MLP, net) -> list:
    """Each layer of the model with its torch.nn.Linear in the Sequential."""
    torch = require_torch()
    linears = [module for module in net if isinstance(module, torch.nn.Linear)]
    return list(zip(model.layers, linears))


if __name__ == "__main__":
    common.main(run, __doc__)
