"""The exercises: a random graph for a level, the same for the same seed on every machine.

Levels: 1, one op per node (+ and *), 3 to 5 nodes; 2, tanh, exp, relu and sigmoid and a
node used twice (the classic `+=` trap), 6 to 10 nodes; 3, a neuron or a 2-2-1 network
with a squared error; 4, a Value exponent, a division and two paths into one node.

The answers are the engine's: backward on the exercise's graph.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from numbers import Integral

from autograd.engine import Value, backward_over, grads_set_aside
from autograd.views.drawing import Drawing, expression
from autograd.views.explain import Step, backward_steps

LEVELS = {
    1: "one op per node (+ and *), 3 to 5 nodes",
    2: "tanh, exp, relu and sigmoid, a node used twice, 6 to 10 nodes",
    3: "a neuron or a 2-2-1 network with a squared error",
    4: "a Value exponent, a division, and two paths into one node",
}
LETTERS = "abcdefghijkmnpqrstuvwxyz"  # no l (it reads as 1) and no o (as 0)


def number(x: float) -> str:
    """A number as a student writes it: 2, -0.5, 0.7616 (4 significant digits)."""
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.4g}"


@dataclass
class Exercise:
    """A graph to backprop by hand: `root` (L), and `nodes`, the names the student sees."""

    seed: int
    level: int
    root: Value
    nodes: dict[str, Value]

    @cached_property
    def drawing(self) -> Drawing:
        """The exercise's graph, sorted once for everything below; its names are the labels."""
        return Drawing(self.root)

    def answers(self) -> dict[str, float]:
        """dL/d node for every named node: the engine's backward on this graph (grads left as they were)."""
        order = self.drawing.order
        with grads_set_aside(order, keep=False):
            backward_over(order)
            return {name: node.grad for name, node in self.nodes.items()}

    def order(self) -> list[str]:
        """The names in the order backprop computes their gradients: L first, the leaves last."""
        position = {node: i for i, node in enumerate(self.drawing.order)}
        return sorted(self.nodes, key=lambda name: -position[self.nodes[name]])

    def forward_lines(self) -> list[str]:
        """The forward pass, a node a line: `d = a * b = -2`."""
        names = {node: name for name, node in self.nodes.items()}
        order = self.drawing.order
        leaves = sorted((n for n in order if n in names and not n.parents), key=lambda n: names[n])
        lines = []
        for node in leaves + [n for n in order if n in names and n.parents]:
            if node.parents:
                made = expression(node.op.name, [names.get(p, number(p.data)) for p in node.parents], spaced=True)
                lines.append(f"{names[node]} = {made} = {number(node.data)}")
            else:
                lines.append(f"{names[node]} = {number(node.data)}")
        return lines

    def steps(self) -> list[Step]:
        """backward's steps on this graph, for the key and the diagnosis (grads left as they were)."""
        with grads_set_aside(self.drawing.order, keep=False):
            return list(backward_steps(self.drawing))

    def __str__(self) -> str:
        return f"Exercise (level {self.level}, seed {self.seed}):\n" + "\n".join("  " + s for s in self.forward_lines())


def exercise(seed: int, level: int = 1) -> Exercise:
    """A random graph for the level, the same for the same seed on every machine."""
    if isinstance(level, bool) or not isinstance(level, Integral) or level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(map(str, LEVELS))}; got {level!r}")
    if isinstance(seed, bool) or not isinstance(seed, Integral):
        raise TypeError(f"seed must be a whole number, got {type(seed).__name__} {seed!r}")
    rng = random.Random(f"backprop-exercise {level} {seed}")  # a str seed: the same on every machine
    for _ in range(1000):
        root, names = BUILDERS[level](rng)
        ex = _named(seed, level, root, names)
        answers = ex.answers()
        values = [n.data for n in ex.nodes.values()] + list(answers.values())
        if (
            all(math.isfinite(v) and abs(v) < 1e4 for v in values)
            and LIMITS[level](len(ex.nodes))
            and _worth(ex, answers)
        ):
            return ex
    raise RuntimeError(f"no exercise found for level {level}, seed {seed}")  # pragma: no cover


def _worth(ex: Exercise, answers: dict[str, float]) -> bool:
    """Worth doing by hand: most leaves get a gradient that is not 0, and not every answer is 1."""
    leaves = [name for name, node in ex.nodes.items() if not node.parents]
    nonzero = sum(answers[name] != 0 for name in leaves)
    return 2 * nonzero > len(leaves) and len({round(v, 6) for v in answers.values()}) >= 3


