"""Rosenblatt's perceptron and its learning rule (seed 000, section 1).

    y = sign(w.x + b),   on a mistake with target t in {-1, +1}:
    w <- w + lr * t * x,  b <- b + lr * t

It converges on linearly separable data; on XOR it never does (seed 004: no
(w1, w2, b) satisfies the four inequalities).
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value, linear, no_grad
from nn.layers import as_inputs
from nn.module import Module


class Perceptron(Module):
    """sign(w.x + b) with weights and bias starting at 0, trained by the perceptron rule."""

    def __init__(self, nin: int) -> None:
        if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Perceptron needs a whole number of inputs >= 1, got {nin!r}")
        self.w = [Value(0.0) for _ in range(nin)]
        self.b = Value(0.0)

    def forward(self, x: Sequence[Value | float]) -> Value:
        """sign(w.x + b) as a graph (sign(0) = +1)."""
        z = linear(self.w, as_inputs(x, len(self.w), f"Perceptron({len(self.w)})"), self.b)
        z.label = "z"
        return z.sign()

    def predict(self, x: Sequence[float]) -> int:
        """The class, +1 or -1."""
        with no_grad():
            return int(self.forward(x).data)

    def update(self, x: Sequence[float], t: int, lr: float = 1.0) -> bool:
        """One step of the rule on example (x, t); True if it was a mistake (and the weights moved)."""
        if t not in (-1, 1):
            raise ValueError(f"Perceptron targets must be -1 or +1, got {t!r}")
        if self.predict(x) == t:
            return False
        for wi, xi in zip(self.w, x):
            wi.data += lr * t * float(xi)
        self.b.data += lr * t
        return True

    def fit(self, X: Sequence[Sequence[float]], T: Sequence[int], lr: float = 1.0, epochs: int = 100) -> list[int]:
        """Visit the examples in order, epoch after epoch; returns the mistakes per epoch.

        Stops after the first epoch without a mistake (it has converged).
        """
        if len(X) != len(T):
            raise ValueError(f"Perceptron.fit needs one target per example: {len(X)} examples, {len(T)} targets")
        for t in T:
            if t not in (-1, 1):
                raise ValueError(f"Perceptron targets must be -1 or +1, got {t!r}")
        mistakes_per_epoch = []
        for _ in range(epochs):
            mistakes = sum(self.update(x, t, lr) for x, t in zip(X, T))
            mistakes_per_epoch.append(mistakes)
            if mistakes == 0:
                break
        return mistakes_per_epoch

    def extra_repr(self) -> str:
        return f"{len(self.w)} inputs"
