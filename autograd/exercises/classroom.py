"""A class: a variant for every student of a roster, everyone's answers graded at once, and the
mistakes the class made counted.

    python -m autograd.exercises sheets --roster students.csv --course "ML 2026 sheet 3" --level 2 --count 5 --out DIR
    python -m autograd.exercises grade answers.csv --roster students.csv --course "ML 2026 sheet 3" --level 2 \
        --count 5 --out DIR

A student's seed is `student_seed(course, id)`: the first 8 bytes, read as a big-endian unsigned
integer, of the SHA-256 of the UTF-8 text "backprop-lab student seed\\n{course}\\n{id}" (course and
id with the spaces around them taken off and in Unicode NFC). The same on every machine and in
every Python; one student's seed says nothing about another's. Anyone with the course key and an
id can make that student's sheet: the Lab's class code is the key, so a student who has it can make
a classmate's exercise from the classmate's id (variants stop copied answers, not a determined
student; for an exam, hand out sheets and keep the key).
Exercise k (from 1) of a student is `exercise(seed + k - 1, level)`.

The roster is a CSV file with a header: an id column (`id`, `student`, `student id` or
`student_id`) and, if it likes, a `name` column. The answers are a CSV file with the columns
`student, exercise, node, answer` (exercise numbered from 1), a row per gradient, the shape a
spreadsheet or an LMS export gives. A bad row is reported by its line, never dropped in silence.
Nothing is written until all of it is made.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from autograd.exercises.checking import ABS_TOL, KINDS, REL_TOL, Report, check
from autograd.exercises.generate import LEVELS, Exercise, exercise
from autograd.files import write_atomically

ID_COLUMNS = ("id", "student", "student id", "student_id")
NAME_COLUMNS = ("name", "student name", "full name")
ANSWER_COLUMNS = ("student", "exercise", "node", "answer")


def student_seed(course: str, student_id: str) -> int:
    """The student's seed: int.from_bytes(sha256("backprop-lab student seed\\n{course}\\n{id}")[:8], "big")."""
    text = f"backprop-lab student seed\n{_canonical(course)}\n{_canonical(student_id)}"
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _canonical(text: str) -> str:
    return unicodedata.normalize("NFC", str(text).strip())


def student_exercises(course: str, student_id: str, level: int, count: int) -> list[Exercise]:
    """The student's `count` exercises: exercise(seed + k, level) for k = 0, 1, ..., seed = student_seed(course, id)."""
    seed = student_seed(course, student_id)
    return [exercise(seed + k, level) for k in range(count)]


def student_exercise(course: str, student_id: str, k: int, level: int) -> Exercise:
    """Exercise k (from 1) of a student: exercise(student_seed(course, id) + k - 1, level), what the Lab's
    class code and `quiz(course=, student=)` give the student, and what `grade` marks."""
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 50:
        raise ValueError(f"the exercise's number is a whole number from 1 to 50; got {k!r}")
    if not _canonical(course) or not _canonical(student_id):
        raise ValueError("a class's exercise needs the class code (the course key) and the student's id")
    return exercise(student_seed(course, student_id) + k - 1, level)


def answer_rows(student_id: str, k: int, answers: dict[str, float], header: bool = True) -> str:
    """A student's answers as the rows `grade` reads: student, exercise, node, answer (repr: every digit)."""
    rows = [list(ANSWER_COLUMNS)] if header else []
    rows += [[_canonical(student_id), k, node, repr(float(value))] for node, value in answers.items()]
    return _csv(rows).decode("utf-8")


def roster_seeds(roster: Sequence[Student], course: str, count: int) -> tuple[list[int], dict[int, str]]:
    """Every student's exercise seeds in roster order, and {seed: "student ID, exercise K"} (an LMS's names)."""
    seeds, titles = [], {}
    for student in roster:
        first = student_seed(course, student.id)
        for k in range(count):
            seeds.append(first + k)
            titles[first + k] = f"student {student.id}, exercise {k + 1}"
    return seeds, titles


# --- reading the roster and the answers ---------------------------------------------------------


