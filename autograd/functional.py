"""Derivatives as values: `grad` (also of a grad), the `hessian`, `gradcheck`, and forward mode's `jvp`.

`grad` runs the same chain rule as `Value.backward`, but keeps the adjoints
(dL/d node) in a dict instead of adding them to `.grad`. With
`create_graph=True` each local derivative is rebuilt as a Value from the op's
`derivative` (the same formula stored at forward time), so the result is itself
a graph that can be differentiated again: that is all second derivatives need.

`jvp` runs the chain rule the other way, from the inputs up: the same local
derivatives, multiplied by tangents (d node/dt along one direction of the inputs)
instead of adjoints. One pass gives one directional derivative, so a gradient of P
inputs takes P passes where backward takes one (demos.forward_vs_reverse counts them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from numbers import Real

from autograd.engine import Value, chain_rule, derivative_graph, short_number, topological_order


def grad(output: Value, inputs: Sequence[Value], create_graph: bool = False) -> list:
    """d output / d x for each x in `inputs`, as a list; no `.grad` is touched.

    Floats by default. With `create_graph=True`, Values that record how they were
    computed, so `grad(grad(f, [x], create_graph=True)[0], [x])` is f''(x).
    An input that `output` does not depend on gets 0.0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() output must be a Value, got {type(output).__name__} {output!r}")
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad() inputs must be Values, got {type(x).__name__} {x!r} at position {i}")

    # A derivative's graph takes +-inf where a user's op would raise, as PyTorch's gradients do.
    with derivative_graph() if create_graph else nullcontext():
        return _adjoints(output, inputs, create_graph)


def _adjoints(output: Value, inputs: list[Value], create_graph: bool) -> list:
    """d output / d x for each input, from the adjoints of output's graph."""
    adjoint = adjoints(topological_order(output), create_graph)
    zero = Value(0.0) if create_graph else 0.0
    return [_as_result(adjoint.get(x, zero), create_graph) for x in inputs]


def adjoints(order: list[Value], create_graph: bool = False) -> dict[Value, float | Value]:
    """dL/d node for the nodes of a topological order that lie on a path from its root (the last
    node, L): the chain rule from the root down, with the adjoints kept in a dict, not in .grad.
    With create_graph, each local derivative is the op's formula on Values, so the adjoints are
    graphs too."""
    root = order[-1]
    adjoint: dict[Value, float | Value] = {root: Value(1.0) if create_graph else 1.0}
    for node in reversed(order):
        upstream = adjoint.get(node)
        if upstream is None or not node.parents:  # not on a path from the root, or a leaf
            continue
        locals_ = node.op.derivative(node, *node.parents) if create_graph else None  # the formula, on Values
        for _, parent, _, contribution in chain_rule(node, upstream, locals_):
            adjoint[parent] = adjoint[parent] + contribution if parent in adjoint else contribution
    return adjoint


def _as_result(derivative: float | Value, create_graph: bool) -> float | Value:
    # A local derivative can be a plain number (d(a+b)/da = 1), so an adjoint can be too.
    if create_graph and not isinstance(derivative, Value):
        return Value(derivative)
    return derivative


def _numbers(xs: Sequence[float], who: str, name: str = "xs") -> list[float]:
    """xs as a list of floats, or a TypeError naming the argument and the first thing that is not a number."""
    if isinstance(xs, (Value, Real, str, bytes)) or not hasattr(xs, "__iter__"):
        raise TypeError(f"{who}() {name} must be a list of numbers, got {type(xs).__name__} {xs!r}")
    xs = list(xs)
    for i, x in enumerate(xs):
        if x.__class__ is not float and (isinstance(x, Value) or not isinstance(x, Real)):  # floats: the quick way
            raise TypeError(f"{who}() {name} must be numbers, got {type(x).__name__} {x!r} at position {i}")
    return [float(x) for x in xs]


def _leaves(xs: Sequence[float], who: str, name: str = "xs") -> list[Value]:
    """Fresh leaf Values x0, x1, ... at the points `xs`, checked to be numbers."""
    return [Value(x, label=f"x{i}") for i, x in enumerate(_numbers(xs, who, name))]


def _call(f: Callable, inputs: list[Value], who: str) -> Value:
    out = f(inputs)
    if not isinstance(out, Value):
        raise TypeError(f"{who}() f must return a Value, got {type(out).__name__} {out!r}")
    return out


def hessian(f: Callable[[list[Value]], Value], xs: Sequence[float]) -> list[list[float]]:
    """H[i][j] = d^2 f / dx_i dx_j at the point `xs`, as an n x n list of lists.

    Differentiates the gradient graph once more: row i is grad(df/dx_i, xs).
    """
    inputs = _leaves(xs, "hessian")
    return gradient_and_hessian(_call(f, inputs, "hessian"), inputs)[1]


def gradient_and_hessian(output: Value, inputs: Sequence[Value]) -> tuple[list[float], list[list[float]]]:
    """(d output / d x_i, d^2 output / dx_i dx_j) for the given inputs, as floats: the gradient's
    graph is built once (create_graph) and differentiated again, one row per input."""
    first = grad(output, inputs, create_graph=True)
    return [g.data for g in first], [grad(df_dxi, inputs) for df_dxi in first]


