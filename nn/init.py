"""Where the randomness comes from, and how weights start.

Every random draw in `nn` (initial weights, dropout masks) comes from one
generator, seeded with 0 when `nn` is imported. So a script prints the same
numbers on every run and on every student's machine; `nn.manual_seed(42)`
starts it over from another seed. The datasets in `nn.data` take their own
`seed=` argument.

Initializers follow PyTorch's formulas (torch.nn.init), with fan_in = inputs of
the neuron and fan_out = neurons in its layer:

    uniform         U(-1, 1)                                   (micrograd's)
    xavier_uniform  U(-a, a),  a = gain * sqrt(6 / (fan_in + fan_out))
    xavier_normal   N(0, s^2), s = gain * sqrt(2 / (fan_in + fan_out))
    he_uniform      U(-a, a),  a = gain * sqrt(3 / fan_in),  gain = sqrt(2 / (1 + slope^2))
    he_normal       N(0, s^2), s = gain / sqrt(fan_in)

`gain` is PyTorch's `calculate_gain` for the neuron's activation (tanh 5/3,
relu sqrt(2), leaky_relu sqrt(2 / (1 + slope^2)), others 1). He init is for the
ReLU family: slope is the leaky_relu slope, else 0.
"""

from __future__ import annotations

import math
import random

from autograd.ops import LEAKY_RELU_SLOPE
from nn.portable_math import gauss

generator = random.Random(0)


def manual_seed(seed: int) -> None:
    """Restart nn's random generator from `seed` (PyTorch's name for it)."""
    generator.seed(seed)


def gain(activation: str) -> float:
    """PyTorch's calculate_gain for an activation name (1 for anything else)."""
    if activation == "tanh":
        return 5.0 / 3.0
    if activation == "relu":
        return math.sqrt(2.0)
    if activation == "leaky_relu":
        return math.sqrt(2.0 / (1 + LEAKY_RELU_SLOPE**2))
    return 1.0


def initial_weights(init: str, fan_in: int, fan_out: int, activation: str) -> list[float]:
    """fan_in starting weights for one neuron, drawn from `generator`."""
    draw = generator
    if init == "uniform":
        return [draw.uniform(-1.0, 1.0) for _ in range(fan_in)]
    if init in ("xavier_uniform", "xavier_normal"):
        spread = gain(activation) * math.sqrt(2.0 / (fan_in + fan_out))
    elif init in ("he_uniform", "he_normal"):
        slope = LEAKY_RELU_SLOPE if activation == "leaky_relu" else 0.0
        spread = math.sqrt(2.0 / (1 + slope**2)) / math.sqrt(fan_in)
    else:
        raise ValueError(f"unknown init {init!r}; expected one of {', '.join(INITS)}")
    if init.endswith("_uniform"):
        bound = math.sqrt(3.0) * spread  # U(-a, a) has standard deviation a / sqrt(3)
        return [draw.uniform(-bound, bound) for _ in range(fan_in)]
    return [gauss(draw, 0.0, spread) for _ in range(fan_in)]  # the same bits on every machine


INITS = ("uniform", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal")
