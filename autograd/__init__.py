"""A scalar reverse-mode autodiff engine for learning backpropagation.

    >>> from autograd import Value
    >>> x = Value(2.0, label="x")
    >>> y = (x * x).tanh()
    >>> y.backward()
    >>> x.grad   # d tanh(x^2)/dx = (1 - tanh(x^2)^2) * 2x

`Value` records each operation; `backward()` runs the chain rule over the graph
in topological order. `grad`, `hessian` and `gradcheck` give derivatives as
numbers, `jvp` one directional derivative by forward mode (`jvp_steps` tells it node by
node), `no_grad()` turns recording off. `v.backward_steps()`, `explain` and
`trace_table` show the chain rule step by step; `draw_graph`, `render` and
`export_html` draw the graph (Graphviz is imported only then), `export_slides` writes
the step-through as a PDF deck, frames, a GIF, an MP4, a PPTX or a handout.

The engine is autograd/engine.py (Value, backward), ops.py (the op table: each op's
forward, derivative and rule), function.py (your own op) and functional.py (grad,
hessian, jvp); the views that explain it are in autograd/views/, the exercises in
autograd/exercises/.
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
from autograd.function import Function, cos, erf, exp, log, sigmoid, sin, sqrt, tanh
from autograd.functional import grad, gradcheck, hessian, jvp
from autograd.views.drawing import Drawing
from autograd.views.explain import backward_steps, explain, trace_table
from autograd.views.forward_steps import jvp_steps
from autograd.views.page import export_html
from autograd.views.render import draw_graph, render
from autograd.views.slides import export_slides
from autograd.views.stepper import stepper

__all__ = [
    "Drawing",
    "Function",
    "cos",
    "erf",
    "exp",
    "log",
    "sigmoid",
    "sin",
    "sqrt",
    "stepper",
    "tanh",
    "Op",
    "Value",
    "backward_steps",
    "draw_graph",
    "explain",
    "export_html",
    "export_slides",
    "grad",
    "gradcheck",
    "hessian",
    "is_recording",
    "jvp",
    "jvp_steps",
    "linear",
    "make_node",
    "no_grad",
    "render",
    "topological_order",
    "trace_table",
]

import os as _os

# Another package on PyPI is called `autograd` (HIPS autograd, widely installed). pip
# installs both into one folder when both are in one environment, and each then
# breaks the other. Its files beside ours mean that happened: say so, and the fix.
_FOREIGN = [name for name in ("core.py", "tracer.py", "wrap_util.py", "numpy") if
            _os.path.exists(_os.path.join(_os.path.dirname(__file__), name))]  # fmt: skip
if _FOREIGN:
    raise ImportError(
        f"the folder {_os.path.dirname(__file__)} holds this project's autograd and files of another package "
        f"named autograd ({', '.join(_FOREIGN)}: HIPS autograd), which pip installed into the same folder. "
        "Give backprop-lab a virtualenv of its own (`make demo` or `make test` makes .venv), or run "
        "`pip uninstall autograd backprop-lab` and then reinstall backprop-lab"
    )