class ClassFileError(ValueError):
    """A roster or answers file that cannot be used: every problem, each with its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Student:
    """A student of the roster: the id, the name ("" when the roster has none), the line it is on."""

    id: str
    name: str
    line: int


def _rows(path: str | Path, what: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV file's header (lower case, stripped) and its rows that are not blank, each with its line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's UTF-8 starts with a BOM
    except UnicodeDecodeError as error:
        raise ClassFileError([f"{path}: the {what} is not UTF-8 text ({error.reason} at byte {error.start})"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line holds no one
            if header is None:
                header = [cell.strip().lower() for cell in row]
            else:
                rows.append((reader.line_num, row))
    except csv.Error as error:
        raise ClassFileError([f"{path} line {reader.line_num}: {error}"]) from None
    if header is None:
        raise ClassFileError([f"{path}: the {what} is empty (it needs a header line, then a row per student)"])
    return header, rows


def _column(header: list[str], names: Sequence[str]) -> int | None:
    return next((header.index(name) for name in names if name in header), None)


def read_roster(path: str | Path) -> list[Student]:
    """The students of a roster CSV, in its order; raises ClassFileError naming every bad line."""
    header, rows = _rows(path, "roster")
    at, name_at = _column(header, ID_COLUMNS), _column(header, NAME_COLUMNS)
    if at is None:
        raise ClassFileError(
            [f"{path} line 1: no id column; the header has {', '.join(header)}, and the id column is one of "
             f"{', '.join(ID_COLUMNS)}"]
        )  # fmt: skip
    students, seen, problems = [], {}, []
    for line, row in rows:
        student_id = _canonical(row[at]) if at < len(row) else ""
        name = row[name_at].strip() if name_at is not None and name_at < len(row) else ""
        if not student_id:
            problems.append(f"{path} line {line}: no student id")
        elif student_id in seen:
            problems.append(f"{path} line {line}: the id {student_id!r} is already on line {seen[student_id]}")
        else:
            seen[student_id] = line
            students.append(Student(student_id, name, line))
    if not students and not problems:
        problems.append(f"{path}: the roster has a header but no students")
    if problems:
        raise ClassFileError(problems)
    return students


@dataclass(frozen=True)
class BadRow:
    """A row of the answers that was not used: its line, why, and the row as it was."""

    line: int
    reason: str
    row: tuple[str, ...]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason} ({', '.join(self.row)})"


def read_answers(
    path: str | Path, exercises: dict[str, list[Exercise]]
) -> tuple[dict[tuple[str, int], dict[str, float]], list[BadRow]]:
    """The answers CSV as {(student id, exercise number): {node: answer}}, and the rows not used, each
    with its line: an unknown student or exercise, a node the exercise does not have, an answer that
    is not a finite number, a second answer for the same gradient (the first is used)."""
    header, rows = _rows(path, "answers file")
    where = {
        name: _column(header, (name,) if name != "student" else ("student", *ID_COLUMNS)) for name in ANSWER_COLUMNS
    }
    missing = [name for name, at in where.items() if at is None]
    if missing:
        raise ClassFileError(
            [f"{path} line 1: no {' or '.join(missing)} column; the header needs {', '.join(ANSWER_COLUMNS)}"]
        )
    answers: dict[tuple[str, int], dict[str, float]] = {}
    first: dict[tuple[str, int, str], int] = {}
    bad = []
    for line, row in rows:
        cells = {name: (row[at].strip() if at < len(row) else "") for name, at in where.items()}
        student, which, node, given = (cells[name] for name in ANSWER_COLUMNS)
        student = _canonical(student)
        reason = None
        count = len(exercises.get(student, ()))
        k = int(which) if re.fullmatch(r"\d+", which) else None
        if student not in exercises:
            reason = f"no student {student!r} on the roster" if student else "no student id"
        elif k is None or not 1 <= k <= count:
            reason = f"no exercise {which!r}: the exercises are numbered 1 to {count}"
        elif node not in exercises[student][k - 1].nodes:
            ex = exercises[student][k - 1]
            reason = (f"exercise {k} of {student} has no node {node!r}; its nodes are {', '.join(ex.order())}" if node
                      else "no node named")  # fmt: skip
        else:
            value = _number(given)
            if value is None:
                reason = f"the answer {given!r} is not a number" if given else "no answer"
            elif (student, k, node) in first:
                earlier = first[student, k, node]
                reason = f"a second answer for dL/d{node} of exercise {k} of {student}: line {earlier}'s is used"
            else:
                first[student, k, node] = line
                answers.setdefault((student, k), {})[node] = value
        if reason is not None:
            bad.append(BadRow(line, reason, tuple(row)))
    return answers, bad


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


# --- grading ------------------------------------------------------------------------------------


@dataclass
class Graded:
    """A student's marks: a Report per exercise (check's), and the answers it marked."""

    student: Student
    reports: list[Report]
    given: list[dict[str, float]]

    @property
    def score(self) -> tuple[int, int]:
        """(right, all) over the student's exercises."""
        return sum(r.score[0] for r in self.reports), sum(r.score[1] for r in self.reports)

    @property
    def first_wrong(self) -> tuple[int, Report] | None:
        """(exercise number, its report) of the first exercise with a wrong answer."""
        return next(((k, r) for k, r in enumerate(self.reports, start=1) if r.mistake is not None), None)


