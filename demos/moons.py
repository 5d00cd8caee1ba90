"""micrograd's classic: MLP(2, [16, 16, 1]) learns the two moons with an SVM loss.

    python -m demos.moons [--out DIR] [--quick] [--seed N]

Hinge loss relu(1 - y*s) + 1e-4 * sum(w^2), 100 steps of SGD with the learning
rate decaying from 1.0 to 0.1, as micrograd's demo. Writes moons.png (the
decision boundary) and moons_loss.png.
"""

from __future__ import annotations

from pathlib import Path

import nn
from demos import common


def train(seed: int = 0, log=print) -> tuple[nn.MLP, list, list, list[float], list[float]]:
    """micrograd's run: 100 SGD steps, lr 1.0 - 0.9 k/100. Returns the model, X, y, losses, accuracies.

    The seed picks the initial weights; the 100 points are always the same set (seed 1), as micrograd's.
    """
    nn.manual_seed(seed)
    X, y = nn.data.make_moons(100, noise=0.1, seed=1, signed=True)
    model = nn.MLP(2, [16, 16, 1])
    losses, accuracies = [], []
    for k in range(100):
        scores = [model(x) for x in X]
        loss = nn.hinge_loss(scores, y) + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        losses.append(loss.data)
        accuracies.append(sum((s.data > 0) == (t > 0) for s, t in zip(scores, y)) / len(y))
        if k % 10 == 0 or k == 99:
            log(f"step {k:3d}  loss {loss.data:.4f}  accuracy {accuracies[-1]:.0%}")
    return model, X, y, losses, accuracies


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    model, X, y, losses, accuracies = train(seed)
    print(model)
    final = sum((model(x).data > 0) == (t > 0) for x, t in zip(X, y)) / len(y)
    print(f"training accuracy after 100 steps: {final:.0%}")

    figure, ax = plt.subplots(figsize=(4.6, 4))
    common.decision_map(ax, model, X, y, steps=40 if quick else 70, label="score (> 0: class +1)")
    ax.set_title(f"moons: {final:.0%} of the training points right")
    boundary = common.save(figure, out / "moons.png")
    figure, ax = plt.subplots(figsize=(5, 3))
    ax.plot(losses, label="loss")
    ax.plot(accuracies, label="accuracy")
    ax.set(xlabel="step", ylabel="hinge loss + L2, and accuracy", title="moons: training")
    ax.legend()
    curve = common.save(figure, out / "moons_loss.png")
    return {"accuracy": final, "files": [boundary, curve]}


if __name__ == "__main__":
    common.main(run, __doc__)
