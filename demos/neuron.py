"""The classic neuron o = tanh(x1*w1 + x2*w2 + b), forward and backward, node by node.

    python -m demos.neuron [--out DIR] [--quick] [--seed N]

The numbers are the ones lectures on backprop use: x1 = 2, x2 = 0, w1 = -3,
w2 = 1 and b = 6.8813735870195432, chosen so that n = 0.8814 and o = 0.7071.
Prints the forward pass, every backward step as a chain-rule sentence and the
gradients; writes the graph (neuron.svg) and the step-through page (neuron.html).
"""

from __future__ import annotations

from pathlib import Path

from autograd import Value, export_html, render, topological_order, trace_table
from demos import common


def build_neuron() -> Value:
    """o = tanh(x1*w1 + x2*w2 + b), every node labelled."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    s = x1w1 + x2w2
    s.label = "x1*w1 + x2*w2"
    n = s + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    """The neuron needs no randomness; quick and seed change nothing."""
    o = build_neuron()
    print("o = tanh(x1*w1 + x2*w2 + b)\n")
    print(trace_table(o))
    print("\nbackward, one chain-rule step at a time:")
    steps = [str(step) for step in o.backward_steps()]
    for step in steps:
        print(f"  {step}")
    print("\nafter backward:")
    print(f"  {'node':>15} {'op':>5} {'data':>9} {'grad':>9}")
    for node in topological_order(o):
        print(f"  {node.label:>15} {str(node.op) or 'leaf':>5} {node.data:>9.4f} {node.grad:>9.4f}")
    weights = [node for node in topological_order(o) if node.label in ("w1", "w2", "b")]
    graph = render(o, out / "neuron.svg", params=weights)
    page = export_html(o, out / "neuron.html", params=weights)
    print(f"\nopen {graph} (the graph) and {page} (step through backprop with the arrow keys)")
    decks = common.slides(o, "neuron", params=weights)
    return {"steps": steps, "grads": {n.label: n.grad for n in topological_order(o)}, "files": [graph, page, *decks]}


if __name__ == "__main__":
    common.main(run, __doc__)
