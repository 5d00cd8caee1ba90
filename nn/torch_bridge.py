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


# The options of each activation module with which it computes what the MLP's activation does.
# Softplus's threshold=20 is PyTorch's default: above it PyTorch returns x itself, which differs
# from log(1 + e^x) by less than 2.1e-9.
TORCH_OPTIONS = {"LeakyReLU": {"negative_slope": 0.01}, "GELU": {"approximate": "none"},
                 "Softplus": {"beta": 1.0, "threshold": 20.0}}  # fmt: skip


def from_torch(sequential) -> MLP:
    """An MLP with the weights of a Sequential of Linear layers, each followed by at most one
    activation; the hidden layers must share one activation (an MLP has one for all of them).

    Only what an MLP computes exactly is taken: torch.nn's own Linear and activation classes
    (not a subclass, nor a class of the same name), with the options above, no forward hooks,
    and finite real weights of Linear's shapes. Anything else is a ValueError naming the layer."""
    torch = require_torch()
    if not isinstance(sequential, torch.nn.Sequential):
        raise TypeError(f"from_torch takes a torch.nn.Sequential, got {type(sequential).__name__}")
    _refuse_changed_forward(sequential, torch.nn.Sequential, "the Sequential", torch)
    by_module = {getattr(torch.nn, module): name for name, module in TORCH_ACTIVATIONS.items() if module is not None}
    names = ", ".join(module.__name__ for module in by_module)
    layers: list[tuple[object, str]] = []  # (Linear, activation name)
    for i, module in enumerate(sequential):
        kind = type(module)
        where = f"layer {i} ({kind.__name__})"
        if isinstance(module, torch.nn.Linear):
            _refuse_changed_forward(module, torch.nn.Linear, where, torch)
            _check_weights(module, where, torch)
            layers.append((module, "identity"))
        elif kind in by_module and layers and layers[-1][1] == "identity":
            _refuse_changed_forward(module, kind, where, torch)
            for option, value in TORCH_OPTIONS.get(kind.__name__, {}).items():
                if getattr(module, option) != value:
                    raise ValueError(
                        f"from_torch cannot represent {where} with {option}={getattr(module, option)!r}: an MLP's "
                        f"{by_module[kind]} is {kind.__name__}({option}={value!r})"
                    )
            layers[-1] = (layers[-1][0], by_module[kind])
        else:
            problem = "before any Linear or after another activation" if kind in by_module else "not representable"
            if kind not in by_module and kind.__name__ in {module.__name__ for module in by_module}:
                problem = f"a class named {kind.__name__} that is not torch.nn's, so it may compute anything"
            raise ValueError(
                f"from_torch cannot represent {where}: {problem}. An MLP is torch.nn.Linear layers, each "
                f"followed by at most one of torch.nn's {names}"
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


def _refuse_changed_forward(module, base: type, where: str, torch) -> None:
    """A module computes what `base` computes only if it runs base's forward, with no hook around it."""
    kind = type(module)
    if kind.forward is not base.forward or kind.__call__ is not base.__call__:
        raise ValueError(
            f"from_torch cannot represent {where}: {kind.__name__} is a subclass of torch.nn.{base.__name__} with "
            "its own forward, which an MLP would not run"
        )
    hooks = {
        "forward hook": module._forward_hooks,
        "forward pre-hook": module._forward_pre_hooks,
        "global forward hook": getattr(torch.nn.modules.module, "_global_forward_hooks", {}),
        "global forward pre-hook": getattr(torch.nn.modules.module, "_global_forward_pre_hooks", {}),
    }
    for what, registered in hooks.items():
        if registered:
            raise ValueError(f"from_torch cannot represent {where}: it has a {what}, which an MLP would not run")


def _check_weights(linear, where: str, torch) -> None:
    """Real, finite weights of the shapes Linear's sizes say."""
    shapes = {"weight": (linear.out_features, linear.in_features), "bias": (linear.out_features,)}
    for name, shape in shapes.items():
        tensor = getattr(linear, name)
        if tensor is None:
            continue
        if tensor.is_complex():
            raise ValueError(f"from_torch cannot represent {where}: its {name} is complex ({tensor.dtype})")
        if tuple(tensor.shape) != shape:
            raise ValueError(
                f"from_torch cannot represent {where}: its {name} has shape {tuple(tensor.shape)}, "
                f"not {shape} (in_features={linear.in_features}, out_features={linear.out_features})"
            )
        if not torch.isfinite(tensor.detach()).all():
            raise ValueError(f"from_torch cannot represent {where}: its {name} has values that are not finite")