@dataclass
class Grades:
    """A class's grades: per student, the rows not used, and how it was marked."""

    course: str
    level: int
    count: int
    students: list[Graded]
    bad_rows: list[BadRow] = field(default_factory=list)
    rel_tol: float = REL_TOL
    abs_tol: float = ABS_TOL

    def mistakes(self) -> list[tuple[Student, int, Report]]:
        """Every exercise's diagnosis (its first wrong node), in roster order."""
        return [(g.student, k, r) for g in self.students for k, r in enumerate(g.reports, start=1) if r.mistake]

    def tally(self) -> Counter:
        """How many exercises had each kind of mistake; a wrong local derivative counts by op ("local tanh")."""
        return Counter(_kind(report) for _, _, report in self.mistakes())


def _kind(report: Report) -> str:
    mistake = report.mistake
    return f"local {mistake.op}" if mistake.kind == "local" else mistake.kind


def grade(
    roster: Sequence[Student],
    answers: str | Path,
    course: str,
    level: int,
    count: int,
    rel_tol: float = REL_TOL,
    abs_tol: float = ABS_TOL,
) -> Grades:
    """Mark every student's answers (the CSV `answers`) against their own exercises."""
    exercises = {s.id: student_exercises(course, s.id, level, count) for s in roster}
    given, bad = read_answers(answers, exercises)
    graded = []
    for s in roster:
        theirs = [given.get((s.id, k), {}) for k in range(1, count + 1)]
        graded.append(Graded(s, [check(ex, a, rel_tol, abs_tol) for ex, a in zip(exercises[s.id], theirs)], theirs))
    return Grades(course, level, count, graded, bad, rel_tol, abs_tol)


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def grades_csv(grades: Grades) -> bytes:
    """A row per student: score, out of, the first wrong node (exercise:node), its mistake's kind and
    diagnosis, then per exercise its score and its marks ("L=right a=wrong b=missing")."""
    head = ["student", "name", "score", "out of", "first wrong", "mistake", "diagnosis"]
    head += [f"exercise {k} {what}" for k in range(1, grades.count + 1) for what in ("score", "marks")]
    rows = [head]
    for g in grades.students:
        first = g.first_wrong
        wrong = ["", "", ""] if first is None else [f"{first[0]}:{first[1].mistake.node}", _kind(first[1]),
                                                    first[1].mistake.text]  # fmt: skip
        row = [g.student.id, g.student.name, *g.score, *wrong]
        for r in g.reports:
            row += [r.score[0], " ".join(f"{node}={mark}" for node, mark in r.results.items())]
        rows.append(row)
    return _csv(rows)


def marks_csv(grades: Grades) -> bytes:
    """A row per gradient: student, exercise, node, the answer given ("" if none), the engine's, the
    mark, and on each exercise's first wrong node its mistake's kind and diagnosis."""
    rows = [["student", "exercise", "node", "answer", "expected", "mark", "mistake", "diagnosis"]]
    for g in grades.students:
        for k, (r, given) in enumerate(zip(g.reports, g.given), start=1):
            for node, mark in r.results.items():
                first = r.mistake is not None and r.mistake.node == node
                rows.append([g.student.id, k, node, repr(given[node]) if node in given else "", repr(r.expected[node]),
                             mark, _kind(r) if first else "", r.mistake.text if first else ""])  # fmt: skip
    return _csv(rows)


def key_csv(roster: Sequence[Student], course: str, level: int, count: int) -> bytes:
    """The answer key: student, exercise, node, answer (the engine's, exactly), in roster and backprop order."""
    rows = [list(ANSWER_COLUMNS)]
    for s in roster:
        for k, ex in enumerate(student_exercises(course, s.id, level, count), start=1):
            answers = ex.answers()
            rows += [[s.id, k, node, repr(answers[node])] for node in ex.order()]
    return _csv(rows)


def write_grades(grades: Grades, out: str | Path) -> tuple[Path, ...]:
    """Write grades.csv, marks.csv and report.html into the folder `out`, once all three are made."""
    files = {"grades.csv": grades_csv(grades), "marks.csv": marks_csv(grades), "report.html": report_html(grades)}
    return _write(out, files)


def _write(out: str | Path, files: dict[str, bytes]) -> tuple[Path, ...]:
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "it is a file, not a folder", str(folder))
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
    return tuple(write_atomically(folder / name, data) for name, data in files.items())


