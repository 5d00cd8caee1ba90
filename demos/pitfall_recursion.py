"""Pitfall: a recursive topological sort hits Python's recursion limit at about 1000 nodes.

    python -m demos.pitfall_recursion [--out DIR] [--quick] [--seed N]

micrograd sorts the graph with a recursive depth-first search (`build_topo` calls
itself on each child). A chain of ops is as deep as it is long, and CPython stops a
recursion at `sys.getrecursionlimit()` frames (1000 by default): a 1,000-step RNN
unrolled by hand, or a long sum built in a loop, raises RecursionError. The engine's
`topological_order` walks the same graph with an explicit stack, so its depth is
limited by memory only. Both orders give the same gradients where both work.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograd import Value
from autograd.engine import topological_order
from demos import common


def recursive_order(root: Value) -> list[Value]:
    """micrograd's build_topo: correct, and recursive."""
    order, seen = [], set()

    def build(node: Value) -> None:
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                build(parent)
            order.append(node)

    build(root)
    return order


def chain(length: int) -> tuple[Value, Value]:
    """x, and x pushed through `length` tanh nodes."""
    x = Value(0.5, label="x")
    y = x
    for _ in range(length):
        y = (y * 0.9).tanh()
    return x, y


def backward_along(order: list[Value], root: Value) -> None:
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.locals):
            parent.grad += local * node.grad


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    """No randomness; quick stops the iterative sort at 20,000 ops instead of 200,000."""
    limit = sys.getrecursionlimit()
    print(f"Python's recursion limit here: {limit} frames")
    lengths = [100, 200, 400, 450, 490, 500, 1000, 2000]
    recursive, iterative = {}, {}
    for length in lengths + [10_000 if quick else 100_000]:
        x, y = chain(length)
        nodes = 2 * length  # the chain's depth: a * and a tanh per link
        try:
            order = recursive_order(y)
        except RecursionError:
            recursive[nodes] = None
        else:
            backward_along(order, y)
            recursive[nodes] = x.grad
        order = topological_order(y)  # the engine's own order: an explicit stack, no recursion
        for node in order:
            node.grad = 0.0
        y.backward()
        iterative[nodes] = x.grad
        shown = "RecursionError" if recursive[nodes] is None else f"dy/dx = {recursive[nodes]:.6g}"
        print(f"  {nodes:>7} ops deep: recursive sort: {shown:<22} iterative sort: dy/dx = {iterative[nodes]:.6g}")
    first_failure = min((n for n, g in recursive.items() if g is None), default=None)
    print(f"The recursive sort first fails at {first_failure} ops deep; the iterative one never did.")
    plt = common.pyplot()
    figure, axes = plt.subplots(figsize=(7, 3.2))
    sizes = sorted(iterative)
    axes.plot(sizes, [1 if recursive[n] is not None else 0 for n in sizes], "o-", label="recursive (micrograd)")
    axes.plot(sizes, [1] * len(sizes), "s--", label="iterative (this engine)")
    axes.axvline(limit, color="grey", linestyle=":", label=f"recursion limit ({limit})")
    axes.set_xscale("log")
    axes.set_yticks([0, 1], ["RecursionError", "sorted"])
    axes.set_xlabel("ops in the chain (its depth)")
    axes.legend(loc="center right")
    path = common.save(figure, out / "pitfall_recursion")
    return {"limit": limit, "recursive": recursive, "iterative": iterative, "first_failure": first_failure,
            "files": [path]}  # fmt: skip


if __name__ == "__main__":
    common.main(run, __doc__)
