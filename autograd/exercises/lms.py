"""The exercises as an LMS's questions, marked with the engine's answers.

    python -m autograd.exercises export moodle --level 2 --count 5 --out DIR     DIR/questions.xml
    python -m autograd.exercises export qti --level 2 --count 5 --out DIR        DIR/questions-qti.zip

Moodle XML (Moodle's question bank, Import, format "Moodle XML"), written with the standard
library's xml.etree (no well-kept writer of the format fits: the `moodle-questions` package
does not embed files): a category per exercise (`$course$/backprop by hand/level L/seed S`), so
that a quiz's "random question" can draw from one, holding a numerical question per node
("dL/dd = ?"), with the graph as an embedded SVG and the forward pass. Each question's right
answer is the engine's, with Moodle's absolute tolerance max(ABS_TOL, REL_TOL * |answer|), as
close as Moodle can say checking.py's math.isclose; its wrong answers are the numbers the
known mistakes give (a path left out of a reused node, the sign), each with its diagnosis as
the feedback.

QTI 1.2 (what Canvas imports: Settings, Import Course Content, "QTI .zip file"), also written
with xml.etree (text2qti writes QTI from its own plain-text quiz format, not from questions
made in code): a zip of imsmanifest.xml and one assessment per exercise, an item per node with
a numerical response right within the same margin (never under 1e-4), the graph as an SVG
file of the zip beside it.

PrairieLearn (`export prairielearn`): a question folder per level whose server.py makes each
variant with this package, vendored into serverFilesCourse (autograd/exercises/prairielearn.py).

With `--roster students.csv --course C` (moodle and qti) the exercises are each student's own
(classroom.student_seed), named "student ID, exercise K" beside their seed, so an LMS's export of
the answers maps back to the student; PrairieLearn makes its students' variants itself.

Moodle also gets one question per variant: a Cloze ("embedded answers") question holding every
node's box, the right answer and the known mistakes each with its margin and feedback, all in the
category `$course$/backprop by hand/level L/variants`, so a quiz's "random question" from it hands
each student a different exercise.
"""

from __future__ import annotations

import base64
import html
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from autograd.exercises.checking import ABS_TOL, REL_TOL, diagnosis
from autograd.exercises.generate import LEVELS, Exercise, exercise, number
from autograd.views.explain import Step

FORMATS = ("moodle", "qti", "prairielearn")
QTI_MARGIN = 1e-4  # the smallest margin a numerical answer gets in QTI (Canvas rounds finer ones away)


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


def _who(seed: int, titles: dict[int, str] | None) -> str:
    """How an exercise is named: "seed 5", or "student s001, exercise 2, seed 1234..." from a roster."""
    return f"{titles[seed]}, seed {seed}" if titles and seed in titles else f"seed {seed}"


def _category(quiz: ET.Element, path: str) -> None:
    category = ET.SubElement(quiz, "question", type="category")
    _text(category, "category", f"$course$/backprop by hand/{path}")


_CLOZE_SPECIAL = re.compile(r'([}#~/"\\])')


def _cloze(text: str) -> str:
    """Text inside a Cloze answer: HTML-escaped, and Cloze's own } # ~ / " \\ escaped with a backslash."""
    return _CLOZE_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _moodle_text(level: int, who: str, forward: str, asked: str) -> str:
    """A question's text: the exercise, its graph (the question's graph.svg), its forward pass, what to compute."""
    return (
        f"<p>Backprop by hand, level {level} ({html.escape(LEVELS[level])}), {html.escape(who)}.</p>"
        f'<p><img src="@@PLUGINFILE@@/graph.svg" alt="the graph of the exercise; its nodes are listed below"></p>'
        f"<ol>{forward}</ol><p>Compute {asked}, starting from dL/dL = 1. Give 4 significant digits.</p>"
    )


