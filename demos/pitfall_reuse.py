"""Pitfall: `grad =` instead of `grad +=`, and a node used twice gets half its gradient.

    python -m demos.pitfall_reuse [--out DIR] [--quick] [--seed N]

micrograd's first version set a parent's grad (`self.grad = ...`) in each op's
backward instead of adding to it. Every gradient is right until a node feeds two
places: `b = a + a`, or `f = (a*b) * (a + b)`. Then the second path overwrites the
first. The multivariate chain rule says a node's gradient is the sum over every path
from the output, so backward must accumulate. This demo runs the wrong backward (the
same graph, the same local derivatives the engine stored, `=` in place of `+=`) beside
the engine's, and checks both against central differences.
"""

from __future__ import annotations

from pathlib import Path

from autograd import Value, render
from autograd.engine import topological_order
from demos import common


def backward_with_assignment(root: Value) -> None:
    """The bug: each edge *sets* its parent's grad, so a later path overwrites an earlier one."""
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.locals):
            parent.grad = local * node.grad  # should be +=


def central_difference(f, values: list[float], i: int, h: float = 1e-6) -> float:
    up, down = list(values), list(values)
    up[i] += h
    down[i] -= h
    return (f(*up) - f(*down)) / (2 * h)


CASES = {
    "b = a + a": (lambda a: a + a, [3.0]),
    "c = a * a": (lambda a: a * a, [3.0]),
    "f = (a*b) * (a + b)": (lambda a, b: (a * b) * (a + b), [2.0, -3.0]),
    "h = tanh(a) * a + a": (lambda a: a.tanh() * a + a, [0.5]),
}


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    """No randomness: quick and seed change nothing."""
    results = {}
    for name, (f, values) in CASES.items():
        leaves = [Value(v, label=label) for v, label in zip(values, "ab")]
        root = f(*leaves)
        root.backward()
        right = [leaf.grad for leaf in leaves]
        backward_with_assignment(root)
        wrong = [leaf.grad for leaf in leaves]
        numeric = [central_difference(lambda *v, f=f: f(*map(Value, v)).data, values, i) for i in range(len(values))]
        results[name] = {"right": right, "wrong": wrong, "numeric": numeric}
        print(f"{name}:  d/d(a, b) with +=: {fmt(right)}   with =: {fmt(wrong)}   "
              f"central differences: {fmt(numeric)}")  # fmt: skip
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    d, e = a * b, a + b
    d.label, e.label = "d = a*b", "e = a + b"
    out_node = d * e
    out_node.label = "f"
    out_node.backward()
    graph = render(out_node, out / "pitfall_reuse.svg")
    print(f"  wrote {graph}: a and b each feed d and e; their grads are the sums of two paths")
    decks = common.slides(out_node, "pitfall_reuse")
    return {"cases": results, "files": [graph, *decks]}


def fmt(values: list[float]) -> str:
    return "(" + ", ".join(f"{v:.4f}" for v in values) + ")"


if __name__ == "__main__":
    common.main(run, __doc__)
