"""Three classes with softmax and cross-entropy (seed 000, eq. 13).

    python -m demos.multiclass [--out DIR] [--quick] [--seed N]

MLP(2, [16, 3]) gives one logit per class; p = softmax(logits) and the loss is
-log p[target], computed as a stable log-softmax. Trained with Adam on three
Gaussian blobs and on three spiral arms. Writes multiclass.png: the class each
point of the plane gets.
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd import no_grad
from demos import common


def train(X, y, hidden: list[int], epochs: int, seed: int, progress: bool = False) -> tuple[nn.MLP, float]:
    nn.manual_seed(seed)
    model = nn.MLP(2, [*hidden, 3], activation="tanh", init="xavier_uniform")
    history = nn.fit(model, X, y, nn.cross_entropy, nn.optim.Adam(model.parameters(), lr=0.03), epochs=epochs,
                     progress=progress)  # fmt: skip
    return model, history["accuracy"][-1]


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    sets = {
        "blobs": (nn.data.make_blobs(90, centers=3, seed=seed), [16], 40 if quick else 150),
        "spirals": (nn.data.make_spirals(90 if quick else 150, classes=3, seed=seed), [24, 24], 60 if quick else 500),
    }
    figure, axes = plt.subplots(1, 2, figsize=(9, 4))
    accuracy = {}
    for ax, (name, ((X, y), hidden, epochs)) in zip(axes, sets.items()):
        model, accuracy[name] = train(X, y, hidden, epochs, seed, progress=not quick)
        with no_grad():
            p = nn.softmax(model(X[0]))
        print(f"{name}: MLP(2, {[*hidden, 3]}), {epochs} epochs, training accuracy {accuracy[name]:.0%}")
        print(f"  first point {X[0][0]:+.2f}, {X[0][1]:+.2f} (class {y[0]}): p = {[round(q.data, 3) for q in p]}")
        common.decision_map(ax, model, X, y, steps=35 if quick else 60, label="the class the MLP picks",
                            score=lambda logits: max(range(3), key=lambda k: logits[k].data))  # fmt: skip
        ax.set_title(f"{name}: {accuracy[name]:.0%} right", fontsize=10)
    path = common.save(figure, out / "multiclass.png")
    return {"accuracy": accuracy, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
