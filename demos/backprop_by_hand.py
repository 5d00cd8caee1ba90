"""The delta recursion of the notes, with matrices, next to the engine's node-by-node gradients (seeds 001-004).

    python -m demos.backprop_by_hand [--out DIR] [--quick] [--seed N]

A 3-2-1 sigmoid network with loss L = 1/2 (y_hat - y)^2. With numpy:
    delta2 = (A2 - y) * A2 * (1 - A2)            (output layer)
    delta1 = (W2^T delta2) * A1 * (1 - A1)       (hidden layer)
    dL/dW2 = delta2 A1^T,  dL/dW1 = delta1 x^T,  dL/db = delta
The engine's grads of the same z nodes and weights must agree to 1e-12.
Writes backprop_by_hand.svg, the network's graph with the grads on it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import nn
from autograd import render, topological_order
from demos import common


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    nn.manual_seed(seed)
    model = nn.MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid")
    x, y = [0.5, -1.0, 2.0], 1.0
    loss = 0.5 * (model(x) - y) ** 2
    loss.label = "L"
    loss.backward()
    z = {n.label: n for n in topological_order(loss) if n.label.endswith(".z")}

    W1 = np.array([[w.data for w in n.w] for n in model.layers[0].neurons])
    b1 = np.array([n.b.data for n in model.layers[0].neurons])
    W2 = np.array([[w.data for w in n.w] for n in model.layers[1].neurons])
    b2 = np.array([n.b.data for n in model.layers[1].neurons])
    A0 = np.array(x)
    Z1 = W1 @ A0 + b1
    A1 = 1 / (1 + np.exp(-Z1))
    Z2 = W2 @ A1 + b2
    A2 = 1 / (1 + np.exp(-Z2))
    delta2 = (A2 - y) * A2 * (1 - A2)
    delta1 = (W2.T @ delta2) * A1 * (1 - A1)
    by_matrix = {
        "delta2 = dL/dZ2": (delta2, [z["layers.1.neurons.0.z"].grad]),
        "delta1 = dL/dZ1": (delta1, [z[f"layers.0.neurons.{i}.z"].grad for i in range(2)]),
        "dL/dW2 = delta2 A1^T": (np.outer(delta2, A1), [[w.grad for w in n.w] for n in model.layers[1].neurons]),
        "dL/dW1 = delta1 x^T": (np.outer(delta1, A0), [[w.grad for w in n.w] for n in model.layers[0].neurons]),
        "dL/db1 = delta1": (delta1, [n.b.grad for n in model.layers[0].neurons]),
    }
    worst = 0.0
    for name, (matrix, engine) in by_matrix.items():
        difference = float(np.max(np.abs(matrix - np.array(engine))))
        worst = max(worst, difference)
        print(f"{name:>22}: numpy  {np.array2string(matrix.ravel(), precision=6)}")
        print(f"{'':>22}  engine {np.array2string(np.array(engine).ravel(), precision=6)}  difference {difference:.1e}")
    print(f"\nlargest difference {worst:.1e}: the engine's node-by-node chain rule is the delta recursion")
    path = render(loss, out / "backprop_by_hand.svg", **model.graph_style())
    print(f"  wrote {path}")
    decks = common.slides(loss, "backprop_by_hand", **model.graph_style())
    return {"max_difference": worst, "files": [path, *decks]}


if __name__ == "__main__":
    common.main(run, __doc__)
