"""Gradient descent on L(x, y) = x^2 + y^2 with a small, a good and a too-large learning rate (seed 003).

    python -m demos.gradient_descent [--out DIR] [--quick] [--seed N]

Each step: (x, y) <- (x, y) - lr * grad L, with grad L = (2x, 2y) from backward().
Prints the table of iterations and writes gradient_descent.png: the three
trajectories on the contour plot (slow, converging, diverging).
"""

from __future__ import annotations

from pathlib import Path

from autograd import Value
from demos import common

RATES = {"too small (0.02)": 0.02, "good (0.3)": 0.3, "too large (1.05)": 1.05}


def descend(lr: float, steps: int, start=(2.0, 1.5)) -> list[tuple[float, float, float, float]]:
    """[(x, y, dL/dx, dL/dy)] for each iteration."""
    x, y = Value(start[0], label="x"), Value(start[1], label="y")
    rows = []
    for _ in range(steps):
        x.grad = y.grad = 0.0
        loss = x * x + y * y
        loss.backward()
        rows.append((x.data, y.data, x.grad, y.grad))
        x.data -= lr * x.grad
        y.data -= lr * y.grad
    rows.append((x.data, y.data, 2 * x.data, 2 * y.data))
    return rows


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    steps = 10 if quick else 25
    paths = {name: descend(lr, steps) for name, lr in RATES.items()}
    print("the good rate, lr = 0.3:")
    print(f"  {'k':>3} {'x':>9} {'y':>9} {'dL/dx':>9} {'dL/dy':>9} {'step x':>9} {'step y':>9} {'L':>9}")
    for k, (x, y, gx, gy) in enumerate(paths["good (0.3)"][:8]):
        print(f"  {k:>3} {x:9.4f} {y:9.4f} {gx:9.4f} {gy:9.4f} {-0.3 * gx:9.4f} {-0.3 * gy:9.4f} {x * x + y * y:9.4f}")
    final = {name: rows[-1][0] ** 2 + rows[-1][1] ** 2 for name, rows in paths.items()}
    for name, value in final.items():
        print(f"  lr {name:>18}: L after {steps} steps = {value:.3g}")

    figure, axes = plt.subplots(1, 3, figsize=(12, 4))
    grid = [-3 + 6 * i / 80 for i in range(81)]
    for ax, (name, rows) in zip(axes, paths.items()):
        ax.contour(grid, grid, [[a * a + b * b for a in grid] for b in grid], levels=12, cmap="viridis")
        ax.plot([r[0] for r in rows], [r[1] for r in rows], "o-", color="crimson", ms=3)
        for k, (x, y, _, _) in enumerate(rows[:6]):  # number the first steps: a diverging path jumps side to side
            if -3 < x < 3 and -3 < y < 3:
                ax.annotate(str(k), (x, y), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.set(xlim=(-3, 3), ylim=(-3, 3), xlabel="x", ylabel="y", title=f"lr {name}", aspect="equal")
    path = common.save(figure, out / "gradient_descent.png")
    return {"final_loss": final, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
