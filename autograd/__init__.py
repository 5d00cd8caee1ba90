"""A scalar reverse-mode autodiff engine for learning backpropagation.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> x.grad   # d tanh(x^2)/dx = (1 - tanh(x^2)^2) * 2x

`Value` records each operation; `backward()` runs the chain rule over the graph
in topological order. `grad`, `hessian` and `gradcheck` give derivatives as
numbers, `no_grad()` turns recording off.
"""

from autograd.engine import ManyInputValue, Op, Value, is_recording, linear, no_grad, topological_order
from autograd.functional import grad, gradcheck, hessian

__all__ = [
    "ManyInputValue",
    "Op",
    "Value",
    "grad",
    "gradcheck",
    "hessian",
    "is_recording",
    "linear",
    "no_grad",
    "topological_order",
]
