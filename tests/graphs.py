"""Graphs the tests share, built here rather than taken from the demos (a demo may change)."""

import math

from autograd import Value

NEURON_POINT = [2.0, 0.0, -3.0, 1.0, 6.8813735870195432]  # x1, x2, w1, w2, b: n = 0.8814, o = 0.7071

# The functions the op table's formulas call (tests/test_ops.py and tests/test_jvp.py evaluate them).
FORMULA_NAMES = {
    "sigmoid": lambda x: 1 / (1 + math.exp(-x)),
    "cos": math.cos,
    "sin": math.sin,
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "max": max,
    "abs": abs,
    "Phi": lambda x: 0.5 * (1 + math.erf(x / math.sqrt(2))),
    "phi": lambda x: math.exp(-x * x / 2) / math.sqrt(2 * math.pi),
    "pi": math.pi,
}


def neuron(v: list[Value]) -> Value:
    """o = tanh(x1*w1 + x2*w2 + b) on the leaves v = [x1, x2, w1, w2, b], every node labelled as the
    lecture does (a function of a list of Values, as jvp, hessian and gradcheck take)."""
    x1, x2, w1, w2, b = v
    for leaf, name in zip(v, ("x1", "x2", "w1", "w2", "b")):
        leaf.label = name
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def classic_neuron() -> Value:
    """The lecture's neuron, o = tanh(x1*w1 + x2*w2 + b) at x1 = 2, x2 = 0, w1 = -3, w2 = 1,
    b = 6.8813735870195432 (n = 0.8814, o = 0.7071), every node labelled."""
    return neuron([Value(x) for x in NEURON_POINT])