def _cloze_question(quiz: ET.Element, ex: Exercise, title: str, picture: str, forward: str) -> None:
    """One Moodle question for the whole exercise: a NUMERICAL box per node."""
    answers = ex.answers()
    boxes = []
    for name in ex.order():
        right = answers[name]
        choices = [f"%100%{right!r}:{tolerance(right)!r}#{_cloze(f'Right: dL/d{name} = {number(right)}.')}"]
        choices += [f"%0%{value!r}:{tolerance(value)!r}#{_cloze(words)}" for value, words in mistakes(ex, name)]
        boxes.append(f"<li><code>dL/d{html.escape(name)}</code> = {{1:NUMERICAL:{'~'.join(choices)}}}</li>")
    question = ET.SubElement(quiz, "question", type="cloze")
    _text(question, "name", f"level {ex.level}, {title}: every node")
    text = _moodle_text(ex.level, title, forward, "the gradient of every node") + f"<ul>{''.join(boxes)}</ul>"
    body = _text(question, "questiontext", text, format="html")
    ET.SubElement(body, "file", name="graph.svg", path="/", encoding="base64").text = picture
    key = "; ".join(f"dL/d{name} = {number(answers[name])}" for name in ex.order())
    _text(question, "generalfeedback", html.escape(key + "."), format="html")
    ET.SubElement(question, "penalty").text = "0.3333333"
    ET.SubElement(question, "hidden").text = "0"


def moodle_xml(seeds: Sequence[int], level: int, titles: dict[int, str] | None = None) -> bytes:
    """The Moodle XML question bank of the exercises of `seeds` at `level`: a category per exercise
    with a numerical question per node, then a Cloze question per exercise in one category
    ("variants"). titles: {seed: "student ID, exercise K"} for a roster's exercises."""
    quiz = ET.Element("quiz")
    shown = {}
    for seed in seeds:
        ex = exercise(seed, level)
        where = titles[seed].replace(", ", "/") if titles and seed in titles else f"seed {seed}"
        _category(quiz, f"level {level}/{where}")
        picture = base64.b64encode(_graph_svg(ex).encode()).decode("ascii")
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        answers = ex.answers()
        for name in ex.order():
            question = ET.SubElement(quiz, "question", type="numerical")
            _text(question, "name", f"level {level}, {_who(seed, titles)}: dL/d{name}")
            text = _moodle_text(level, _who(seed, titles), forward, f"<code>dL/d{html.escape(name)}</code>")
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
        shown[seed] = (ex, picture, forward)
    _category(quiz, f"level {level}/variants")
    for seed, (ex, picture, forward) in shown.items():
        _cloze_question(quiz, ex, _who(seed, titles), picture, forward)
    ET.indent(quiz)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8") + b"\n"


_NUMERICAL_NAME = re.compile(r"seed (\d+): dL/d(.+)$")
_CLOZE_NAME = re.compile(r"seed (\d+): every node$")
_CLOZE_BOX = re.compile(r"<code>dL/d(.+?)</code> = \{1:NUMERICAL:%100%([^:]+):")


def read_moodle(data: bytes, cloze: bool = False) -> dict[tuple[int, str], float]:
    """A Moodle XML bank read back: {(seed, node): the right answer}, from its numerical questions
    (or, cloze=True, from its Cloze questions' boxes)."""
    found = {}
    for question in ET.fromstring(data).iter("question"):
        title = question.findtext("name/text") or ""
        if question.get("type") == "numerical" and not cloze:
            seed, node = _NUMERICAL_NAME.search(title).groups()
            right = next(a for a in question.findall("answer") if float(a.get("fraction")) == 100)
            found[int(seed), node] = float(right.findtext("text"))
        elif question.get("type") == "cloze" and cloze:
            seed = int(_CLOZE_NAME.search(title).group(1))
            for node, right in _CLOZE_BOX.findall(question.findtext("questiontext/text")):
                found[seed, html.unescape(node)] = float(right)
    return found


_IMS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
_QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


