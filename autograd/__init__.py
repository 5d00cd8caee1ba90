"""A scalar reverse-mode autodiff engine for learning backpropagation.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> x.grad   # d tanh(x^2)/dx = (1 - tanh(x^2)^2) * 2x

`Value` records each operation; `backward()` runs the chain rule over the graph
in topological order. `grad`, `hessian` and `gradcheck` give derivatives as
numbers, `no_grad()` turns recording off. `v.backward_steps()`, `explain` and
`trace_table` show the chain rule step by step; `draw_graph`, `render` and
`export_html` draw the graph (Graphviz is imported only then).
"""

from autograd.engine import (
    Op,
    Value,
    is_recording,
    linear,
    make_node,
    no_grad,
    topological_order,
)
from autograd.explain import backward_steps, explain, trace_table
from autograd.function import Function, cos, erf, exp, log, sigmoid, sin, sqrt, tanh
from autograd.functional import grad, gradcheck, hessian
from autograd.page import export_html
from autograd.render import draw_graph, render

__all__ = [
    "Function",
    "cos",
    "erf",
    "exp",
    "log",
    "sigmoid",
    "sin",
    "sqrt",
    "tanh",
    "Op",
    "Value",
    "backward_steps",
    "draw_graph",
    "explain",
    "export_html",
    "grad",
    "gradcheck",
    "hessian",
    "is_recording",
    "linear",
    "make_node",
    "no_grad",
    "render",
    "topological_order",
    "trace_table",
]
