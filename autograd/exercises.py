"""Backprop by hand: exercises generated from a seed, checked node by node, printable with keys.

    >>> from autograd import exercises
    >>> ex = exercises.exercise(seed=7, level=2)
    >>> print(ex)                                  # the forward pass, a node a line
    >>> report = exercises.check(ex, {"L": 1, "f": 0.5})
    >>> report.results                             # {"L": "right", "f": "wrong", "e": "missing", ...}
    >>> print(report.diagnosis)                    # which chain-rule step went wrong, and how

    python -m autograd.exercises --level 2 --seed 7         practise in the terminal
    python -m autograd.exercises --worksheet 30 --out DIR   30 worksheets and their answer keys

Levels: 1, one op per node (+ and *), 3 to 5 nodes; 2, tanh, exp, relu and sigmoid and a
node used twice (the classic `+=` trap), 6 to 10 nodes; 3, a neuron or a 2-2-1 network
with a squared error; 4, a Value exponent, a division and two paths into one node.

The answers are the engine's: backward on the exercise's graph. A diagnosis is read off
the engine's own backward steps into the first wrong node (in the order backprop
computes them): each step's local derivative, its rule and its upstream gradient. It
tries the mistakes people make on those numbers (leaving out a path into a reused node,
a wrong local derivative, the wrong upstream gradient, a sign, the seed dL/dL = 1) and
names the one that gives the student's number.
"""

from __future__ import annotations

import argparse
import functools
import html
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from numbers import Integral, Real
from pathlib import Path

from autograd.engine import Value, grads_set_aside, topological_order
from autograd.explain import Step, backward_steps

LEVELS = {
    1: "one op per node (+ and *), 3 to 5 nodes",
    2: "tanh, exp, relu and sigmoid, a node used twice, 6 to 10 nodes",
    3: "a neuron or a 2-2-1 network with a squared error",
    4: "a Value exponent, a division, and two paths into one node",
}
REL_TOL = 1e-3  # an answer to 4 significant digits is right
ABS_TOL = 1e-3
LETTERS = "abcdefghijkmnpqrstuvwxyz"  # no l (it reads as 1) and no o (as 0)


# --- the exercise ----------------------------------------------------------------------------


@dataclass
class Exercise:
    """A graph to backprop by hand: `root` (L), and `nodes`, the names the student sees."""

    seed: int
    level: int
    root: Value
    nodes: dict[str, Value]

    def answers(self) -> dict[str, float]:
        """dL/d node for every named node: the engine's backward on this graph."""
        return {name: value for name, value in self._grads().items() if name in self.nodes}

    def _grads(self) -> dict[str, float]:
        order = topological_order(self.root)
        with grads_set_aside(order, keep=False):
            self.root.backward()
            return {name: node.grad for name, node in self.nodes.items()}

    def order(self) -> list[str]:
        """The names in the order backprop computes their gradients: L first, the leaves last."""
        position = {node: i for i, node in enumerate(topological_order(self.root))}
        return sorted(self.nodes, key=lambda name: -position[self.nodes[name]])

    def forward_lines(self) -> list[str]:
        """The forward pass, a node a line: `d = a * b = -2`."""
        names = {node: name for name, node in self.nodes.items()}
        order = topological_order(self.root)
        leaves = sorted((n for n in order if n in names and not n.parents), key=lambda n: names[n])
        lines = []
        for node in leaves + [n for n in order if n in names and n.parents]:
            lines.append(
                f"{names[node]} = {_expression(node, names)}" + (f" = {_number(node.data)}" if node.parents else "")
            )
        return lines

    def steps(self) -> list[Step]:
        """backward's steps on this graph, for the key and the diagnosis (grads left as they were)."""
        order = topological_order(self.root)
        with grads_set_aside(order, keep=False):
            return list(backward_steps(self.root))

    def __str__(self) -> str:
        return f"Exercise (level {self.level}, seed {self.seed}):\n" + "\n".join("  " + s for s in self.forward_lines())


def _number(x: float) -> str:
    """A number as a student writes it: 2, -0.5, 0.7616 (4 significant digits)."""
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.4g}"


