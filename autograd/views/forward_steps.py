"""Watch forward mode: `jvp_steps` tells how each node's tangent is made, parents first.

The inputs move along a direction, x_i + t * v_i, and every node moves with them: its
tangent is d node/dt at t = 0. The sentences write it so, in Leibniz's form, as the
backward sentences write dL/d node (a dot, ṅ, would not sit on names such as x1*w1):

    >>> for step in jvp_steps(lambda x: (x[0] * x[1]).tanh(), [2.0, -0.4], [1.0, 0.0]):
    ...     print(step)
    dx0/dt = 1, x0's part of the direction
    dx1/dt = 0, x1's part of the direction
    d(x0*x1)/dt = d(x0*x1)/dx0 * dx0/dt + d(x0*x1)/dx1 * dx1/dt = (-0.4) * 1 + 2 * 0 = -0.4
    d(tanh(x0*x1))/dt = d(tanh(x0*x1))/d(x0*x1) * d(x0*x1)/dt = (1 - (-0.664)^2) * (-0.4) = -0.2236

The numbers come from the engine's forward mode (autograd.functional: `tangents_along`,
`tangent_terms`), the local derivatives' formulas from the op table, the names from the
graph's `Drawing` (one sort); this module only writes them down. It is a view, the twin of
explain.py's `backward_steps` (whose naming helpers it borrows); it starts from a function,
as `jvp` does, not from a root.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from autograd.engine import Value
from autograd.functional import _call, _directed_leaves, tangent_terms, tangents_along
from autograd.ops import number_in_formula
from autograd.views.drawing import Drawing
from autograd.views.explain import _d, _wrapped
from autograd.views.notation import exact, number


@dataclass
class TangentStep:
    """One node of forward mode: d node/dt = sum of local * d parent/dt over its parents.

    index: the node's place in the forward order; tangent: d node/dt; terms: for each parent
    that has a tangent (one made from an input), (parent index, parent, local = d node/d parent,
    d parent/dt, contribution = local * d parent/dt). An input's step has no terms: its tangent
    is its part of the direction; another leaf (a constant, a weight f closes over) or a node made
    from no input has none either, and tangent 0.
    """

    index: int
    node: Value
    tangent: float
    terms: list[tuple[int, Value, float, float, float]]
    text: str = field(repr=False)
    exact: str = field(default="", repr=False)  # the sentence with every number in full (shown on hover)

    def __str__(self) -> str:
        return self.text


def jvp_steps(
    f: Callable[[list[Value]], Value],
    inputs: Sequence[float],
    tangents: Sequence[float],
    notation: str | None = None,
) -> Iterator[TangentStep]:
    """jvp(f, inputs, tangents), one node at a time in forward order: an iterator of TangentStep, one a node.

    The last step's tangent is jvp's derivative. f is called once, on fresh leaves x0, x1, ...;
    notation names the nodes as the other views do ("paths", the default; "notes", the notes'
    x₀, x₀·x₁). The arguments are checked here, before the first step is asked for.
    """
    leaves, direction = _directed_leaves(inputs, tangents, "jvp_steps")
    drawing = Drawing(_call(f, leaves, "jvp_steps"), notation=notation or "paths")
    return _steps(drawing, direction, tangents_along(drawing.order, direction))


def _steps(drawing: Drawing, direction: dict[Value, float], tangent: dict[Value, float]) -> Iterator[TangentStep]:
    names = drawing.names
    for index, node in enumerate(drawing.order):
        name = _d(names[node])
        if node in direction:
            said = f"{name}/dt = {{}}, {names[node]}'s part of the direction"
            short, full = said.format(number(tangent[node])), said.format(exact(tangent[node]))
            yield TangentStep(index, node, tangent[node], [], short, full)
            continue
        if node not in tangent:
            said = f"{name}/dt = 0, " + ("not one of the inputs" if not node.parents else "made from no input")
            yield TangentStep(index, node, 0.0, [], said, said)
            continue
        terms = [(i, parent, local, tangent[parent], contribution)
                 for i, parent, local, contribution in tangent_terms(node, tangent)]  # fmt: skip
        rule = " + ".join(f"{name}/{_d(names[parent])} * {_d(names[parent])}/dt" for _, parent, _, _, _ in terms)
        head = f"{name}/dt = {rule} = "
        yield TangentStep(index, node, tangent[node], terms,
                          f"{head}{_products(node, terms, False)} = {number(tangent[node])}",
                          f"{head}{_products(node, terms, True)} = {exact(tangent[node])}")  # fmt: skip


def _products(node: Value, terms: list, full: bool) -> str:
    """The sum of local * d parent/dt in numbers, each local as its op's formula: (1 - 0.7071^2) * (-6) + ..."""
    return " + ".join(f"{_wrapped(node.op.formula(i, node, exact=full))} * {number_in_formula(parent_tangent, full)}"
                      for i, _, _, parent_tangent, _ in terms)  # fmt: skip