# --- the report ---------------------------------------------------------------------------------

TALLY_ORDER = ("path", "local", "upstream", "sign", "seed", "unrecognised")


def _tally_rows(grades: Grades) -> list[tuple[str, str, int, list[tuple[Student, int, Report]]]]:
    """(kind, what it is, how many, examples) in KINDS' order, a row per op for the local derivatives."""
    found: dict[str, list] = {}
    for student, k, report in grades.mistakes():
        found.setdefault(_kind(report), []).append((student, k, report))
    rows = []
    for kind in TALLY_ORDER:
        keys = sorted(key for key in found if key.split(" ", 1)[0] == kind) or [kind]
        for key in keys:
            what = KINDS[kind] if key == kind else f"a wrong local derivative of {key.split(' ', 1)[1]}"
            rows.append((key, what, len(found.get(key, [])), found.get(key, [])))
    return rows


def _bars(title: str, bars: list[tuple[str, float, str]], unit: str = "") -> str:
    """A horizontal bar chart as inline SVG: (label, value, the value as shown) per bar."""
    row, label_width, width = 22, 250, 300
    top = max((value for _, value, _ in bars), default=0) or 1
    height = row * len(bars) + 8
    named = html.escape(title, quote=True)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' role='img' width='{label_width + width + 80}' "
             f"height='{height}' aria-label='{named}'><title>{named}</title>"]  # fmt: skip
    for i, (label, value, shown) in enumerate(bars):
        y = 4 + i * row
        length = width * value / top
        parts.append(
            f"<text x='{label_width - 6}' y='{y + 15}' text-anchor='end'>{html.escape(label)}</text>"
            f"<rect x='{label_width}' y='{y + 3}' width='{length:.1f}' height='{row - 6}' fill='#2563eb'/>"
            f"<text x='{label_width + length + 4:.1f}' y='{y + 15}'>{html.escape(shown)}"
            f"{unit.removesuffix('s') if shown == '1' else unit}</text>"  # 1 student, 2 students
        )
    return "".join(parts) + "</svg>"


def _table(head: list[str], rows: list[list], caption: str = "") -> str:
    cells = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    heading = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in head)
    caption = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{caption}<thead><tr>{heading}</tr></thead><tbody>{cells}</tbody></table>"