def gradcheck(
    f: Callable[[list[Value]], Value],
    xs: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Compare `grad` with central differences (f(x + eps) - f(x - eps)) / (2 eps).

    Returns True when |analytic - numeric| <= atol + rtol * |numeric| for every
    input; otherwise raises AssertionError with a table of all of them.
    """
    for name, value, smallest in (("eps", eps, "> 0"), ("atol", atol, ">= 0"), ("rtol", rtol, ">= 0")):
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"gradcheck() {name} must be a number, got {type(value).__name__} {value!r}")
        if not math.isfinite(value) or value < 0 or (name == "eps" and value == 0):
            raise ValueError(f"gradcheck() {name} must be a finite number {smallest}, got {value!r}")
    inputs = _leaves(xs, "gradcheck")
    analytic = grad(_call(f, inputs, "gradcheck"), inputs)
    point = [x.data for x in inputs]

    def f_at(shifted: list[float]) -> float:
        return _call(f, [Value(v) for v in shifted], "gradcheck").data

    numeric = []
    for i in range(len(point)):
        up, down = list(point), list(point)
        up[i] += eps
        down[i] -= eps
        numeric.append((f_at(up) - f_at(down)) / (2 * eps))

    bad = [
        i
        for i, (a, n) in enumerate(zip(analytic, numeric))
        if not abs(a - n) <= atol + rtol * abs(n)  # `not <=` also catches nan
    ]
    if bad:
        rows = [f"{'input':>6} {'x':>12} {'analytic':>14} {'numeric':>14} {'difference':>12}"]
        for i, (x, a, n) in enumerate(zip(point, analytic, numeric)):
            mark = "  <-- mismatch" if i in bad else ""
            rows.append(f"{'x' + str(i):>6} {short_number(x):>12} {a:>14.6g} {n:>14.6g} {abs(a - n):>12.3g}{mark}")
        raise AssertionError(
            f"gradcheck failed for {len(bad)} of {len(point)} inputs (eps={eps}, atol={atol}, rtol={rtol}):\n"
            + "\n".join(rows)
        )
    return True


# --- forward mode: tangents, from the inputs up --------------------------------------------------


def jvp(f: Callable[[list[Value]], Value], inputs: Sequence[float], tangents: Sequence[float]) -> tuple[float, float]:
    """(f(inputs), df/dt): f and its derivative along the direction `tangents`, by one forward-mode pass.

    df/dt is the derivative of t -> f(inputs + t * tangents) at t = 0, which is the gradient of
    f dotted with the direction (torch.func.jvp's answer). f takes a list of Values, as hessian's
    and gradcheck's f; it is called once, on fresh leaves x0, x1, ... Tangents may be nan or
    +-inf: they go through IEEE arithmetic, as in PyTorch, and a nan never turns into a number.
    As in backward, a local derivative times a tangent is a product, not a mask: relu(x) at x < 0
    with a nan or inf tangent gives nan, where PyTorch's relu selects 0.
    """
    leaves, direction = _directed_leaves(inputs, tangents, "jvp")
    out = _call(f, leaves, "jvp")
    return out.data, tangents_along(topological_order(out), direction).get(out, 0.0)


def _directed_leaves(
    inputs: Sequence[float], tangents: Sequence[float], who: str
) -> tuple[list[Value], dict[Value, float]]:
    """Fresh leaves x0, x1, ... at `inputs`, and the direction: each leaf's tangent, checked to be numbers."""
    leaves = _leaves(inputs, who, "inputs")
    speeds = _numbers(tangents, who, "tangents")
    if len(speeds) != len(leaves):
        raise ValueError(
            f"{who}() takes one tangent per input, the direction to differentiate along: "
            f"got {len(leaves)} inputs and {len(speeds)} tangents"
        )
    return leaves, dict(zip(leaves, speeds))


def tangents_along(order: list[Value], direction: dict[Value, float]) -> dict[Value, float]:
    """d node/dt for each node of a topological order (parents first) made from a leaf of `direction`
    (leaf -> its tangent): forward mode's chain rule, node by node,

        d node/dt = sum over its parents p of  d node/d p * d p/dt

    A node made from none of those leaves (a constant) has no tangent, as in PyTorch's jvp: its d/dt
    is 0 and it adds nothing, even along a local derivative of inf (sqrt of a constant 0)."""
    tangent = dict(direction)
    for node in order:
        if node in tangent:  # one of the leaves of the direction
            continue
        total = None
        for _, _, _, contribution in tangent_terms(node, tangent):
            total = contribution if total is None else total + contribution
        if total is not None:
            tangent[node] = total
    return tangent


def tangent_terms(node: Value, tangent: dict[Value, float]) -> Iterator[tuple[int, Value, float, float]]:
    """One node's part of forward mode: (parent index, parent, local, contribution) for each parent that
    has a tangent, where local = d node/d parent and contribution = local * d parent/dt. They add up to
    d node/dt; `tangents_along` and the step-through (autograd.views.forward_steps) read them from here."""
    for index, (parent, local) in enumerate(zip(node.parents, node.locals)):
        parent_tangent = tangent.get(parent)
        if parent_tangent is not None:
            yield index, parent, local, local * parent_tangent