def _field(parent: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def qti_zip(seeds: Sequence[int], level: int, titles: dict[int, str] | None = None) -> bytes:
    """A QTI 1.2 zip: imsmanifest.xml, and per exercise an assessment (an item per node, answered
    within max(QTI_MARGIN, the checker's margin) of the engine's number) and its graph as SVG."""
    import io
    import zipfile

    files: dict[str, bytes] = {}
    manifest = ET.Element("manifest", identifier="backprop-lab-exercises", xmlns=_IMS)
    ET.SubElement(manifest, "organizations")
    resources = ET.SubElement(manifest, "resources")
    for seed in seeds:
        ex = exercise(seed, level)
        ident = f"level{level}-seed{seed}"
        picture, quiz_file = f"{ident}/graph.svg", f"{ident}/{ident}.xml"
        files[picture] = _graph_svg(ex).encode()
        root = ET.Element("questestinterop", xmlns=_QTI)
        title = f"Backprop by hand, level {level}, {_who(seed, titles)}"
        assessment = ET.SubElement(root, "assessment", ident=ident, title=title)
        section = ET.SubElement(assessment, "section", ident=f"{ident}-section")
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        answers = ex.answers()
        for name in ex.order():
            item = ET.SubElement(section, "item", ident=f"{ident}-{name}", title=f"dL/d{name}")
            metadata = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
            _field(metadata, "question_type", "numerical_question")
            _field(metadata, "points_possible", "1")
            presentation = ET.SubElement(item, "presentation")
            material = ET.SubElement(presentation, "material")
            ET.SubElement(material, "mattext", texttype="text/html").text = (
                f"<p>Backprop by hand, level {level}, {_who(seed, titles)}.</p>"
                f'<p><img src="graph.svg" alt="the graph of the exercise; its nodes are listed below"></p>'
                f"<ol>{forward}</ol><p>Compute <code>dL/d{html.escape(name)}</code>, starting from dL/dL = 1. "
                "Give 4 significant digits.</p>"
            )
            response = ET.SubElement(presentation, "response_str", ident="response1", rcardinality="Single")
            ET.SubElement(response, "render_fib", fibtype="Decimal")
            processing = ET.SubElement(item, "resprocessing")
            ET.SubElement(ET.SubElement(processing, "outcomes"), "decvar", maxvalue="100", minvalue="0",
                          varname="SCORE", vartype="Decimal")  # fmt: skip
            right = answers[name]
            margin = max(QTI_MARGIN, tolerance(right))
            condition = ET.SubElement(processing, "respcondition", attrib={"continue": "No"})
            within = ET.SubElement(ET.SubElement(condition, "conditionvar"), "or")
            ET.SubElement(within, "varequal", respident="response1").text = repr(right)
            both = ET.SubElement(within, "and")
            ET.SubElement(both, "vargte", respident="response1").text = repr(right - margin)
            ET.SubElement(both, "varlte", respident="response1").text = repr(right + margin)
            ET.SubElement(condition, "setvar", action="Set", varname="SCORE").text = "100"
        ET.indent(root)
        files[quiz_file] = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"
        resource = ET.SubElement(resources, "resource", identifier=ident, type="imsqti_xmlv1p2", href=quiz_file)
        ET.SubElement(resource, "file", href=quiz_file)
        ET.SubElement(resource, "file", href=picture)
    ET.indent(manifest)
    files = {"imsmanifest.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(manifest, encoding="utf-8"),
             **files}  # fmt: skip
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)  # the same bytes each time
    return out.getvalue()


def read_qti(data: bytes) -> dict[tuple[int, str], tuple[float, float]]:
    """A QTI zip read back: {(seed, node): (the right answer, its margin)}, from the assessments the
    manifest names (a ValueError if it names one the zip lacks, or leaves one out)."""
    import io
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    named = [r.get("href") for r in manifest.iter(f"{{{_IMS}}}resource")]
    assessments = sorted(n for n in archive.namelist() if n.endswith(".xml") and n != "imsmanifest.xml")
    if sorted(named) != assessments:
        raise ValueError(f"the manifest names {sorted(named)}, the zip holds {assessments}")
    found = {}
    for href in named:
        root = ET.fromstring(archive.read(href))
        for item in root.iter(f"{{{_QTI}}}item"):
            seed = int(item.get("ident").split("-seed", 1)[1].split("-", 1)[0])
            node = item.get("title").removeprefix("dL/d")
            right = float(item.find(f".//{{{_QTI}}}varequal").text)
            low = float(item.find(f".//{{{_QTI}}}vargte").text)
            found[seed, node] = (right, right - low)
    return found


def export(
    format: str, seeds: Sequence[int], level: int, out: str | Path, titles: dict[int, str] | None = None
) -> tuple[Path, ...]:
    """Write the exercises of `seeds` in an LMS's format into the folder `out` (moodle: questions.xml;
    qti: questions-qti.zip; prairielearn: the level's question folder and serverFilesCourse, whose
    variants PrairieLearn makes, so `seeds` are not used). titles: {seed: "student ID, exercise K"}."""
    from autograd.exercises.classroom import _write

    if format not in FORMATS:
        raise ValueError(f"the formats are {', '.join(FORMATS)}; got {format!r}")
    if format == "prairielearn":
        from autograd.exercises.prairielearn import course_files

        return _write(out, course_files([level]))
    seeds = list(seeds)
    if not seeds or not all(math.isfinite(s) for s in seeds):
        raise ValueError("export needs at least one seed")
    if format == "qti":
        return _write(out, {"questions-qti.zip": qti_zip(seeds, level, titles)})
    return _write(out, {"questions.xml": moodle_xml(seeds, level, titles)})
