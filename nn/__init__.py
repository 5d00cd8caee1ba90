"""Neural networks made of `autograd.Value` nodes: every forward pass is a graph.

    >>> import nn
    >>> nn.manual_seed(0)                     # the same weights on every machine
    >>> model = nn.MLP(2, [16, 16, 1])        # 337 parameters, as micrograd's
    >>> loss = nn.hinge_loss([model(x) for x in X], y)
    >>> model.zero_grad(); loss.backward(); optimizer.step()

Randomness: weights and dropout come from one generator, seeded with 0 at
import; `nn.manual_seed(n)` restarts it. Datasets in `nn.data` take `seed=`.
"""

import autograd as _autograd

if not hasattr(_autograd, "Value"):  # `import autograd` found another package of that name
    raise ImportError(
        f"nn is made of backprop-lab's autograd, but `import autograd` found another package: "
        f"{getattr(_autograd, '__file__', _autograd)} (HIPS autograd?). Give backprop-lab a virtualenv of its "
        "own (`make demo` or `make test` makes .venv), or uninstall the other autograd"
    )

from nn import data, optim  # noqa: E402 - after the check above
from nn.init import manual_seed
from nn.layers import ACTIVATIONS, MLP, Dropout, Layer, Neuron
from nn.losses import (
    bce_loss,
    bce_with_logits_loss,
    cross_entropy,
    hinge_loss,
    huber_loss,
    l1_penalty,
    log_softmax,
    logistic_loss,
    mse_loss,
    softmax,
)
from nn.matrices import LayerView, layer_view
from nn.module import Module
from nn.perceptron import Perceptron
from nn.train import correct_class, correct_logit, correct_probability, correct_sign, fit

__all__ = [
    "ACTIVATIONS",
    "MLP",
    "Dropout",
    "Layer",
    "LayerView",
    "Module",
    "Neuron",
    "Perceptron",
    "bce_loss",
    "bce_with_logits_loss",
    "correct_class",
    "correct_logit",
    "correct_probability",
    "correct_sign",
    "cross_entropy",
    "data",
    "fit",
    "hinge_loss",
    "l1_penalty",
    "layer_view",
    "huber_loss",
    "log_softmax",
    "logistic_loss",
    "manual_seed",
    "mse_loss",
    "optim",
    "softmax",
]
