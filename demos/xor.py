"""A 2-layer MLP solves XOR, which no single perceptron can (seed 004).

    python -m demos.xor [--out DIR] [--quick] [--seed N]

MLP(2, [4, 1]) with tanh, targets -1/+1, mean squared error, full-batch SGD.
Writes xor_loss.png (the loss curve), xor_boundary.png (the decision map) and
xor_graph.svg (the trained network's forward and backward on one example, each neuron
boxed, named as the notes name them).
"""

from __future__ import annotations

from pathlib import Path

import nn
from autograd import render
from demos import common


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    nn.manual_seed(seed)
    X, T = nn.data.xor(signed=True)
    model = nn.MLP(2, [4, 1], activation="tanh", output_activation="tanh")
    optimizer = nn.optim.SGD(model.parameters(), lr=0.1)
    history = nn.fit(model, X, T, nn.mse_loss, optimizer, epochs=300 if quick else 600, progress=False,
                     correct=nn.correct_sign)  # fmt: skip
    outputs = [model(x).data for x in X]
    print("   x1   x2  target  output")
    for (a, b), t, o in zip(X, T, outputs):
        print(f"  {a:3.0f}  {b:3.0f}  {t:+6d}  {o:+.4f}")
    accuracy = sum((o > 0) == (t > 0) for o, t in zip(outputs, T)) / len(T)
    print(f"accuracy {accuracy:.0%} after {len(history['loss'])} steps, final loss {history['loss'][-1]:.4f}")

    figure, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot(history["loss"])
    ax.set(xlabel="step", ylabel="mean squared error", yscale="log", title="XOR: training loss")
    loss_path = common.save(figure, out / "xor_loss.png")
    figure, ax = plt.subplots(figsize=(4, 3.6))
    common.decision_map(ax, model, X, T, label="the MLP's output (> 0: class +1)")
    ax.set_title("XOR: the MLP's output")
    boundary_path = common.save(figure, out / "xor_boundary.png")
    # One example's forward and backward from zero grads: its own grads on the graph, not
    # whatever training left in them.
    model.zero_grad()
    loss = nn.mse_loss(model(X[1]), T[1])
    loss.backward()
    graph_path = render(loss, out / "xor_graph.svg", notation="notes", **model.graph_style())
    print(f"  wrote {graph_path}")
    decks = common.slides(loss, "xor", notation="notes", **model.graph_style())
    model.zero_grad()
    return {"accuracy": accuracy, "loss": history["loss"], "files": [loss_path, boundary_path, graph_path, *decks]}


if __name__ == "__main__":
    common.main(run, __doc__)
