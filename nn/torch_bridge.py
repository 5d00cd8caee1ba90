"""From scalars to tensors: an `nn.MLP` as a `torch.nn.Sequential` with the same weights, and back.

    >>> net = model.to_torch()              # Linear, activation, Linear, ... in float64
    >>> model = nn.MLP.from_torch(net)      # the same numbers, one Value each

Layer i of the MLP is `torch.nn.Linear(nin, nout)` with weight[j][k] = neuron j's
w[k] and bias[j] = its b, followed by the activation's module (none for identity).
PyTorch is imported only here, when one of these is called.
"""

from __future__ import annotations

from autograd.ops import UNARY_OPS, unary_name
from nn.layers import MLP

# Our activation's name -> the torch.nn module of the same function (None: no module, identity),
# from the op table's rows.
TORCH_ACTIVATIONS = {"identity": None, **{unary_name(op): op.torch for op in UNARY_OPS if op.torch}}


def require_torch():
    try:
        import torch
    except ImportError:
        raise ImportError("this needs PyTorch, which is not installed: pip install torch") from None
    return torch


def to_torch(model: MLP):
    """`model` as a torch.nn.Sequential of float64 Linear layers and activations, with its weights."""
    torch = require_torch()
    modules = []
    for i, layer in enumerate(model.layers):
        first = layer.neurons[0]
        linear = torch.nn.Linear(len(first.w), len(layer.neurons), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        name = first.activation
        if name not in TORCH_ACTIVATIONS:
            raise ValueError(
                f"layer {i}'s activation {name!r} has no torch.nn module; to_torch knows {', '.join(TORCH_ACTIVATIONS)}"
            )
        if TORCH_ACTIVATIONS[name] is not None:
            modules.append(getattr(torch.nn, TORCH_ACTIVATIONS[name])())
    return torch.nn.Sequential(*modules)


def from_torch(sequential) -> MLP:
    """An MLP with the weights of a Sequential of Linear layers, each followed by at most one
    activation; the hidden layers must share one activation (an MLP has one for all of them)."""
    torch = require_torch()
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, got {type(sequential).__name__}")
    by_module = {module: name for name, module in TORCH_ACTIVATIONS.items() if module is not None}
    layers: list[tuple[object, str]] = []  # (Linear, activation name)
    for i, module in enumerate(sequential):
        kind = type(module).__name__
        if isinstance(module, torch.nn.Linear):
            layers.append((module, "identity"))
        elif kind in by_module and layers and layers[-1][1] == "identity":
            if kind == "LeakyReLU" and module.negative_slope != 0.01:
                raise ValueError(f"layer {i}: LeakyReLU with slope {module.negative_slope}; an MLP's is 0.01")
            layers[-1] = (layers[-1][0], by_module[kind])
        else:
            where = "before any Linear or after another activation" if kind in by_module else "not representable"
            raise ValueError(
                f"from_torch cannot represent layer {i} ({kind}): {where}. An MLP is Linear layers, each followed "
                f"by at most one of {', '.join(by_module)}"
            )
    if not layers:
        raise ValueError("from_torch got a Sequential with no Linear layer")
    hidden = {name for _, name in layers[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"the hidden layers have different activations ({', '.join(sorted(hidden))}): an MLP has one")
    for (before, _), (after, _) in zip(layers, layers[1:]):
        if before.out_features != after.in_features:
            raise ValueError(
                f"Linear sizes do not chain: {before.out_features} outputs into {after.in_features} inputs"
            )
    model = MLP(
        layers[0][0].in_features,
        [linear.out_features for linear, _ in layers],
        activation=hidden.pop() if hidden else "relu",
        output_activation=layers[-1][1],
    )
    for layer, (linear, _) in zip(model.layers, layers):
        weight = linear.weight.detach().to(torch.float64).tolist()
        bias = linear.bias.detach().to(torch.float64).tolist() if linear.bias is not None else [0.0] * len(weight)
        for neuron, row, b in zip(layer.neurons, weight, bias):
            for w, value in zip(neuron.w, row):
                w.data = value
            neuron.b.data = b
    return model
