"""Write your own op: swish(x) = x·σ(x) as an autograd.Function, a wrong derivative caught by gradcheck, then fixed.

    python -m demos.custom_op [--out DIR] [--quick] [--seed N]

minitorch's lesson with this engine: an op is its forward value and its local
derivative. The first try forgets the product rule (d/dx x·σ(x) is not σ(x));
gradcheck compares it with central differences and prints the table that shows
it. The fix, σ(x) + x·σ(x)(1 − σ(x)), passes, and the op then works everywhere a
built-in one does: backward, the step-through, second derivatives, the graph.
"""

from __future__ import annotations

from pathlib import Path

from autograd import Function, Value, gradcheck, hessian, render, sigmoid
from demos import common


class SwishFirstTry(Function):
    """x·σ(x), with the derivative of σ alone: the product rule forgotten."""

    name = "swish"

    def forward(x):
        return x * sigmoid(x)

    def derivative(out, x):
        return (sigmoid(x),)

    rules = ("sigmoid({a})",)


class Swish(Function):
    """x·σ(x); d/dx = σ(x) + x·σ(x)(1 − σ(x)), by the product rule and σ' = σ(1 − σ)."""

    def forward(x):
        return x * sigmoid(x)

    def derivative(out, x):
        s = sigmoid(x)
        return (s + x * s * (1 - s),)

    rules = ("sigmoid({a}) + {a}*sigmoid({a})*(1 - sigmoid({a}))",)


POINTS = [-2.0, -0.5, 0.5, 2.0]


def check(op: type[Function], points: list[float] = POINTS) -> str | None:
    """gradcheck's verdict on op at `points`: None when it passes, else its table."""
    try:
        gradcheck(lambda v: sum(op.apply(x) for x in v), points)
    except AssertionError as failure:
        return str(failure)
    return None


def run(out: Path, quick: bool = False, seed: int = 0) -> dict:
    """No randomness: quick and seed change nothing."""
    print("First try: swish'(x) = sigmoid(x)")
    first = check(SwishFirstTry)
    print(first or "gradcheck passed?!")
    print("\nThe product rule: swish'(x) = sigmoid(x) + x*sigmoid(x)*(1 - sigmoid(x))")
    fixed = check(Swish)
    print("gradcheck passed: the derivative agrees with central differences at", POINTS)

    x = Value(0.5, label="x")
    y = Swish.apply(x)
    y.label = "y"
    steps = [str(step) for step in y.backward_steps()]
    print("\nbackward on y = swish(x), x = 0.5:")
    for step in steps:
        print(f"  {step}")
    (second,) = hessian(lambda v: Swish.apply(v[0]), [0.5])[0]
    print(f"swish''(0.5) = {second:.6f}, from the derivative's own graph (create_graph)")
    swished = Swish.apply(x)
    swished.label = "swish(x)"
    twice = swished * 2.0
    twice.label = "2 swish(x)"
    loss = twice.tanh()
    loss.label = "L"
    loss.backward()
    graph = render(loss, out / "custom_op.svg", edge_labels=True)  # a Function node among built-in ones
    print(f"  wrote {graph}")
    decks = common.slides(loss, "custom_op", edge_labels=True)
    return {"first_try": first, "fixed": fixed, "steps": steps, "second_derivative": second, "files": [graph, *decks]}


if __name__ == "__main__":
    common.main(run, __doc__)