def _named(seed: int, level: int, root: Value, names: dict[Value, str]) -> Exercise:
    """Name every node that is not a constant: the builder's names, letters for the rest, L for the root."""
    named: dict[str, Value] = {}
    letters = iter(c for c in LETTERS if c not in set(names.values()))
    ex = Exercise(seed, level, root, named)
    for node in ex.drawing.order:
        if node is root:
            name = "L"
        elif node in names:
            name = names[node]
        elif not node.parents:
            continue  # a constant (the -1 of a subtraction): not the student's
        else:
            name = next(letters)
        node.label = name
        named[name] = node
    return ex


# --- the levels ------------------------------------------------------------------------------

WHOLE = (-3, -2, -1, 1, 2, 3, 4)
HALVES = (-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0)
UNARY = {"tanh": Value.tanh, "exp": Value.exp, "relu": Value.relu, "sigmoid": Value.sigmoid}


def _leaves(rng: random.Random, values: Sequence[float], count: int) -> list[Value]:
    return [Value(float(rng.choice(values))) for _ in range(count)]


def _combine(rng: random.Random, a: Value, b: Value) -> Value:
    return a + b if rng.random() < 0.5 else a * b


def _level1(rng: random.Random) -> tuple[Value, dict]:
    leaves = _leaves(rng, WHOLE, rng.choice((2, 3)))
    names = dict(zip(leaves, LETTERS))
    open_nodes = list(leaves)
    while len(open_nodes) > 1:
        i, j = sorted(rng.sample(range(len(open_nodes)), 2))
        node = _combine(rng, open_nodes[i], open_nodes[j])
        open_nodes = [n for k, n in enumerate(open_nodes) if k not in (i, j)] + [node]
    return open_nodes[0], names


def _level2(rng: random.Random) -> tuple[Value, dict]:
    a, b, c = _leaves(rng, HALVES, 3)
    names = {a: "a", b: "b", c: "c"}
    d = _combine(rng, a, b)
    e = UNARY[rng.choice(list(UNARY))](d)
    f = _combine(rng, e, c)
    if rng.random() < 0.5:
        f = UNARY[rng.choice(list(UNARY))](f)
    reused = d if rng.random() < 0.6 else a  # the node used twice: an intermediate or a leaf
    root = _combine(rng, f, reused)
    return root, names


def _level3(rng: random.Random) -> tuple[Value, dict]:
    activation = rng.choice(("tanh", "relu", "sigmoid"))
    phi = UNARY[activation]
    x = _leaves(rng, (-1.0, 0.5, 1.0, 2.0), 2)
    y = Value(float(rng.choice((0.0, 1.0))))
    names = {x[0]: "x1", x[1]: "x2", y: "y"}
    if rng.random() < 0.5:  # one neuron
        w = _leaves(rng, HALVES, 2)
        b = Value(float(rng.choice((-1.0, -0.5, 0.0, 0.5, 1.0))))
        names.update({w[0]: "w1", w[1]: "w2", b: "b"})
        z = x[0] * w[0] + x[1] * w[1] + b
        o = phi(z)
        names.update({z: "z", o: "o"})
    else:  # 2-2-1: two hidden neurons, a linear output
        hidden = []
        for j in (1, 2):
            w = _leaves(rng, HALVES, 2)
            b = Value(float(rng.choice((-0.5, 0.0, 0.5))))
            names.update({w[0]: f"w{j}1", w[1]: f"w{j}2", b: f"b{j}"})
            z = x[0] * w[0] + x[1] * w[1] + b
            h = phi(z)
            names.update({z: f"z{j}", h: f"h{j}"})
            hidden.append(h)
        v = _leaves(rng, HALVES, 2)
        c = Value(float(rng.choice((-0.5, 0.0, 0.5))))
        names.update({v[0]: "v1", v[1]: "v2", c: "c"})
        o = hidden[0] * v[0] + hidden[1] * v[1] + c
        names[o] = "o"
    error = o - y
    names[error] = "err"
    return error**2, names


def _level4(rng: random.Random) -> tuple[Value, dict]:
    a = Value(float(rng.choice((1.5, 2.0, 3.0, 4.0))))  # a positive base: d(a**b)/db = a**b * log(a)
    b = Value(float(rng.choice((0.5, 2.0, 3.0))))
    c = Value(float(rng.choice((-2.0, -1.0, 0.5, 2.0, 4.0))))
    names = {a: "a", b: "b", c: "c"}
    d = a**b
    e = d / c
    twice = a if rng.random() < 0.5 else c  # two paths into it: through d or e, and directly
    f = e + twice if rng.random() < 0.5 else e * twice
    root = f * c if twice is a else f + b
    return root, names


BUILDERS: dict[int, Callable[[random.Random], tuple[Value, dict]]] = {1: _level1, 2: _level2, 3: _level3, 4: _level4}
LIMITS: dict[int, Callable[[int], bool]] = {
    1: lambda n: 3 <= n <= 5,
    2: lambda n: 6 <= n <= 10,
    3: lambda n: n >= 10,
    4: lambda n: n >= 6,
}
