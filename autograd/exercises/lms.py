"""The exercises as an LMS's questions, marked with the engine's answers.

    python -m autograd.exercises export moodle --level 2 --count 5 --out DIR     DIR/questions.xml

Moodle XML (Moodle's question bank, Import, format "Moodle XML"), written with the standard
library's xml.etree (no well-kept writer of the format fits: the `moodle-questions` package
does not embed files): a category per exercise (`$course$/backprop by hand/level L/seed S`), so
that a quiz's "random question" can draw from one, holding a numerical question per node
("dL/dd = ?"), with the graph as an embedded SVG and the forward pass. Each question's right
answer is the engine's, with Moodle's absolute tolerance max(ABS_TOL, REL_TOL * |answer|), as
close as Moodle can say checking.py's math.isclose; its wrong answers are the numbers the
known mistakes give (a path left out of a reused node, the sign), each with its diagnosis as
the feedback.
"""

from __future__ import annotations

import base64
import html
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from autograd.exercises.checking import ABS_TOL, REL_TOL, diagnosis
from autograd.exercises.generate import LEVELS, Exercise, exercise, number
from autograd.views.explain import Step

FORMATS = ("moodle",)


def tolerance(answer: float, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> float:
    """The absolute margin an LMS takes: max(abs_tol, rel_tol * |answer|)."""
    return max(abs_tol, rel_tol * abs(answer))


def mistakes(ex: Exercise, name: str) -> list[tuple[float, str]]:
    """The numbers the known mistakes give for dL/d`name` (far enough from the answer to tell apart),
    each with its diagnosis: every single path into a reused node, and the sign."""
    right = ex.answers()[name]
    node = ex.nodes[name]
    steps: list[Step] = [s for s in ex.steps() if s.parent is node and not s.is_seed]
    values = [s.contribution for s in steps] if len(steps) > 1 else []
    values.append(-right)
    found: list[tuple[float, str]] = []
    for value in values:
        apart = [abs(value - other) > 2 * (tolerance(value) + tolerance(other)) for other, _ in found]
        if abs(value - right) > 2 * (tolerance(value) + tolerance(right)) and all(apart):
            found.append((value, diagnosis(ex, name, value).text))
    return found


def _text(parent: ET.Element, tag: str, words: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    ET.SubElement(element, "text").text = words
    return element


def _graph_svg(ex: Exercise) -> str:
    from autograd.views.render import svg

    return svg(ex.drawing, show_grad=False)


def moodle_xml(seeds: Sequence[int], level: int) -> bytes:
    """The Moodle XML question bank of the exercises of `seeds` at `level`."""
    quiz = ET.Element("quiz")
    for seed in seeds:
        ex = exercise(seed, level)
        category = ET.SubElement(quiz, "question", type="category")
        _text(category, "category", f"$course$/backprop by hand/level {level}/seed {seed}")
        picture = base64.b64encode(_graph_svg(ex).encode()).decode("ascii")
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        answers = ex.answers()
        for name in ex.order():
            question = ET.SubElement(quiz, "question", type="numerical")
            _text(question, "name", f"level {level}, seed {seed}: dL/d{name}")
            text = (
                f"<p>Backprop by hand, level {level} ({html.escape(LEVELS[level])}), seed {seed}.</p>"
                f'<p><img src="@@PLUGINFILE@@/graph.svg" alt="the graph of the exercise; its nodes are listed below">'
                f"</p><ol>{forward}</ol><p>Compute <code>dL/d{html.escape(name)}</code>, starting from dL/dL = 1. "
                "Give 4 significant digits.</p>"
            )
            body = _text(question, "questiontext", text, format="html")
            ET.SubElement(body, "file", name="graph.svg", path="/", encoding="base64").text = picture
            ET.SubElement(question, "defaultgrade").text = "1"
            ET.SubElement(question, "penalty").text = "0.3333333"
            ET.SubElement(question, "hidden").text = "0"
            right = answers[name]
            choices = [(100, right, f"Right: dL/d{name} = {number(right)}.")]
            choices += [(0, value, words) for value, words in mistakes(ex, name)]
            for fraction, value, words in choices:
                answer = _text(question, "answer", repr(value), fraction=str(fraction), format="moodle_auto_format")
                ET.SubElement(answer, "tolerance").text = repr(tolerance(value))
                _text(answer, "feedback", html.escape(words), format="html")
            _text(question, "generalfeedback", html.escape(f"dL/d{name} = {number(right)}."), format="html")
            units = ET.SubElement(question, "units")
            units.text = None
            ET.SubElement(question, "unitgradingtype").text = "0"
            ET.SubElement(question, "showunits").text = "3"  # no units asked for
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"


def read_moodle(data: bytes) -> dict[tuple[int, str], float]:
    """A Moodle XML bank read back: {(seed, node): the right answer}."""
    found = {}
    for question in ET.fromstring(data).iter("question"):
        if question.get("type") != "numerical":
            continue
        title = question.findtext("name/text")
        seed, node = title.split("seed ", 1)[1].split(": dL/d", 1)
        right = next(a for a in question.findall("answer") if float(a.get("fraction")) == 100)
        found[int(seed), node] = float(right.findtext("text"))
    return found


def export(format: str, seeds: Sequence[int], level: int, out: str | Path) -> tuple[Path, ...]:
    """Write the exercises of `seeds` in an LMS's format into the folder `out` (moodle: questions.xml)."""
    from autograd.exercises.classroom import _write

    if format not in FORMATS:
        raise ValueError(f"the formats are {', '.join(FORMATS)}; got {format!r}")
    seeds = list(seeds)
    if not seeds or not all(math.isfinite(s) for s in seeds):
        raise ValueError("export needs at least one seed")
    return _write(out, {"questions.xml": moodle_xml(seeds, level)})
