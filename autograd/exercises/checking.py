"""Checking a student's gradients, node by node, and diagnosing the first wrong one.

A diagnosis is read off the engine's own backward steps into the first wrong node (in
the order backprop computes them): each step's local derivative, its rule and its
upstream gradient. It tries the mistakes people make on those numbers (leaving out a
path into a reused node, a wrong local derivative, the wrong upstream gradient, a
sign, the seed dL/dL = 1) and names the one that gives the student's number.

`diagnosis()` says the same as `diagnose()` with its kind for a machine (one of KINDS: a class's
tally counts them), the node and, for a wrong local derivative, the op.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import combinations
from numbers import Real

from autograd.engine import Value
from autograd.exercises.generate import Exercise, number
from autograd.views.explain import Step

REL_TOL = 1e-3  # an answer to 4 significant digits is right
ABS_TOL = 1e-3
KINDS = {  # a diagnosis's kind -> what it says, for a class's tally
    "path": "a path left out of a reused node (`=` instead of `+=`)",
    "local": "a wrong local derivative (by op)",
    "upstream": "the wrong upstream gradient",
    "sign": "the sign",
    "seed": "the seed dL/dL = 1",
    "unrecognised": "a number no known mistake gives",
}


@dataclass(frozen=True)
class Diagnosis:
    """What went wrong in the gradient of `node`: its `kind` (a key of KINDS), the `op` whose local
    derivative was wrong (kind "local"), and the sentence for the student (`text`, as diagnose says it)."""

    kind: str
    node: str
    text: str
    op: str | None = None

    def __str__(self) -> str:
        return self.text


@dataclass
class Report:
    """Per node "right", "wrong" or "missing"; a diagnosis of the first wrong one (None when all given are right)."""

    results: dict[str, str]
    diagnosis: str | None
    expected: dict[str, float] = field(repr=False)
    mistake: Diagnosis | None = field(default=None, repr=False)  # the diagnosis with its kind

    @property
    def score(self) -> tuple[int, int]:
        """(right, all)."""
        return sum(r == "right" for r in self.results.values()), len(self.results)

    @property
    def message(self) -> str:
        """What to tell the student: the diagnosis, or how many are right ("4 of 7 right.")."""
        if self.diagnosis is not None:
            return self.diagnosis
        right, total = self.score
        return f"{right} of {total} right" + (": all of them." if right == total else ".")


def close(given: float, expected: float, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> bool:
    return math.isclose(given, expected, rel_tol=rel_tol, abs_tol=abs_tol)


def check(ex: Exercise, answers: dict[str, float], rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> Report:
    """Mark the student's gradients ({node name: number}, any subset) and diagnose the first wrong one;
    right is within rel_tol or abs_tol of the engine's (math.isclose)."""
    if not isinstance(answers, dict):
        raise TypeError(f"answers must be a dict of node name -> gradient, got {type(answers).__name__}")
    unknown = [name for name in answers if name not in ex.nodes]
    if unknown:
        raise ValueError(f"no node named {', '.join(map(repr, unknown))}; the nodes are {', '.join(ex.order())}")
    given = {name: _answer(name, value) for name, value in answers.items()}
    expected = ex.answers()
    results = {}
    for name in ex.order():
        if name not in given:
            results[name] = "missing"
        else:
            results[name] = "right" if close(given[name], expected[name], rel_tol, abs_tol) else "wrong"
    wrong = next((name for name in ex.order() if results[name] == "wrong"), None)
    mistake = None if wrong is None else diagnosis(ex, wrong, given[wrong], expected, rel_tol, abs_tol)
    return Report(results, None if mistake is None else mistake.text, expected, mistake)


def _answer(name: str, value: object) -> float:
    """A student's answer as a float: a finite number (an int too large for a float is not one)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"the answer for {name} must be a finite number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        shown = f"an int of {len(str(abs(value)))} digits" if isinstance(value, int) else repr(value)
        raise ValueError(f"the answer for {name} must be a finite number, got {shown}")
    return number


def diagnose(ex: Exercise, name: str, given: float, expected: dict[str, float] | None = None) -> str:
    """Which chain-rule step into `name` gives the student's number, read off backward's steps."""
    return diagnosis(ex, name, given, expected).text


def diagnosis(
    ex: Exercise,
    name: str,
    given: float,
    expected: dict[str, float] | None = None,
    rel_tol: float = REL_TOL,
    abs_tol: float = ABS_TOL,
) -> Diagnosis:
    """diagnose's sentence with its kind (a key of KINDS), node and op; a guess matches the student's
    number within the tolerances."""

    def close(a: float, b: float) -> bool:
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)

    expected = expected if expected is not None else ex.answers()
    right = expected[name]
    node = ex.nodes[name]
    steps = [s for s in ex.steps() if s.parent is node and not s.is_seed]
    shown = f"you have {number(given)}, the gradient is {number(right)}"
    if node is ex.root:
        return Diagnosis("seed", name, f"dL/dL: backprop starts from the seed, dL/dL = 1 (L.grad = 1); {shown}.")
    if len(steps) > 1:
        for k in range(1, len(steps)):
            for subset in combinations(steps, k):
                partial = math.fsum(s.contribution for s in subset)
                if close(given, partial) and not close(partial, right):
                    terms = " + ".join(number(s.contribution) for s in steps)
                    uses = ", ".join(_name(s.node) for s in steps)
                    return Diagnosis("path", name, (
                        f"{name} is used {len(steps)} times (by {uses}): its gradient is the sum over all of them, "
                        f"{terms} = {number(right)}; you have {number(given)}, "
                        f"{'one of them' if k == 1 else f'{k} of them'}. (micrograd's bug: `=` instead of `+=`.)"
                    ))  # fmt: skip
    for s in steps:
        rest = right - s.contribution
        for wrong_local, what in _wrong_locals(s):
            if not close(wrong_local, s.local) and close(given, rest + wrong_local * s.upstream):
                return Diagnosis("local", name, (
                    f"in the step {s.text}: you used d{_name(s.node)}/d{name} = {number(wrong_local)} ({what}); "
                    f"the rule is {s.rule}, which gives {number(s.local)}. {shown}."
                ), op=s.node.op.name)  # fmt: skip
        for wrong_upstream, what in _wrong_upstreams(s, ex, expected):
            if not close(wrong_upstream, s.upstream) and close(given, rest + s.local * wrong_upstream):
                return Diagnosis("upstream", name, (
                    f"in the step {s.text}: you multiplied the local derivative {number(s.local)} by {what} "
                    f"({number(wrong_upstream)}); the chain rule multiplies by the upstream gradient "
                    f"dL/d{_name(s.node)} = {number(s.upstream)}. {shown}."
                ))  # fmt: skip
    if close(given, -right):
        return Diagnosis("sign", name, (
            f"the sign is wrong: {shown}. Check the signs of the local derivatives on the way from L to {name}."
        ))  # fmt: skip
    if given == 0:
        return Diagnosis("seed", name, (
            f"{shown}: a 0 everywhere comes from starting backprop at L.grad = 0; the seed is dL/dL = 1. "
            + "The steps into it: " + "; ".join(s.text for s in steps) + "."
        ))  # fmt: skip
    return Diagnosis("unrecognised", name, f"{shown}. The steps into {name}: " + "; ".join(s.text for s in steps) + ".")


def _name(node: Value) -> str:
    return node.label or number(node.data)


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
