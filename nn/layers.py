"""Neuron, Layer, MLP and Dropout, made of `Value` nodes.

A neuron is written as the notes write it (seeds 002-004): the pre-activation
z = w.x + b, then the activation h = phi(z). By default z is one node (the
engine's `linear` op, parents w, x and b), so a drawn MLP shows one z and one h
per neuron, labelled `layers.0.neurons.1.z` and `...h`. `expand=True` builds
micrograd's chain of `*` and `+` nodes instead, for the lecture that walks every
multiply; values and gradients are the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING

from autograd import Value, linear
from autograd.engine import UNARY_FUNCTIONS
from autograd.ops import UNARY_OPS, unary_name
from nn.init import generator, initial_weights
from nn.module import Module

if TYPE_CHECKING:
    import torch

Activation = Callable[[Value], Value]


def identity(z: Value) -> Value:
    """phi(z) = z: no activation (a linear output layer)."""
    return z


# The activations by name: identity, then the engine's ops that serve as one (their rows say so).
ACTIVATIONS: dict[str, Activation] = {
    "identity": identity,
    **{unary_name(op): UNARY_FUNCTIONS[unary_name(op)] for op in UNARY_OPS if op.activation},
}


def activation_function(activation: str | Activation) -> Activation:
    """The function for an activation name, or the callable itself."""
    if callable(activation):
        return activation
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)} or a callable")
    return ACTIVATIONS[activation]


def is_list(x: object) -> bool:
    """A list, a tuple or a numpy array of things: not one number or Value, not a string or a mapping."""
    return (
        not isinstance(x, (Value, Real, str, bytes, bytearray, Mapping))
        and hasattr(x, "__len__")
        and hasattr(x, "__getitem__")
    )


def _with_nonlin(activation: str | Activation | None, nonlin: bool | None, who: str) -> str | Activation:
    """The activation from `activation=` or micrograd's `nonlin=` (True: relu, False: identity); relu by default."""
    if nonlin is None:
        return "relu" if activation is None else activation
    if activation is not None:
        raise ValueError(f"{who} takes activation= or micrograd's nonlin=, not both")
    if not isinstance(nonlin, bool):
        raise TypeError(f"{who} nonlin must be True (relu) or False (identity), got {nonlin!r}")
    return "relu" if nonlin else "identity"


def _size(size: object, expected: str) -> int:
    """A count (of inputs, neurons) checked to be a whole number >= 1; numpy integers welcome."""
    if isinstance(size, bool) or not isinstance(size, Integral) or size < 1:
        raise ValueError(f"{expected}, got {size!r}")
    return int(size)


def _activation_name(activation: str | Activation) -> str:
    return activation if isinstance(activation, str) else getattr(activation, "__name__", "custom")


def as_inputs(x: Sequence[Value | float], nin: int, who: str) -> list[Value]:
    """Check that x holds nin numbers or Values (a list, a tuple, a numpy row); numbers become leaves x1, x2, ..."""
    if isinstance(x, (Value, Real, str)) or not hasattr(x, "__len__") or not hasattr(x, "__iter__"):
        raise TypeError(f"{who} takes a list of {nin} numbers or Values, got {type(x).__name__} {x!r}")
    x = list(x)
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    inputs = []
    for i, xi in enumerate(x):
        if isinstance(xi, Value):
            inputs.append(xi)
        elif isinstance(xi, Real):
            inputs.append(Value(xi, label=f"x{i + 1}"))  # x1, x2, ...: the notes count from 1
        else:
            raise TypeError(f"{who} input {i} must be a number or a Value, got {type(xi).__name__} {xi!r}")
    return inputs


class Neuron(Module):
    """h = phi(w.x + b): nin weights, a bias (starting at 0) and an activation (relu unless
    `activation=` names another, or micrograd's `nonlin=False` asks for none)."""

    def __init__(
        self,
        nin: int,
        activation: str | Activation | None = None,
        init: str = "uniform",
        expand: bool = False,
        fan_out: int = 1,
        nonlin: bool | None = None,
    ) -> None:
        nin = _size(nin, "Neuron needs a whole number of inputs >= 1")
        activation = _with_nonlin(activation, nonlin, "Neuron")
        self.phi = activation_function(activation)
        self.activation = _activation_name(activation)
        self.init = init
        self.expand = expand
        self.w = [Value(x) for x in initial_weights(init, nin, fan_out, self.activation)]
        self.b = Value(0.0)

    def forward(self, x: Sequence[Value | float]) -> Value:
        x = as_inputs(x, len(self.w), f"Neuron({len(self.w)})")
        return self.fire(x, [xi.data for xi in x])

    def fire(self, x: list[Value], x_data: list[float]) -> Value:
        """The neuron on checked inputs x (and their data): z, then h (h is z itself for 'identity')."""
        if self.expand:
            z = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)  # micrograd's chain
        else:
            z = linear(self.w, x, self.b, x_data)
        # The label's slot itself, not Value.label's checking setter: these names are strs, and
        # the check would cost 2% of a training step (two labels a neuron, every forward pass).
        z._label = f"{self.name}.z" if self.name else "z"
        h = self.phi(z)
        if h is not z:
            h._label = f"{self.name}.h" if self.name else "h"
        return h

    def extra_repr(self) -> str:
        expand = ", expand=True" if self.expand else ""
        return f"{len(self.w)} inputs, {self.activation}, init={self.init}{expand}"


