"""The perceptron learning rule on AND, OR and a separable cloud, and why it fails on XOR (seeds 000, 004).

    python -m demos.perceptron [--out DIR] [--quick] [--seed N]

Rule: on a mistake with target t in {-1, +1}, w <- w + lr*t*x and b <- b + lr*t.
Writes perceptron.png: the decision line after each epoch, for each data set.
"""

from __future__ import annotations

from pathlib import Path

import nn
from demos import common

XOR_INEQUALITIES = """\
XOR needs sign(w1*x1 + w2*x2 + b) to be
  (0,0) -> -1:  b < 0
  (0,1) -> +1:  w2 + b >= 0
  (1,0) -> +1:  w1 + b >= 0
  (1,1) -> -1:  w1 + w2 + b < 0
Adding the middle two: w1 + w2 + 2b >= 0, so w1 + w2 + b >= -b > 0 (as b < 0),
which contradicts the last line. No (w1, w2, b) satisfies all four: no line
separates XOR, and the rule never stops making mistakes."""


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    blob_X, blob_y = nn.data.make_blobs(40, centers=2, std=0.8, seed=seed)
    datasets = {
        "AND": nn.data.and_gate(signed=True),
        "OR": nn.data.or_gate(signed=True),
        "two blobs": (blob_X, [2 * t - 1 for t in blob_y]),
        "XOR": nn.data.xor(signed=True),
    }
    epochs = 20 if quick else 50
    figure, axes = plt.subplots(1, 4, figsize=(13, 3.4))
    mistakes = {}
    for ax, (name, (X, T)) in zip(axes, datasets.items()):
        perceptron = nn.Perceptron(2)
        lines = []
        history = []
        for _ in range(epochs):  # one epoch at a time, to draw the line after each
            history += perceptron.fit(X, T, lr=1.0, epochs=1)
            lines.append(([w.data for w in perceptron.w], perceptron.b.data))
            if history[-1] == 0:
                break
        mistakes[name] = history
        verdict = f"converged after {len(history)} epochs" if history[-1] == 0 else f"no convergence in {epochs}"
        print(f"{name:>9}: mistakes per epoch {history[:12]}{' ...' if len(history) > 12 else ''}  ({verdict})")
        xs = [p[0] for p in X]
        lo, hi = min(xs) - 0.5, max(xs) + 0.5
        for k, ((w1, w2), b) in enumerate(lines):  # w1 x + w2 y + b = 0, later epochs darker
            shade = {"color": "k", "alpha": 0.15 + 0.85 * (k + 1) / len(lines)}
            if w2 != 0:
                ax.plot([lo, hi], [-(w1 * lo + b) / w2, -(w1 * hi + b) / w2], **shade)
            elif w1 != 0:
                ax.axvline(-b / w1, **shade)
        ax.scatter(xs, [p[1] for p in X], c=T, cmap="RdBu", edgecolors="k")
        ax.set_ylim(min(p[1] for p in X) - 0.5, max(p[1] for p in X) + 0.5)
        ax.set_title(f"{name}: {verdict}", fontsize=9)
        ax.set(xlabel="x1", ylabel="x2")
    print()
    print(XOR_INEQUALITIES)
    figure_path = common.save(figure, out / "perceptron.png")
    return {"mistakes": mistakes, "files": [figure_path]}


if __name__ == "__main__":
    common.main(run, __doc__)
