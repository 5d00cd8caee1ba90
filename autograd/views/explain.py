"""Watch the chain rule: backward one step at a time, every path to a node, the trace table.

Everything here reads what the engine stored at forward time (each node's parents,
the local derivative of each edge, its op's rule) through the engine's `chain_rule`,
and names nodes as the graph's `Drawing` does. Nothing has its own copy of the
calculus. Each function takes a root Value, or a Drawing of it (then nothing is
sorted again).

    >>> for step in o.backward_steps():
    ...     print(step)
    o.grad = dL/dL = 1.0000  (the seed: L is o)
    n.grad += do/dn * dL/do = (1 - 0.7071^2) * 1.0000 = 0.5000
    ...
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field

from autograd.engine import Value, chain_rule, grads_set_aside, seed_of
from autograd.functional import adjoints
from autograd.ops import number_in_formula
from autograd.views.drawing import Drawing, drawing_of
from autograd.views.notation import exact, fixed, number, spoken

_OPERATORS = set(" +-*/·()^,=<>|")  # a name with one of these is an expression: d(x1*w1), (x1*w1).grad


def _atomic(name: str) -> bool:
    """A name that needs no parentheses: no operator in it, and not a number (3.0 would read 3.0.grad)."""
    return not _OPERATORS.intersection(name) and not name[:1].isdigit()


def _d(name: str) -> str:
    """'d' + name, with parentheses around an expression or a dotted path: dn, dw⁽¹⁾₁₁, d(x1*w1),
    d(layers.0.neurons.0.z)."""
    return f"d{name}" if _atomic(name) and "." not in name else f"d({name})"


def _grad_of(name: str) -> str:
    """name.grad, with parentheses around an expression: layers.0.neurons.0.b.grad, (x1*w1 + x2*w2).grad."""
    return f"{name}.grad" if _atomic(name) else f"({name}).grad"


def _wrapped(formula: str) -> str:
    """A formula inside a product, in parentheses unless it is one number, one call such as
    sigmoid(-4.563), or already in parentheses."""
    try:
        float(formula)
        return formula
    except ValueError:
        pass
    opening = formula.find("(")
    if opening >= 0 and formula.endswith(")") and formula[:opening].isidentifier() or opening == 0:
        depth = 0
        for k, c in enumerate(formula[opening:], opening):
            depth += {"(": 1, ")": -1}.get(c, 0)
            if depth == 0:
                if k == len(formula) - 1:
                    return formula  # the first parenthesis closes at the end: one call, or one group
                break
    return f"({formula})"


@dataclass
class Step:
    """One step of backprop: parent.grad += local * upstream.

    node: whose gradient is passed back; parent: which of its inputs receives it
    (parents[parent_index]); local = d node / d parent; upstream = dL/d node; contribution = local * upstream;
    parent_grad: the parent's grad after this step; rule: the local derivative in words.
    The first step is the seed: node = parent = the root, everything 1.
    """

    index: int
    node: Value
    parent: Value
    parent_index: int
    local: float
    upstream: float
    contribution: float
    parent_grad: float
    rule: str
    text: str = field(repr=False)
    exact: str = field(default="", repr=False)  # the sentence with every number in full (shown on hover)
    said: tuple = field(default=(), repr=False)  # what `spoken` is made of, made into words only when asked

    @property
    def spoken(self) -> str:
        """The sentence as a screen reader should say it: no * or d(...), names in words."""
        if self.is_seed:
            (root,) = self.said or ("L",)
            named = "" if root == "L" else f"; L is {spoken(root)}"
            return f"the gradient of L is {number(self.contribution)}, the seed{named}"
        node, parent, formula = self.said
        node, parent = spoken(node), spoken(parent)
        return (f"the gradient of {parent} grows by {number(self.contribution)}, to {number(self.parent_grad)}: "
                f"the derivative of {node} by {parent}, {spoken(formula)}, times the gradient of {node}, "
                f"{number(self.upstream)}")  # fmt: skip

    @property
    def is_seed(self) -> bool:
        return self.index == 0

    def __str__(self) -> str:
        return self.text


def backward_steps(root: Value | Drawing, gradient: float = 1.0, notation: str | None = None) -> Iterator[Step]:
    """Run backward on `root` one edge at a time, yielding a Step after each one.

    Exhausting it leaves the grads that `root.backward(gradient)` would; closing it
    early (a `break`, an error) leaves them as they were before it started. notation:
    how nodes are named ("paths", the labels; "notes", as the lecture notes write them)."""
    seed = seed_of(gradient)
    drawing = drawing_of(root, notation=notation)
    return _steps(drawing, seed)


def _steps(drawing: Drawing, seed: float) -> Iterator[Step]:
    root, names = drawing.root, drawing.names
    # The sentences call the root L, whatever the graph calls it: dL/dn, never dloss beside dL.
    said = {**names, root: "L"}.get
    with grads_set_aside(drawing.order):
        root.grad = seed
        where = "" if names[root] == "L" else f" (L is {names[root]})"
        head = f"{_grad_of(names[root])} = dL/dL = "
        yield Step(0, root, root, -1, 1.0, seed, seed, seed, "dL/dL = 1",
                   f"{head}{number(seed)}, the seed{where}", f"{head}{exact(seed)}, the seed{where}",
                   (names[root],))  # fmt: skip
        index = 1
        for node in reversed(drawing.order):
            upstream = node.grad
            arity = len(node.parents)
            for i, parent, local, contribution in chain_rule(node, upstream):
                parent.grad += contribution
                node_name, parent_name = said(node), said(parent)
                head = f"{_grad_of(parent_name)} += {_d(node_name)}/{_d(parent_name)} * dL/{_d(node_name)} = "
                formula = node.op.formula(i, node)
                short = f"{_wrapped(formula)} * {number_in_formula(upstream)} = {number(contribution)}"
                full = (f"{_wrapped(node.op.formula(i, node, exact=True))} * {number_in_formula(upstream, exact=True)}"
                        f" = {exact(contribution)}")  # fmt: skip
                yield Step(index, node, parent, i, local, upstream, contribution, parent.grad, node.op.rule(i, arity),
                           head + short, head + full, (node_name, parent_name, formula))  # fmt: skip
                index += 1


# --- every path from the root to a node ------------------------------------------------------


@dataclass
class Path:
    """One path from the root down to a node, and the product of the local derivatives on it."""

    nodes: list[Value]
    locals: list[float]

    @property
    def product(self) -> float:
        result = 1.0
        for local in self.locals:
            result *= local
        return result


@dataclass
class Explanation:
    """dL/d node as the multivariate chain rule: the sum over paths of products of local derivatives.

    `count` is how many paths there are and `total` their sum. When there are too many to list
    (more than explain's max_paths), `paths` holds the largest few and `total` is the sum
    computed as backprop computes it, in one pass over the graph without listing any path.
    """

    root: Value
    node: Value
    paths: list[Path]
    names: dict[Value, str] = field(repr=False)
    count: int = -1  # -1: len(paths), every path listed
    sum_without_paths: float | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.count < 0:
            self.count = len(self.paths)

    @property
    def complete(self) -> bool:
        """Whether every path is listed."""
        return len(self.paths) == self.count

    @property
    def total(self) -> float:
        if self.complete:
            return sum(path.product for path in self.paths)
        return self.sum_without_paths

    def __str__(self) -> str:
        root, node = self.names[self.root], self.names[self.node]
        count = f"{self.count:,} path" + ("" if self.count == 1 else "s")
        which = "" if root == "L" else f" with L = {root}"
        lines = [f"dL/{_d(node)}{which}: the sum over {count} from {root} down to {node}"]
        lines.append("of the product of the local derivatives along each path")
        if not self.complete:
            lines.append(f"(too many to list: the {len(self.paths)} largest)")
        for path in self.paths:
            lines.append("  " + " -> ".join(self.names[n] for n in path.nodes))
            factors = " * ".join(number_in_formula(local) for local in path.locals)
            lines.append(f"      = {factors or '1'} = {number(path.product)}")
        if self.complete:
            lines.append(f"  sum = {number(self.total)}")
        else:
            lines.append(f"  sum over all {count} = {number(self.total)}, computed as backprop does: one pass over the")
            lines.append("  graph, each node's gradient once, no path listed")
        return "\n".join(lines)


def explain(
    root: Value | Drawing, node: Value, max_paths: int = 10_000, largest: int = 10, notation: str | None = None
) -> Explanation:
    """Every path from `root` down to `node`, with its product of local derivatives.

    Their sum is d root / d node, the number backward() puts in node.grad (after one
    backward from a zero start). A node reached two ways shows two paths. When more than
    `max_paths` paths lead there, the `largest` of them (by size of their product) are
    listed, with their count and their sum, which backprop computes without listing them.
    notation names the nodes, as in backward_steps.
    """
    drawing = drawing_of(root, notation=notation)
    root, names = drawing.root, drawing.names
    if node not in names:
        raise ValueError(f"{getattr(node, 'label', '') or 'that node'!r} is not in the graph of {names[root]!r}")
    if root is node:
        return Explanation(root, node, [Path([root], [])], names)
    leads_to = drawing.made_from(node)  # walk down from the root only through nodes that lead to `node`
    count = _path_count(drawing.order, leads_to, node)
    if count > max_paths:
        total = adjoints(drawing.order).get(node, 0.0)  # backprop: the sum over every path, none listed
        return Explanation(root, node, _largest_paths(drawing.order, leads_to, node, largest), names, count, total)
    # Depth-first, with one path under construction (`nodes`, `locals_`) and, for each node on
    # it, the chain rule at that node with the path's product so far as the upstream gradient:
    # each edge's contribution is then the product of the locals from the root down to it.
    # Each step of the walk costs O(1), and a path is copied only when it reaches `node`.
    paths: list[Path] = []
    nodes, locals_ = [root], []
    pending = [chain_rule(root, 1.0)]
    while pending:
        step = next((edge for edge in pending[-1] if edge[1] in leads_to), None)
        if step is None:  # every path through the last node on the path is done
            pending.pop()
            nodes.pop()
            if locals_:
                locals_.pop()
            continue
        _, parent, local, product = step
        if parent is node:
            paths.append(Path([*nodes, parent], [*locals_, local]))
        else:
            nodes.append(parent)
            locals_.append(local)
            pending.append(chain_rule(parent, product))
    return Explanation(root, node, paths, names)


def _path_count(order: list[Value], leads_to: set[Value], node: Value) -> int:
    """How many paths lead from the root (order's last) down to `node`, counted node by node from the
    root (an edge used twice, as in a*a, is two paths): exact, however many."""
    count = {order[-1]: 1}
    for n in reversed(order):  # children first: a node's count is complete when it is reached
        if n in count and n is not node:
            for parent in n.parents:
                if parent in leads_to:
                    count[parent] = count.get(parent, 0) + count[n]
    return count.get(node, 0)


def _largest_paths(order: list[Value], leads_to: set[Value], node: Value, k: int) -> list[Path]:
    """The k paths from the root down to `node` whose products are largest in size: each node keeps
    the k best ways down to it (a product and a pointer to the way above), children first."""
    best: dict[Value, list[tuple[float, float, Value | None, int, float]]] = {order[-1]: [(1.0, 1.0, None, 0, 1.0)]}
    for n in reversed(order):
        ways = best.get(n)
        if ways is None or n is node:
            continue
        for parent, local in zip(n.parents, n.locals):
            if parent not in leads_to:
                continue
            extended = [(abs(product * local), product * local, n, rank, local)
                        for rank, (_, product, _, _, _) in enumerate(ways)]  # fmt: skip
            merged = best.get(parent, []) + extended
            best[parent] = heapq.nlargest(k, merged, key=lambda way: way[0])
    paths = []
    for way in best.get(node, []):
        nodes, locals_ = [node], []
        at, (_, _, above, rank, local) = node, way
        while above is not None:
            nodes.append(above)
            locals_.append(local)
            at = above
            _, _, above, rank, local = best[at][rank]
        paths.append(Path(nodes[::-1], locals_[::-1]))
    return paths


# --- the trace table ---------------------------------------------------------------------------


def trace_table(root: Value | Drawing, backward: bool = True, notation: str | None = None) -> str:
    """The forward pass in topological order (node, op, inputs, value) and, unless
    backward=False, the backward pass (node, dL/d node), as plain text. The gradients
    are computed here, with `autograd.grad`'s adjoints; no `.grad` is touched. notation names
    the nodes, as in backward_steps."""
    drawing = drawing_of(root, notation=notation)
    order, names = drawing.order, drawing.names
    width = max(8, *(len(names[n]) for n in order))
    lines = ["forward pass", f"  {'node':<{width}}  {'op':<10} {'inputs':<24} {'value':>12}"]
    for node in order:
        inputs = ", ".join(names[p] for p in node.parents)
        if len(inputs) > 24:
            inputs = inputs[:21] + "..."
        lines.append(f"  {names[node]:<{width}}  {str(node.op) or '(leaf)':<10} {inputs:<24} {fixed(node.data):>12}")
    if not backward:
        return "\n".join(lines)
    derivative = adjoints(order)
    lines += ["", "backward pass, from the root down", f"  {'node':<{width}}  {'dL/d node':>12}"]
    for node in reversed(order):
        lines.append(f"  {names[node]:<{width}}  {fixed(derivative.get(node, 0.0)):>12}")
    return "\n".join(lines)
