"""Vanishing gradients: a 10-layer network with sigmoid or ReLU, and uniform, Xavier or He init (seeds 002, 003).

    python -m demos.vanishing_gradients [--out DIR] [--quick] [--seed N]

The mean |dL/dw| of each layer's weights, averaged over a few random inputs,
for each activation and initializer. With sigmoid, sigma' <= 1/4 shrinks the
signal at every layer; ReLU with He init (variance 2/fan_in) keeps it.
Writes vanishing_gradients.png (log scale).
"""

from __future__ import annotations

import random
from pathlib import Path

import nn
from demos import common

DEPTH = 10


def layer_gradients(activation: str, init: str, width: int, samples: int, seed: int) -> list[float]:
    """Mean |dL/dw| per layer, first layer first, for L = the output, over `samples` random inputs."""
    nn.manual_seed(seed)
    model = nn.MLP(width, [width] * (DEPTH - 1) + [1], activation=activation, init=init)
    rng = random.Random(seed)
    for _ in range(samples):
        model([rng.gauss(0, 1) for _ in range(width)]).backward()
    return [
        sum(abs(w.grad) for n in layer.neurons for w in n.w) / sum(len(n.w) for n in layer.neurons) / samples
        for layer in model.layers
    ]


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    plt = common.pyplot()
    width, samples = (8, 3) if quick else (16, 10)
    figure, ax = plt.subplots(figsize=(7, 4.2))
    results = {}
    print(f"mean |dL/dw| in layer 1 / in layer {DEPTH} (1 = no loss on the way back):")
    for activation in ("sigmoid", "relu"):
        for init in ("uniform", "xavier_uniform", "he_uniform"):
            grads = layer_gradients(activation, init, width, samples, seed)
            results[(activation, init)] = grads
            print(f"  {activation:>8} + {init:<15} {grads[0] / grads[-1]:10.2e}")
            ax.plot(range(1, DEPTH + 1), grads, "o-" if activation == "relu" else "s--", label=f"{activation}, {init}")
    ax.set(yscale="log", xlabel="layer (1 = nearest the input)", ylabel="mean |dL/dw|",
           title=f"{DEPTH} layers of {width}: the gradient on its way back")  # fmt: skip
    ax.legend(fontsize=7)
    path = common.save(figure, out / "vanishing_gradients.png")
    return {"layer_gradients": results, "files": [path]}


if __name__ == "__main__":
    common.main(run, __doc__)
