"""The classic neuron o = tanh(x1*w1 + x2*w2 + b), forward and backward, node by node.

    python -m demos.neuron

The numbers are the ones lectures on backprop use: x1 = 2, x2 = 0, w1 = -3,
w2 = 1 and b = 6.8813735870195432, chosen so that n = 0.8814 and o = 0.7071.
"""

from __future__ import annotations

from autograd import Value, topological_order


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


def main() -> None:
    o = build_neuron()
    o.backward()
    print("o = tanh(x1*w1 + x2*w2 + b), after o.backward():\n")
    print(f"{'node':>15} {'op':>5} {'data':>9} {'grad':>9}")
    for node in topological_order(o):
        print(f"{node.label:>15} {str(node.op) or 'leaf':>5} {node.data:>9.4f} {node.grad:>9.4f}")
    print("\nRead it bottom-up: do/dn = 1 - o^2 = 0.5, and each + passes 0.5 on unchanged;")
    print("each * sends the gradient times the *other* factor: w1.grad = x1 * 0.5 = 1.0, x1.grad = w1 * 0.5 = -1.5.")


if __name__ == "__main__":
    main()
