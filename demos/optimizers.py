"""SGD, SGD with momentum, RMSprop, Adagrad and Adam on the same problems (seeds 000, 003).

    python -m demos.optimizers [--out DIR] [--quick] [--seed N]

1. The Rosenbrock function (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2): paths on
   its contour plot and loss curves.
2. The moons loss of a small MLP, from the same initial weights.
Writes optimizers.png.
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd import Value
from demos import common

OPTIMIZERS = {
    "SGD": lambda p: nn.optim.SGD(p, lr=0.001),
    "SGD + momentum": lambda p: nn.optim.SGD(p, lr=0.001, momentum=0.9),
    "RMSprop": lambda p: nn.optim.RMSprop(p, lr=0.01),
    "Adagrad": lambda p: nn.optim.Adagrad(p, lr=0.5),
    "Adam": lambda p: nn.optim.Adam(p, lr=0.05),
}


def rosenbrock(x: Value, y: Value) -> Value:
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    steps = 300 if quick else 2000
    figure, (path_ax, loss_ax, moons_ax) = plt.subplots(1, 3, figsize=(14, 4))
    grid_x = [-2 + 4 * i / 100 for i in range(101)]
    grid_y = [-1 + 4 * i / 100 for i in range(101)]
    path_ax.contour(grid_x, grid_y, [[(1 - a) ** 2 + 100 * (b - a * a) ** 2 for a in grid_x] for b in grid_y],
                    levels=[0.5, 2, 8, 30, 100, 300, 1000], cmap="viridis")  # fmt: skip
    final = {}
    print(f"Rosenbrock from (-1.5, 2), {steps} steps; the minimum is 0 at (1, 1)")
    for name, make in OPTIMIZERS.items():
        x, y = Value(-1.5), Value(2.0)
        optimizer = make([x, y])
        path, losses = [], []
        for _ in range(steps):
            loss = rosenbrock(x, y)
            optimizer.zero_grad()
            loss.backward()
            path.append((x.data, y.data))
            losses.append(loss.data)
            optimizer.step()
        final[name] = rosenbrock(x, y).data
        print(f"  {name:>15}: loss {final[name]:.3e} at ({x.data:.3f}, {y.data:.3f})")
        path_ax.plot([p[0] for p in path], [p[1] for p in path], lw=1.2, label=name)
        loss_ax.plot(losses, label=name)
    path_ax.plot([1], [1], "k*", ms=10)
    path_ax.set(title="Rosenbrock: paths (* the minimum)", xlabel="x", ylabel="y", xlim=(-2, 2), ylim=(-1, 3))
    path_ax.legend(fontsize=7)
    loss_ax.set(yscale="log", xlabel="step", ylabel="loss", title="Rosenbrock: loss")

    X, y = nn.data.make_moons(60, noise=0.1, seed=seed, signed=True)
    epochs = 30 if quick else 150
    moons_final = {}
    for name, make in OPTIMIZERS.items():
        nn.manual_seed(seed)
        model = nn.MLP(2, [8, 8, 1])
        rates = {"SGD": 0.1, "SGD + momentum": 0.05, "Adagrad": 0.1}  # the moons loss is flatter than Rosenbrock
        optimizer = make(model.parameters())
        optimizer.lr = rates.get(name, optimizer.lr)
        history = nn.fit(model, X, y, nn.hinge_loss, optimizer, epochs=epochs, progress=False)
        moons_final[name] = history["loss"][-1]
        moons_ax.plot(history["loss"], label=name)
    print(f"moons, MLP(2, [8, 8, 1]), {epochs} full-batch steps: final hinge loss")
    for name, value in moons_final.items():
        print(f"  {name:>15}: {value:.4f}")
    moons_ax.set(xlabel="step", ylabel="hinge loss", title="moons: hinge loss")
    moons_ax.legend(fontsize=7)
    path = common.save(figure, out / "optimizers.png")
    return {"rosenbrock": final, "moons": moons_final, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