class Layer(Module):
    """nout neurons that all see the same nin inputs."""

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: str | Activation | None = None,
        init: str = "uniform",
        expand: bool = False,
        nonlin: bool | None = None,
    ) -> None:
        nout = _size(nout, "Layer needs a whole number of neurons >= 1")
        activation = _with_nonlin(activation, nonlin, "Layer")
        self.neurons = [Neuron(nin, activation, init, expand, fan_out=nout) for _ in range(nout)]

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        x = as_inputs(x, len(self.neurons[0].w), f"Layer({len(self.neurons[0].w)}, {len(self.neurons)})")
        out = self.fire(x)
        return out[0] if len(out) == 1 else out

    def fire(self, x: list[Value]) -> list[Value]:
        """Every neuron on the checked inputs x; their data is read once, for all of them."""
        x_data = [xi.data for xi in x]
        return [n.fire(x, x_data) for n in self.neurons]

    def extra_repr(self) -> str:
        first = self.neurons[0]
        return f"{len(first.w)} -> {len(self.neurons)}, {first.activation}"

    def __repr__(self) -> str:  # one line: a layer's neurons all look alike
        return f"Layer({self.extra_repr()})"


class MLP(Module):
    """A multilayer perceptron: MLP(2, [16, 16, 1]) is 2 inputs, two hidden layers of 16, 1 output.

    Hidden layers use `activation` (or micrograd's `nonlin=True`: relu, False: none), the
    last one `output_activation`, as micrograd's MLP, whose last layer is linear.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Activation | None = None,
        output_activation: str | Activation = "identity",
        init: str = "uniform",
        expand: bool = False,
        nonlin: bool | None = None,
    ) -> None:
        nin = _size(nin, "MLP needs a whole number of inputs >= 1")
        activation = _with_nonlin(activation, nonlin, "MLP")
        if not is_list(nouts) or len(nouts) == 0:
            raise ValueError(f"MLP needs a list of layer sizes such as [16, 16, 1], got {nouts!r}")
        nouts = [_size(size, "MLP layer sizes must be whole numbers >= 1") for size in nouts]
        activation_function(activation)  # checked even when there is no hidden layer to use it
        activation_function(output_activation)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < len(nouts) - 1 else output_activation, init, expand)
            for i in range(len(nouts))
        ]

    def forward(self, x: Sequence[Value | float]) -> Value | list[Value]:
        x = as_inputs(x, len(self.layers[0].neurons[0].w), f"MLP({len(self.layers[0].neurons[0].w)}, ...)")
        for layer in self.layers:
            x = layer.fire(x)
        return x[0] if len(x) == 1 else x

    def to_torch(self) -> torch.nn.Sequential:
        """This network as a `torch.nn.Sequential` (float64) with the same weights: see nn.torch_bridge."""
        from nn.torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, sequential) -> MLP:
        """An MLP with the weights of a `torch.nn.Sequential` of Linear layers and activations."""
        from nn.torch_bridge import from_torch

        return from_torch(sequential)

    def extra_repr(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        return f"{len(self.layers[0].neurons[0].w)} -> {sizes}, {self.num_parameters()} parameters"


class Dropout(Module):
    """In training, zero each input with probability p and scale the rest by 1/(1-p); in eval, pass all."""

    def __init__(self, p: float = 0.5) -> None:
        if isinstance(p, bool) or not isinstance(p, Real) or not 0 <= p < 1:
            raise ValueError(f"Dropout probability must be in [0, 1), got {p!r}")
        self.p = float(p)

    def forward(self, x: Sequence[Value]) -> list[Value]:
        if not self.training or self.p == 0:
            return list(x)
        keep = 1.0 / (1.0 - self.p)
        return [xi * (0.0 if generator.random() < self.p else keep) for xi in x]

    def extra_repr(self) -> str:
        return f"p={self.p:g}"
