"""Watch the chain rule: backward one step at a time, every path to a node, the trace table.

Everything here reads what the engine stored at forward time: each node's
parents, the local derivative of each edge, and its op's rule. Nothing has its
own copy of the calculus.

    >>> for step in o.backward_steps():
    ...     print(step)
    o.grad = dL/dL = 1.0000  (the seed: L is o)
    n.grad += do/dn * dL/do = (1 - 0.7071^2) * 1.0000 = 0.5000
    ...
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from autograd.engine import Value, _seed, _short, grads_set_aside, topological_order
from autograd.functional import grad

NAME_LIMIT = 24  # an expression longer than this is no name: the node is v<i> instead


def node_names(order: list[Value]) -> dict[Value, str]:
    """What steps, paths, tables, graphs and the page call each node: its label; else, for an
    unlabelled leaf (a constant), its number; else the expression that made it from its
    parents' names (`x1*w1`, `x1*w1 + x2*w2`, `tanh(n)`) while that is at most NAME_LIMIT
    characters; else v<i>, its place in the topological order."""
    names: dict[Value, str] = {}
    for i, node in enumerate(order):  # parents come first, so their names are known
        if node.label:
            names[node] = node.label
        elif not node.parents:
            names[node] = _short(node.data)
        else:
            parent_names = [names.get(p) for p in node.parents]  # None: a parent left out (a focused view)
            expression = "" if None in parent_names else _expression(str(node.op), parent_names)
            names[node] = expression if expression and len(expression) <= NAME_LIMIT else f"v{i}"
    return names


def _expression(op: str, parents: list[str]) -> str:
    """How an op's node reads in terms of its parents' names: a*b, a + b, a - b, -a, a/b, a**2, tanh(a)."""

    def tight(name: str) -> str:  # an operand of * / **: parenthesized if it is a sum
        return f"({name})" if " + " in name or " - " in name else name

    if op == "+" and len(parents) == 2:
        a, b = parents
        return f"{a} - {b[1:]}" if b.startswith("-") and len(b) > 1 else f"{a} + {b}"
    if op == "*" and len(parents) == 2:
        a, b = parents
        if b in ("-1.0", "-1"):
            return f"-{tight(a)}"
        return f"{tight(a)}*{tight(b)}"
    if op in ("/", "**") and len(parents) == 2:
        return f"{tight(parents[0])}{op}{tight(parents[1]) if op == '/' else tight(parents[1])}"
    if op.startswith("**") and len(parents) == 1:
        return f"{tight(parents[0])}{op}"
    return f"{op}({', '.join(parents)})"


def _d(name: str) -> str:
    """'d' + name, with parentheses around a name that is not a plain identifier: dn, d(x1*w1)."""
    return f"d{name}" if name.isidentifier() else f"d({name})"


def _grad_of(name: str) -> str:
    """name.grad, with parentheses around a name that is more than a dotted path: (x1*w1 + x2*w2).grad."""
    return f"{name}.grad" if name.replace(".", "_").isidentifier() else f"({name}).grad"


def _wrapped(formula: str) -> str:
    """A formula inside a product, in parentheses unless it is a single number."""
    try:
        float(formula)
        return formula
    except ValueError:
        return formula if formula.startswith("(") and formula.endswith(")") else f"({formula})"


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

    @property
    def is_seed(self) -> bool:
        return self.index == 0

    def __str__(self) -> str:
        return self.text


def backward_steps(root: Value, gradient: float = 1.0) -> Iterator[Step]:
    """Run backward on `root` one edge at a time, yielding a Step after each one.

    Exhausting it leaves the grads that `root.backward(gradient)` would; closing it
    early (a `break`, an error) leaves them as they were before it started."""
    seed = _seed(gradient)
    order = topological_order(root)
    names = node_names(order)
    with grads_set_aside(order):
        root.grad = seed
        root_name = names[root]
        yield Step(0, root, root, -1, 1.0, seed, seed, seed, "dL/dL = 1",
                   f"{_grad_of(root_name)} = dL/dL = {seed:.4f}  (the seed: L is {root_name})")  # fmt: skip
        index = 1
        for node in reversed(order):
            upstream = node.grad
            parents = node.parents
            for i, (parent, local) in enumerate(zip(parents, node.locals)):
                contribution = local * upstream
                parent.grad += contribution
                node_name, parent_name = names[node], names[parent]
                text = (
                    f"{_grad_of(parent_name)} += {_d(node_name)}/{_d(parent_name)} * dL/{_d(node_name)}"
                    f" = {_wrapped(node.op.formula(i, node))} * {upstream:.4f} = {contribution:.4f}"
                )
                yield Step(index, node, parent, i, local, upstream, contribution, parent.grad,
                           node.op.rule(i, len(parents)), text)  # fmt: skip
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
    """dL/d node as the multivariate chain rule: the sum over paths of products of local derivatives."""

    root: Value
    node: Value
    paths: list[Path]
    names: dict[Value, str] = field(repr=False)

    @property
    def total(self) -> float:
        return sum(path.product for path in self.paths)

    def __str__(self) -> str:
        root, node = self.names[self.root], self.names[self.node]
        count = f"{len(self.paths)} path" + ("" if len(self.paths) == 1 else "s")
        lines = [f"dL/{_d(node)} with L = {root}: the sum over {count} from {root} down to {node}"]
        lines.append("of the product of the local derivatives along each path")
        for path in self.paths:
            lines.append("  " + " -> ".join(self.names[n] for n in path.nodes))
            factors = " * ".join(f"{local:.4f}" if local >= 0 else f"({local:.4f})" for local in path.locals)
            lines.append(f"      = {factors or '1'} = {path.product:.4f}")
        lines.append(f"  sum = {self.total:.4f}")
        return "\n".join(lines)


def made_from(order: list[Value], node: Value) -> set[Value]:
    """The nodes of `order` (a topological order) that are made from `node`, `node` included:
    those on some path from the root down to it."""
    above = {node}
    for n in order:  # parents come first, so each node's parents are already decided
        if any(p in above for p in n.parents):
            above.add(n)
    return above


def explain(root: Value, node: Value, max_paths: int = 10_000) -> Explanation:
    """Every path from `root` down to `node`, with its product of local derivatives.

    Their sum is d root / d node, the number backward() puts in node.grad (after one
    backward from a zero start). A node reached two ways shows two paths.
    """
    order = topological_order(root)
    names = node_names(order)
    if node not in names:
        raise ValueError(f"{names.get(node, node.label or 'that node')!r} is not in the graph of {names[root]!r}")
    # Walk down from the root, only through nodes that lead to `node`.
    leads_to = made_from(order, node)
    # Depth-first, with one path under construction (`nodes`, `locals_`) and, for each node
    # on it, an iterator over its remaining parents: each step of the walk costs O(1),
    # and a path is copied only when it reaches `node`.
    paths: list[Path] = []
    if root is node:
        return Explanation(root, node, [Path([root], [])], names)
    nodes, locals_ = [root], []
    pending = [iter(zip(root.parents, root.locals))]
    while pending:
        step = next((edge for edge in pending[-1] if edge[0] in leads_to), None)
        if step is None:  # every path through the last node on the path is done
            pending.pop()
            nodes.pop()
            if locals_:
                locals_.pop()
            continue
        parent, local = step
        if parent is node:
            paths.append(Path([*nodes, parent], [*locals_, local]))
            if len(paths) > max_paths:
                raise ValueError(f"more than {max_paths} paths lead from the root to this node; pass larger max_paths")
        else:
            nodes.append(parent)
            locals_.append(local)
            pending.append(iter(zip(parent.parents, parent.locals)))
    return Explanation(root, node, paths, names)


# --- the trace table ---------------------------------------------------------------------------


def trace_table(root: Value, backward: bool = True) -> str:
    """The forward pass in topological order (node, op, inputs, value) and, unless
    backward=False, the backward pass (node, dL/d node), as plain text. The gradients
    are computed here, with `autograd.grad`; no `.grad` is touched."""
    order = topological_order(root)
    names = node_names(order)
    width = max(8, *(len(names[n]) for n in order))
    lines = ["forward pass", f"  {'node':<{width}}  {'op':<10} {'inputs':<24} {'value':>12}"]
    for node in order:
        inputs = ", ".join(names[p] for p in node.parents)
        if len(inputs) > 24:
            inputs = inputs[:21] + "..."
        lines.append(f"  {names[node]:<{width}}  {str(node.op) or '(leaf)':<10} {inputs:<24} {node.data:>12.4f}")
    if not backward:
        return "\n".join(lines)
    derivatives = grad(root, order)
    lines += ["", "backward pass, from the root down", f"  {'node':<{width}}  {'dL/d node':>12}"]
    for node, derivative in zip(reversed(order), reversed(derivatives)):
        lines.append(f"  {names[node]:<{width}}  {derivative:>12.4f}")
    return "\n".join(lines)