def _expression(node: Value, names: dict[Value, str]) -> str:
    """How a node is made, in its parents' names (a leaf: its number)."""
    if not node.parents:
        return _number(node.data)
    parents = [names.get(p, _number(p.data)) for p in node.parents]
    op = node.op.name
    if op in ("+", "*", "/") and len(parents) == 2:
        if op == "*" and parents[1] == "-1":
            return f"-{parents[0]}"
        return f"{parents[0]} {op} {parents[1]}"
    if op == "**" and len(parents) == 2:
        return f"{parents[0]} ** {parents[1]}"
    if op.startswith("**"):
        return f"{parents[0]} {op}"
    return f"{op}({', '.join(parents)})"


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
    for node in topological_order(root):
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
    return Exercise(seed, level, root, named)


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


# --- checking --------------------------------------------------------------------------------


@dataclass
class Report:
    """Per node "right", "wrong" or "missing"; a diagnosis of the first wrong one (None when all given are right)."""

    results: dict[str, str]
    diagnosis: str | None
    expected: dict[str, float] = field(repr=False)

    @property
    def score(self) -> tuple[int, int]:
        """(right, all)."""
        return sum(r == "right" for r in self.results.values()), len(self.results)


def close(given: float, expected: float) -> bool:
    return math.isclose(given, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def check(ex: Exercise, answers: dict[str, float]) -> Report:
    """Mark the student's gradients ({node name: number}, any subset) and diagnose the first wrong one."""
    if not isinstance(answers, dict):
        raise TypeError(f"answers must be a dict of node name -> gradient, got {type(answers).__name__}")
    unknown = [name for name in answers if name not in ex.nodes]
    if unknown:
        raise ValueError(f"no node named {', '.join(map(repr, unknown))}; the nodes are {', '.join(ex.order())}")
    for name, value in answers.items():
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise ValueError(f"the answer for {name} must be a finite number, got {value!r}")
    expected = ex.answers()
    results = {}
    for name in ex.order():
        if name not in answers:
            results[name] = "missing"
        else:
            results[name] = "right" if close(float(answers[name]), expected[name]) else "wrong"
    wrong = next((name for name in ex.order() if results[name] == "wrong"), None)
    diagnosis = None if wrong is None else diagnose(ex, wrong, float(answers[wrong]), expected)
    return Report(results, diagnosis, expected)


def diagnose(ex: Exercise, name: str, given: float, expected: dict[str, float] | None = None) -> str:
    """Which chain-rule step into `name` gives the student's number, read off backward's steps."""
    expected = expected if expected is not None else ex.answers()
    right = expected[name]
    node = ex.nodes[name]
    steps = [s for s in ex.steps() if s.parent is node and not s.is_seed]
    shown = f"you have {_number(given)}, the gradient is {_number(right)}"
    if node is ex.root:
        return f"dL/dL: backprop starts from the seed, dL/dL = 1 (L.grad = 1); {shown}."
    if len(steps) > 1:
        for k in range(1, len(steps)):
            for subset in combinations(steps, k):
                partial = math.fsum(s.contribution for s in subset)
                if close(given, partial) and not close(partial, right):
                    terms = " + ".join(_number(s.contribution) for s in steps)
                    uses = ", ".join(_name(s.node) for s in steps)
                    return (
                        f"{name} is used {len(steps)} times (by {uses}): its gradient is the sum over all of them, "
                        f"{terms} = {_number(right)}; you have {_number(given)}, "
                        f"{'one of them' if k == 1 else f'{k} of them'}. (micrograd's bug: `=` instead of `+=`.)"
                    )
    for s in steps:
        rest = right - s.contribution
        for wrong_local, what in _wrong_locals(s):
            if not close(wrong_local, s.local) and close(given, rest + wrong_local * s.upstream):
                return (
                    f"in the step {s.text}: you used d{_name(s.node)}/d{name} = {_number(wrong_local)} ({what}); "
                    f"the rule is {s.rule}, which gives {_number(s.local)}. {shown}."
                )
        for wrong_upstream, what in _wrong_upstreams(s, ex, expected):
            if not close(wrong_upstream, s.upstream) and close(given, rest + s.local * wrong_upstream):
                return (
                    f"in the step {s.text}: you multiplied the local derivative {_number(s.local)} by {what} "
                    f"({_number(wrong_upstream)}); the chain rule multiplies by the upstream gradient "
                    f"dL/d{_name(s.node)} = {_number(s.upstream)}. {shown}."
                )
    if close(given, -right):
        return f"the sign is wrong: {shown}. Check the signs of the local derivatives on the way from L to {name}."
    if given == 0:
        return (
            f"{shown}: a 0 everywhere comes from starting backprop at L.grad = 0; the seed is dL/dL = 1. "
            + "The steps into it: " + "; ".join(s.text for s in steps) + "."
        )  # fmt: skip
    return f"{shown}. The steps into {name}: " + "; ".join(s.text for s in steps) + "."


def _name(node: Value) -> str:
    return node.label or _number(node.data)


def _wrong_locals(s: Step) -> list[tuple[float, str]]:
    """Local derivatives people use instead of the rule, made from the step's own numbers."""
    op = s.node.op.name
    guesses = [
        (s.node.data, f"the value of {_name(s.node)} itself, {op}({_name(s.parent)}), not its derivative"),
        (s.parent.data, f"the value of {_name(s.parent)}, the input itself"),
        (1.0, "1, as if the op passed the gradient through"),
        (-s.local, "the rule with the wrong sign"),
    ]
    others = [p for i, p in enumerate(s.node.parents) if i != s.parent_index]
    guesses += [(p.data, f"the value of {_name(p)}") for p in others]
    return guesses


def _wrong_upstreams(s: Step, ex: Exercise, expected: dict[str, float]) -> list[tuple[float, str]]:
    """Upstream gradients people multiply by instead of dL/d(child)."""
    guesses = [(1.0, f"1 (the upstream gradient dL/d{_name(s.node)} left out)")]
    guesses.append((s.node.data, f"the value of {_name(s.node)} instead of its gradient"))
    for other, grad in expected.items():
        if ex.nodes[other] is not s.node:
            guesses.append((grad, f"dL/d{other}, another node's gradient"))
    return guesses


# --- worksheets ------------------------------------------------------------------------------


def worksheet(seeds: Sequence[int], level: int, path: str | Path, backend: str = "auto") -> tuple[Path, Path]:
    """Write `worksheet.html` (each exercise's graph without grads and a table to fill in) and
    `key.html` (the graphs with grads, the answers and backward's steps) into the folder `path`.
    Print them from the browser (Ctrl+P; the pages have print styles) for paper or PDF."""
    from autograd.files import write_atomically
    from autograd.render import draw_graph, render_source

    seeds = list(seeds)
    if not seeds:
        raise ValueError("worksheet needs at least one seed")
    folder = Path(path)
    folder.mkdir(parents=True, exist_ok=True)
    sheets, keys = [], []
    for number, seed in enumerate(seeds, start=1):
        ex = exercise(seed, level)
        order = topological_order(ex.root)
        with grads_set_aside(order, keep=False):
            blank = render_source(draw_graph(ex.root, show_grad=False).source, "svg", backend).decode()
            ex.root.backward()
            solved = render_source(draw_graph(ex.root).source, "svg", backend).decode()
        title = f"Exercise {number} (level {level}, seed {seed})"
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        rows = "".join(
            f"<tr><td><code>dL/d{html.escape(n)}</code></td><td class='blank'></td></tr>" for n in ex.order()
        )
        sheets.append(
            f"<section><h2>{title}</h2><div class='graph'>{_svg(blank)}</div><ol class='forward'>{forward}</ol>"
            f"<table><tr><th>gradient</th><th>your answer</th></tr>{rows}</table></section>"
        )
        answers = ex.answers()
        key_rows = "".join(
            f"<tr><td><code>dL/d{html.escape(n)}</code></td><td>{_number(answers[n])}</td></tr>" for n in ex.order()
        )
        steps = "".join(f"<li><code>{html.escape(str(s))}</code> <small>{html.escape(s.rule)}</small></li>"
                        for s in ex.steps())  # fmt: skip
        keys.append(
            f"<section><h2>{title}: answers</h2><div class='graph'>{_svg(solved)}</div>"
            f"<table><tr><th>gradient</th><th>answer</th></tr>{key_rows}</table>"
            f"<ol class='steps'>{steps}</ol></section>"
        )
    header = f"Backprop by hand, level {level}: {LEVELS[level]}"
    intro = (
        "<p>For each graph, compute dL/d(node) for every node, starting from dL/dL = 1. Write 4 significant digits.</p>"
    )
    sheet_path, key_path = folder / "worksheet.html", folder / "key.html"
    write_atomically(sheet_path, _page(header, intro + "".join(sheets)).encode())
    write_atomically(key_path, _page(header + ": answer key", "".join(keys)).encode())
    return sheet_path, key_path


def _svg(svg: str) -> str:
    return svg[svg.index("<svg") :]


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
  section {{ break-inside: avoid; page-break-inside: avoid; margin-bottom: 2rem; }}
  .graph svg {{ max-width: 100%; height: auto; }}
  table {{ border-collapse: collapse; }}
  td, th {{ border: 1px solid #999; padding: 4px 10px; text-align: left; }}
  td.blank {{ width: 10em; }}
  @media print {{ section {{ page-break-after: always; }} body {{ margin: 0; }} }}
</style></head>
<body><h1>{html.escape(title)}</h1>
{body}
</body></html>
"""


# --- a quiz in a notebook --------------------------------------------------------------------

_QUIZ_ESM = """
function render({ model, el }) {
  el.innerHTML = '<div class="bp-quiz"><div class="bp-graph"></div><table class="bp-answers"></table>'
    + '<button class="bp-check">Check</button><p class="bp-diagnosis"></p></div>';
  el.querySelector(".bp-graph").innerHTML = model.get("svg");  // drawn by Graphviz from Python
  var table = el.querySelector(".bp-answers"), inputs = {};
  model.get("names").forEach(function (name) {
    var row = table.insertRow(), input = document.createElement("input");
    row.insertCell().textContent = "dL/d" + name + " =";
    input.size = 10;
    input.setAttribute("aria-label", "dL/d" + name);
    row.insertCell().appendChild(input);
    row.insertCell().className = "bp-mark";
    inputs[name] = input;
  });
  el.querySelector(".bp-check").onclick = function () {
    var answers = {};
    Object.keys(inputs).forEach(function (name) {
      var text = inputs[name].value.trim();
      if (text !== "" && isFinite(Number(text))) answers[name] = Number(text);
    });
    model.set("answers", answers);
    model.save_changes();  // Python marks them (autograd.exercises.check) and sends results back
  };
  function marks() {
    var results = model.get("results");
    Object.keys(inputs).forEach(function (name) {
      var mark = inputs[name].parentElement.nextSibling, r = results[name];
      mark.textContent = r === "right" ? "right" : r === "wrong" ? "wrong" : "";
      mark.className = "bp-mark " + (r || "");
    });
    el.querySelector(".bp-diagnosis").textContent = model.get("diagnosis");
  }
  model.on("change:results", marks);
  model.on("change:diagnosis", marks);
  marks();
}
export default { render };
"""
_QUIZ_CSS = """
  .bp-quiz .bp-graph { overflow: auto; max-height: 60vh; }
  .bp-quiz .bp-mark.right { color: #15803d; font-weight: 600; }
  .bp-quiz .bp-mark.wrong { color: #b91c1c; font-weight: 600; }
  .bp-quiz .bp-diagnosis { font-family: ui-monospace, monospace; }
"""


@functools.cache
def _quiz_class() -> type:
    """The anywidget class, made once anywidget is imported (an ImportError is not cached)."""
    import anywidget
    import traitlets

    class Quiz(anywidget.AnyWidget):
        """An exercise's graph and a box per node; Check marks the answers with `check`."""

        _esm = _QUIZ_ESM
        _css = _QUIZ_CSS
        svg = traitlets.Unicode("").tag(sync=True)
        names = traitlets.List([]).tag(sync=True)
        answers = traitlets.Dict({}).tag(sync=True)
        results = traitlets.Dict({}).tag(sync=True)
        diagnosis = traitlets.Unicode("").tag(sync=True)

        def __init__(self, ex: Exercise, **kwargs) -> None:
            super().__init__(**kwargs)
            self.exercise = ex
            self.observe(self._mark, names="answers")

        def _mark(self, change) -> None:
            try:
                report = check(self.exercise, dict(change["new"]))
            except ValueError as error:
                self.results, self.diagnosis = {}, str(error)
                return
            self.results = report.results
            right, total = report.score
            self.diagnosis = report.diagnosis or f"{right} of {total} right" + (
                "." if right < total else ": all of them."
            )

        def __repr__(self) -> str:
            return f"<backprop quiz: level {self.exercise.level}, seed {self.exercise.seed}>"

    return Quiz


def quiz(level: int = 1, seed: int = 0, widget: bool | None = None):
    """An exercise to answer in a notebook: the graph and a box per node, marked by `check`
    (a widget; widget=None uses one in a notebook). Elsewhere, or without anywidget, it prints
    the exercise and returns it: answer with `check(ex, {...})`."""
    from autograd.stepper import in_notebook

    ex = exercise(seed, level)
    if widget is None:
        widget = in_notebook()
    if widget:
        try:
            Quiz = _quiz_class()
        except ImportError:
            print("(the quiz needs anywidget: pip install anywidget; here is the exercise as text)")
        else:
            from autograd.render import draw_graph, render_source

            with grads_set_aside(topological_order(ex.root), keep=False):
                svg = render_source(draw_graph(ex.root, show_grad=False).source, "svg").decode()
            return Quiz(ex, svg=_svg(svg), names=ex.order())
    print(ex)
    print("Answer with exercises.check(ex, {'L': 1, ...}): the gradient of L with respect to each node.")
    return ex


# --- practice in the terminal ----------------------------------------------------------------


def practise(ex: Exercise, read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> Report:
    """Ask for each node's gradient in backprop's order, check it at once, explain a mistake,
    let the student try again (Enter skips to the answer); then the step-through. EOF stops."""
    write(str(ex))
    write("Compute dL/d(node) for each node, in backprop's order (a number; Enter shows the answer).")
    answers: dict[str, float] = {}
    expected = ex.answers()
    try:
        for name in ex.order():
            while True:
                text = read(f"  dL/d{name} = ").strip()
                if not text:
                    write(f"    the answer: {_number(expected[name])}")
                    break
                try:
                    given = float(text)
                except ValueError:
                    write(f"    {text!r} is not a number; try again (Enter shows the answer)")
                    continue
                if not math.isfinite(given):
                    write("    give a finite number")
                    continue
                if close(given, expected[name]):
                    answers[name] = given
                    write("    right")
                    break
                write(f"    not quite: {diagnose(ex, name, given, expected)}")
    except (EOFError, KeyboardInterrupt):
        write("\nstopped.")
        return check(ex, answers)
    report = check(ex, answers)
    right, total = report.score
    write(f"\n{right} of {total} right at the first or a later try. Backprop, step by step:")
    for s in ex.steps():
        write(f"  {s}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograd.exercises", description="Backprop by hand: practise, or print worksheets."
    )
    parser.add_argument("--level", type=int, choices=sorted(LEVELS), default=1, help="1 to 4 (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="which exercise (default 0); worksheets start here")
    parser.add_argument("--worksheet", type=int, metavar="N", help="write N exercises and their key, instead")
    parser.add_argument("--out", default="out/worksheets", help="the worksheets' folder (default out/worksheets)")
    args = parser.parse_args(argv)
    if args.worksheet is not None:
        if not 1 <= args.worksheet <= 500:
            parser.error(f"--worksheet takes 1 to 500 exercises, got {args.worksheet}")
        sheet, key = worksheet(range(args.seed, args.seed + args.worksheet), args.level, args.out)
        print(f"wrote {sheet} and {key}")
        return 0
    practise(exercise(args.seed, args.level))
    return 0


if __name__ == "__main__":
    sys.exit(main())