def report_html(grades: Grades) -> bytes:
    """The class's report: the score distribution, each node's difficulty, the tally of mistakes with
    examples, and the rows of the answers not used; charts as inline SVG, nothing from another host."""
    students = grades.students
    sections = []
    # the scores, in tenths of the whole (100% apart)
    bins = Counter()
    for g in students:
        right, total = g.score
        share = right / total if total else 0.0
        bins[10 if share == 1 else int(share * 10)] += 1
    labels = [f"{10 * b}-{10 * b + 9}%" for b in range(10)] + ["100%"]
    bars = [(labels[b], bins[b], str(bins[b])) for b in range(11)]
    scores = [g.score[0] / g.score[1] for g in students if g.score[1]]
    mean = 100 * sum(scores) / len(scores) if scores else 0.0
    many = f"{len(students)} student{'' if len(students) == 1 else 's'}"
    sections.append(
        "<section><h2 id='scores'>Scores</h2>"
        f"<p>{many}, {grades.count} exercises each at level {grades.level} ({LEVELS[grades.level]}); "
        f"the mean score is {mean:.1f}% of the nodes right. Right is within {grades.rel_tol:g} relative or "
        f"{grades.abs_tol:g} absolute of the engine's gradient.</p>"
        + _bars("students by the share of nodes right", bars, " students")
        + _table(["share of nodes right", "students"], [[label, count] for label, _, count in bars])
        + "</section>"
    )
    # each node's difficulty, by its name across the variants
    marks: dict[str, Counter] = {}
    for g in students:
        for r in g.reports:
            for node, mark in r.results.items():
                marks.setdefault(node, Counter())[mark] += 1
    difficulty = []
    for node, c in marks.items():
        answered = c["right"] + c["wrong"]
        difficulty.append((c["wrong"] / answered if answered else 0.0, node, c))
    difficulty.sort(key=lambda item: (-item[0], item[1]))
    sections.append(
        "<section><h2 id='nodes'>Which gradients were hard</h2>"
        "<p>Each node by its name, over every student's variants: the share of the answers given that were wrong.</p>"
        + _bars(
            "share wrong of the answers given, by node",
            [(f"dL/d{n}", 100 * w, f"{100 * w:.0f}") for w, n, _ in difficulty],
            "%",
        )  # fmt: skip
        + _table(
            ["node", "right", "wrong", "missing", "wrong of those given"],
            [[f"dL/d{n}", c["right"], c["wrong"], c["missing"], f"{100 * w:.1f}%"] for w, n, c in difficulty],
        )  # fmt: skip
        + "</section>"
    )
    # the tally of mistakes
    tally = _tally_rows(grades)
    examples = []
    for _, what, _, found in tally:
        for student, k, report in found[:3]:
            examples.append([what, student.id, k, f"dL/d{report.mistake.node}", report.mistake.text])
    sections.append(
        "<section><h2 id='mistakes'>The mistakes the class made</h2>"
        f"<p>Each exercise's first wrong gradient, diagnosed from the engine's steps: {len(grades.mistakes())} "
        "exercises had one.</p>"
        + _bars(
            "exercises by the kind of their first mistake",
            [(what, count, str(count)) for _, what, count, _ in tally],
            " exercises",
        )  # fmt: skip
        + _table(["mistake", "kind", "exercises"], [[what, key, count] for key, what, count, _ in tally])
        + _table(["mistake", "student", "exercise", "gradient", "diagnosis"], examples, "up to 3 examples of each")
        + "</section>"
    )
    bad = grades.bad_rows
    sections.append(
        f"<section><h2 id='bad-rows'>Rows of the answers not used ({len(bad)})</h2>"
        + (
            _table(["line", "why", "the row"], [[b.line, b.reason, ", ".join(b.row)] for b in bad])
            if bad
            else "<p>Every row was used.</p>"
        )  # fmt: skip
        + "</section>"
    )
    title = f"{grades.course}: backprop by hand, level {grades.level}, the class's report"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; max-width: 70rem; }}
  table {{ border-collapse: collapse; margin: .6rem 0 1.2rem 0; }}
  td, th {{ border: 1px solid #999; padding: 3px 8px; text-align: left; vertical-align: top; }}
  caption {{ text-align: left; font-weight: bold; padding: .2rem 0; }}
  svg text {{ font: 13px system-ui, sans-serif; fill: #111; }}
</style></head>
<body><h1>{html.escape(title)}</h1>
{"".join(sections)}
</body></html>
""".encode()


# --- the sheets ---------------------------------------------------------------------------------


def _file_name(student_id: str) -> str:
    """A student's id as a file's name: what is not a letter, digit, '-' or '.' becomes '_'."""
    return re.sub(r"[^\w.-]", "_", student_id).lstrip(".") or "_"


def sheets(
    roster: Sequence[Student],
    course: str,
    level: int,
    count: int,
    out: str | Path,
    merged: bool = False,
    paper: str = "letter",
    title: str = "",
    backend: str = "auto",
) -> tuple[Path, ...]:
    """Write every student's worksheet and key as PDF, their name and id printed on them: `sheets/<id>.pdf`
    and `keys/<id>.pdf`, or with `merged=True` `sheets.pdf` and `keys.pdf` in roster order; and `key.csv`
    (student, exercise, node, answer). Nothing is written until all of it is made."""
    from autograd.exercises.paper import _pdfs
    from autograd.views.pdf import need
    from autograd.views.slides import PAPERS

    if paper not in PAPERS:
        raise ValueError(f"paper must be 'letter' or 'a4', got {paper!r}")
    if not roster:
        raise ValueError("the roster has no students")
    names: dict[str, Student] = {}
    for s in roster:
        name = _file_name(s.id)
        if name in names:
            raise ValueError(f"line {s.line}: the id {s.id!r} makes the file name {name}.pdf, as line "
                             f"{names[name].line}'s {names[name].id!r} does")  # fmt: skip
        names[name] = s
    header = (f"{title}: " if title else "") + f"Backprop by hand, level {level}: {LEVELS[level]}"
    made = []
    for name, s in names.items():
        exercises = student_exercises(course, s.id, level, count)
        made.append((name, *_pdfs(exercises, header, paper, backend, student=(s.name, s.id))))
    files: dict[str, bytes] = {}
    if merged:
        pypdf = need("pypdf", "pypdf", "merged PDFs")
        for which, index in (("sheets.pdf", 1), ("keys.pdf", 2)):
            writer = pypdf.PdfWriter()
            for parts in made:
                writer.append(pypdf.PdfReader(io.BytesIO(parts[index])))
            data = io.BytesIO()
            writer.write(data)
            files[which] = data.getvalue()
    else:
        for name, sheet, key in made:
            files[f"sheets/{name}.pdf"] = sheet
            files[f"keys/{name}.pdf"] = key
    files["key.csv"] = key_csv(roster, course, level, count)
    return _write(out, files)
