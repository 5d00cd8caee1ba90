"""The exercises as PrairieLearn questions: a question per level whose variants this package makes.

    python -m autograd.exercises export prairielearn --level 2 --out DIR

DIR is laid out as a PrairieLearn course is (copy both folders into the course's repository):

    questions/backprop-by-hand/level-2/info.json       title, topic, tags, a uuid (the same for the same level)
    questions/backprop-by-hand/level-2/question.html   the graph (pl-graph, from its DOT), the forward pass,
                                                        a pl-number-input per node
    questions/backprop-by-hand/level-2/server.py       generate(data) and grade(data), calling this module
    serverFilesCourse/autograd/...                      this package, vendored: pure Python, nothing to install
    serverFilesCourse/graphviz/...                      the graphviz package, which writes the DOT

PrairieLearn makes each student's variant itself: `generate(data)` takes the exercise of seed
`data["variant_seed"]` at the question's level, puts its graph, forward pass and nodes in
`data["params"]` and the engine's gradients in `data["correct_answers"]`; `grade(data)` marks the
submitted answers with `autograd.exercises.check` (the same margins as everywhere else: right within
REL_TOL or ABS_TOL, math.isclose), a partial score per node, the score the share of right nodes,
and the diagnosis of the first wrong node in `data["feedback"]["diagnosis"]`, which the submission
panel shows. The answer names are `d_<node>` (dL/da is `d_a`).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from autograd.exercises.checking import ABS_TOL, REL_TOL, check
from autograd.exercises.generate import LEVELS, Exercise, exercise, number

QUESTIONS = Path("questions/backprop-by-hand")
_UUIDS = uuid.UUID("6b1d0c52-55b4-4f0e-9a0e-9b2c1f3c7a10")  # the namespace of the questions' uuids

SERVER_PY = '''"""Backprop by hand, level {level}: each variant is autograd.exercises.exercise(variant_seed, {level}).

Written by `python -m autograd.exercises export prairielearn`; the package is in serverFilesCourse/.
"""

import os
import sys

LEVEL = {level}


def _library(data):
    """serverFilesCourse on sys.path (PrairieLearn says where it is; else it is two folders up)."""
    here = os.path.dirname(os.path.abspath(__file__))
    course = os.path.join(here, os.pardir, os.pardir, os.pardir)
    folder = data.get("options", {{}}).get("server_files_course_path") or os.path.join(course, "serverFilesCourse")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    from autograd.exercises import prairielearn

    return prairielearn


def generate(data):
    _library(data).generate(data, LEVEL)


def grade(data):
    _library(data).grade(data, LEVEL)
'''

QUESTION_HTML = """<pl-question-panel>
  <p>Backprop by hand, level {{params.level}}: {{params.about}}.</p>
  <pl-graph>{{{params.dot}}}</pl-graph>
  <p>The forward pass:</p>
  <ul>
    {{#params.forward}}<li><code>{{.}}</code></li>{{/params.forward}}
  </ul>
  <p>Give the gradient of L with respect to every node, starting from dL/dL = 1, to 4 significant digits.</p>
</pl-question-panel>

{{#params.nodes}}
<pl-number-input answers-name="{{answer}}" label="dL/d{{name}} =" comparison="relabs" rtol="{{params_rtol}}"
  atol="{{params_atol}}" aria-label="dL/d{{name}}"></pl-number-input>
{{/params.nodes}}

<pl-submission-panel>
  <p>{{feedback.diagnosis}}</p>
</pl-submission-panel>

<pl-answer-panel>
  <ul>
    {{#params.key}}<li><code>{{.}}</code></li>{{/params.key}}
  </ul>
</pl-answer-panel>
"""


def answer_name(node: str) -> str:
    """The PrairieLearn answer name of dL/d`node`: d_<node>."""
    return f"d_{node}"


def _variant(data: dict, level: int) -> Exercise:
    seed = data.get("params", {}).get("seed", data.get("variant_seed"))
    try:
        seed = int(seed)
    except (TypeError, ValueError):
        raise ValueError(f"a PrairieLearn variant needs a whole-number variant_seed; got {seed!r}") from None
    return exercise(seed, level)


def generate(data: dict, level: int) -> None:
    """PrairieLearn's generate: the variant of data["variant_seed"] in data["params"], its gradients in
    data["correct_answers"]."""
    from autograd.views.render import draw_graph

    ex = _variant(data, level)
    answers = ex.answers()
    params = data.setdefault("params", {})
    params.update({
        "seed": ex.seed,
        "level": level,
        "about": LEVELS[level],
        "dot": draw_graph(ex.drawing, "LR", show_grad=False, stacked=True).source,
        "forward": ex.forward_lines(),
        "nodes": [{"name": name, "answer": answer_name(name), "params_rtol": REL_TOL, "params_atol": ABS_TOL}
                  for name in ex.order()],
        "key": [f"dL/d{name} = {number(answers[name])}" for name in ex.order()],
    })  # fmt: skip
    correct = data.setdefault("correct_answers", {})
    correct.update({answer_name(name): answers[name] for name in ex.order()})


def grade(data: dict, level: int) -> None:
    """PrairieLearn's grade: each node right or wrong by `check`, the score the share right, and the
    diagnosis of the first wrong node (or "k of n right.") in data["feedback"]["diagnosis"]."""
    ex = _variant(data, level)
    submitted = data.get("submitted_answers", {})
    answers = {}
    for name in ex.order():
        value = submitted.get(answer_name(name))
        try:
            value = float(value)
        except (TypeError, ValueError):
            continue  # not given, or not a number: pl-number-input has already said so
        if value == value and abs(value) != float("inf"):
            answers[name] = value
    report = check(ex, answers)
    scores = data.setdefault("partial_scores", {})
    for name, mark in report.results.items():
        scores[answer_name(name)] = {"score": 1.0 if mark == "right" else 0.0, "weight": 1}
    right, total = report.score
    data["score"] = right / total
    data.setdefault("feedback", {})["diagnosis"] = report.message


def question_files(level: int) -> dict[str, bytes]:
    """The question folder of a level: {path in the course: its bytes}."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(map(str, LEVELS))}; got {level!r}")
    folder = QUESTIONS / f"level-{level}"
    info = {
        "uuid": str(uuid.uuid5(_UUIDS, f"backprop by hand, level {level}")),
        "title": f"Backprop by hand, level {level}",
        "topic": "Backpropagation",
        "tags": ["backprop-lab", f"level-{level}"],
        "type": "v3",
        "singleVariant": False,
    }
    return {
        f"{folder}/info.json": (json.dumps(info, indent=2) + "\n").encode(),
        f"{folder}/question.html": QUESTION_HTML.encode(),
        f"{folder}/server.py": SERVER_PY.format(level=level).encode(),
    }


def vendored_files() -> dict[str, bytes]:
    """This package and the graphviz package as serverFilesCourse holds them: their .py files and py.typed."""
    import autograd

    try:
        import graphviz
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ImportError("the PrairieLearn export vendors the graphviz package: pip install graphviz") from None
    files = {}
    for package in (Path(autograd.__file__).parent, Path(graphviz.__file__).parent):
        for path in sorted(package.rglob("*")):
            if path.is_file() and (path.suffix == ".py" or path.name == "py.typed") and "__pycache__" not in path.parts:
                files[f"serverFilesCourse/{package.name}/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    return files


def course_files(levels: list[int]) -> dict[str, bytes]:
    """Every file of the export: a question folder per level, and serverFilesCourse."""
    files = {}
    for level in levels:
        files.update(question_files(level))
    files.update(vendored_files())
    return files
