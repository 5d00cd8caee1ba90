"""Overfitting, and three cures: weight decay, dropout and early stopping (seed 000).

    python -m demos.regularization [--out DIR] [--quick] [--seed N]

A wide network on 8 noisy points of sin(x) on [-3, 3] learns the noise: its
training loss keeps falling while its test loss (on the clean curve) turns up. Weight decay
(L2), dropout and early stopping (keep the weights of the best test loss) each
hold the test loss down. Writes regularization.png: train and test loss per epoch.
"""

from __future__ import annotations

import math
from pathlib import Path

import nn
from autograd import no_grad
from demos import common


class WideNet(nn.Module):
    """x -> 64 tanh units -> dropout -> one output."""

    def __init__(self, dropout: float) -> None:
        self.hidden = nn.Layer(1, 64, activation="tanh", init="uniform")
        self.drop = nn.Dropout(dropout)
        self.output = nn.Layer(64, 1, activation="identity", init="uniform")

    def forward(self, x):
        return self.output(self.drop(self.hidden(x)))


def train(data, epochs: int, seed: int, weight_decay: float = 0.0, dropout: float = 0.0, progress: bool = False):
    """Train and return (train losses, test losses, the state of the best test loss)."""
    X, y, X_test, y_test = data
    nn.manual_seed(seed)
    model = WideNet(dropout)
    optimizer = nn.optim.Adam(model.parameters(), lr=0.02, weight_decay=weight_decay)
    test_losses: list[float] = []
    best = {"loss": math.inf, "state": None}

    def watch_test_loss(epoch, history, model):  # a callback: after every epoch
        model.eval()
        with no_grad():
            test_losses.append(nn.mse_loss([model(x) for x in X_test], y_test).data)
        model.train()
        if test_losses[-1] < best["loss"]:
            best.update(loss=test_losses[-1], state=model.state_dict())

    history = nn.fit(model, X, y, nn.mse_loss, optimizer, epochs, callbacks=[watch_test_loss], progress=progress)
    return history["loss"], test_losses, best


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    epochs = 300 if quick else 600
    X, y = nn.data.sample_function(math.sin, 8, -3.0, 3.0, noise=0.3, seed=seed)
    X_test, y_test = nn.data.sample_function(math.sin, 30, -3.0, 3.0)
    data = (X, y, X_test, y_test)
    runs = {
        "no regularization": train(data, epochs, seed, progress=not quick),
        "weight decay 0.01": train(data, epochs, seed, weight_decay=0.01, progress=not quick),
        "dropout 0.2": train(data, epochs, seed, dropout=0.2, progress=not quick),
    }
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.8), sharey=True)
    results = {}
    print(f"{'':>18} {'final train':>12} {'final test':>11} {'best test (epoch)':>18}")
    for ax, (name, (train_losses, test_losses, best)) in zip(axes, runs.items()):
        best_epoch = test_losses.index(best["loss"])
        results[name] = {"train": train_losses[-1], "test": test_losses[-1], "best_test": best["loss"]}
        print(f"{name:>18} {train_losses[-1]:12.4f} {test_losses[-1]:11.4f} {best['loss']:11.4f} ({best_epoch:4d})")
        ax.plot(train_losses, label="train")
        ax.plot(test_losses, label="test")
        ax.axvline(best_epoch, color="gray", ls=":", label="early stopping")
        ax.set(yscale="log", xlabel="epoch", ylabel="mean squared error", title=name)
    axes[0].legend(fontsize=8)
    print("early stopping keeps the weights of the best test loss (the dotted line)")
    print("dropout's train loss sits above its test loss: it is measured while training, with units dropped")
    print("(a weaker network each step); the test loss is measured in eval mode, with every unit")
    axes[2].text(
        0.5, 0.92, "train: units dropped; test: all units", transform=axes[2].transAxes, ha="center", fontsize=8
    )
    path = common.save(figure, out / "regularization.png")
    return {"results": results, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
