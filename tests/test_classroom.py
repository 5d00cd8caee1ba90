"""A class of 300 (issue 24): a variant per student from a roster, everyone graded at once, the
mistakes counted, the exercises exported for an LMS.

The oracles: a table of seeds fixed here (so a change of the derivation, on any machine or Python,
fails); the exercises' own numbers (Exercise.answers(), its steps); a synthetic class whose
mistakes are made here, each the way a student makes it (one path of a reused node, tanh's value
for its derivative, the upstream gradient left out, the sign, the seed), so that the tally must
be what was injected; the PDFs' text as pypdf reads it; the Moodle XML parsed back.
"""

import csv
import io
import math
import subprocess
import sys
from collections import Counter

import pytest

from autograd import exercises as E
from autograd.exercises import classroom as C
from autograd.exercises import lms
from tests.test_html_browser import browser, open_page, serve  # noqa: F401 (fixtures)

COURSE = "ML 2026 sheet 3"
SEEDS = {  # course, id -> seed: fixed, on every machine and in every Python
    ("ML 2026 sheet 3", "s001"): 18054263688684223800,
    ("ML 2026 sheet 3", "s002"): 12811139474622168973,
    ("ML 2026 sheet 4", "s001"): 4599643262968323666,
    ("CS 101", "ada@example.org"): 18384682188906206031,
    ("CS 101", "Émile"): 9076561819644614977,
    ("CS 101", " Émile "): 9076561819644614977,  # the spaces around an id are not part of it
    ("CS 101", "E\u0301mile"): 9076561819644614977,  # nor how its accent is typed (NFC)
}


def test_the_seed_is_the_same_everywhere_and_differs_for_10000_ids():
    for (course, student), seed in SEEDS.items():
        assert C.student_seed(course, student) == seed
    seeds = {C.student_seed(COURSE, f"s{k:05d}") for k in range(10_000)}
    assert len(seeds) == 10_000 and all(0 <= s < 2**64 for s in seeds)
    exercises = C.student_exercises(COURSE, "s001", 2, 3)
    assert [ex.seed for ex in exercises] == [SEEDS[COURSE, "s001"] + k for k in range(3)]


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_a_roster_is_read_in_order_and_its_problems_are_named_by_line(tmp_path):
    roster = C.read_roster(write(tmp_path / "r.csv", "\ufeffName,Student ID\nAda,s1\n\nBo, s2 \n"))
    assert [(s.id, s.name, s.line) for s in roster] == [("s1", "Ada", 2), ("s2", "Bo", 4)]
    assert [s.id for s in C.read_roster(write(tmp_path / "ids.csv", "id\nx\ny\n"))] == ["x", "y"]
    for text, problems in [
        ("name\nAda\n", ["line 1: no id column; the header has name"]),
        ("id,name\na,A\nb,B\na,C\n,D\n", ["line 4: the id 'a' is already on line 2", "line 5: no student id"]),
        ("id,name\n", ["the roster has a header but no students"]),
        ("", ["the roster is empty"]),
    ]:
        with pytest.raises(C.ClassFileError) as caught:
            C.read_roster(write(tmp_path / "bad.csv", text))
        assert len(caught.value.problems) == len(problems)
        for said, wanted in zip(caught.value.problems, problems):
            assert wanted in said, said
    result = run_cli("sheets", "--roster", str(tmp_path / "bad.csv"), "--course", "C", "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "error:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def pdf_text(path) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


@pytest.fixture(scope="module")
def class_sheets(tmp_path_factory):
    pytest.importorskip("reportlab")
    pytest.importorskip("pypdf")
    folder = tmp_path_factory.mktemp("sheets")
    roster_file = write(folder / "students.csv", "id,name\ns001,Ada Lovelace\ns002,Émile Borel\n")
    roster = C.read_roster(roster_file)
    each = C.sheets(roster, COURSE, 1, 2, folder / "each", title="ML 2026")
    merged = C.sheets(roster, COURSE, 1, 2, folder / "merged", merged=True, paper="a4")
    return roster, each, merged


def test_each_students_pdf_has_their_name_id_and_their_own_numbers(class_sheets):
    roster, each, _ = class_sheets
    names = [p.relative_to(each[-1].parent).as_posix() for p in each]
    assert names == ["sheets/s001.pdf", "keys/s001.pdf", "sheets/s002.pdf", "keys/s002.pdf", "key.csv"]
    for student, sheet, key in zip(roster, each[0:4:2], each[1:4:2]):
        sheet_text, key_text = pdf_text(sheet), pdf_text(key)
        assert student.name in sheet_text and student.id in sheet_text and "ML 2026" in sheet_text
        assert f"for {student.name} (student ID {student.id})" in key_text
        for k, ex in enumerate(C.student_exercises(COURSE, student.id, 1, 2), start=1):
            assert f"Exercise {k} (level 1, seed {ex.seed})" in sheet_text
            for node in ex.nodes.values():
                assert f"data {node.data:.4f}" in sheet_text
            assert all(E.number(a) in key_text for a in ex.answers().values())
    other = C.student_exercises(COURSE, "s002", 1, 2)[0].seed
    assert str(other) not in pdf_text(each[0])


def test_the_merged_pdfs_are_in_roster_order_and_key_csv_is_the_engines(class_sheets):
    roster, each, merged = class_sheets
    assert [p.name for p in merged] == ["sheets.pdf", "keys.pdf", "key.csv"]
    text = pdf_text(merged[0])
    assert text.index("Ada Lovelace") < text.index("Émile Borel")
    assert text.index("s001") < text.index("s002")
    rows = list(csv.DictReader(io.StringIO(merged[2].read_text())))
    assert merged[2].read_text() == each[4].read_text()
    expected = [(s.id, str(k), node, ex.answers()[node]) for s in roster
                for k, ex in enumerate(C.student_exercises(COURSE, s.id, 1, 2), 1) for node in ex.order()]  # fmt: skip
    assert [(r["student"], r["exercise"], r["node"], float(r["answer"])) for r in rows] == expected


# --- a synthetic class of 300 -------------------------------------------------------------------


def into(ex, node):
    return [s for s in ex.steps() if s.parent is node and not s.is_seed]


def near(a, b):
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-3)


def readings(ex, name, answers):
    """The numbers each known mistake gives for dL/d`name`, by kind: single paths of a reused node,
    a step's local derivative or upstream guessed (as people guess them), the sign, a 0 from the
    seed. An injected number near another kind's could be read two ways, so the class avoids it."""
    node, right = ex.nodes[name], answers[name]
    steps = into(ex, node)
    found = {"path": [s.contribution for s in steps] if len(steps) > 1 else [], "local": [], "upstream": []}
    for s in steps:
        rest = right - s.contribution
        others = [p.data for i, p in enumerate(s.node.parents) if i != s.parent_index]
        found["local"] += [rest + g * s.upstream for g in (s.node.data, s.parent.data, 1.0, -s.local, *others)
                           if not near(g, s.local)]  # fmt: skip
        found["upstream"] += [rest + s.local * g for g in (1.0, s.node.data, *answers.values())
                              if not near(g, s.upstream)]  # fmt: skip
    return {**found, "sign": [-right], "seed": [0.0]}


def inject(ex, kind):
    """(node, the wrong number, the tally's key) for a mistake of `kind` in this exercise, or None."""
    answers = ex.answers()
    if kind == "seed":
        return "L", 0.0, "seed"  # L.grad = 0
    for name in ex.order()[1:]:
        right, steps = answers[name], into(ex, ex.nodes[name])
        if kind == "path" and len(steps) == 2 and not near(steps[0].contribution, right):
            return name, steps[0].contribution, "path"  # `=` instead of `+=`
        one = steps[0] if len(steps) == 1 else None
        if kind == "local" and one and one.node.op.name in ("tanh", "sigmoid") and not near(one.node.data, one.local):
            wrong = one.node.data * one.upstream  # tanh(x) taken for its derivative
            if not near(wrong, right):
                return name, wrong, f"local {one.node.op.name}"
        wrong = {
            "upstream": one.local if one and not near(one.upstream, 1.0) else None,  # the upstream left out
            "sign": -right if len(steps) == 2 else None,
            "unrecognised": right + 0.37 + 3 * abs(right),
        }.get(kind)
        if wrong is not None and not near(wrong, right):
            others = [v for family, values in readings(ex, name, answers).items() if family != kind for v in values]
            if not any(near(wrong, v) for v in others):
                return name, wrong, kind
    return None


KINDS = ("none", "path", "local", "upstream", "sign", "seed", "unrecognised")


def synthetic_class(tmp_path, students=300, count=5, level=2):
    """The roster, the answers file and what was put in it: the tally of mistakes, each student's
    right answers, and the lines of the bad rows."""
    roster_lines = ["id,name"] + [f"s{i:03d},Student {i}" for i in range(students)]
    roster_file = write(tmp_path / "students.csv", "\n".join(roster_lines) + "\n")
    rows, tally, right, bad = [["student", "exercise", "node", "answer"]], Counter(), Counter(), {}
    for i in range(students):
        sid = f"s{i:03d}"
        for k, ex in enumerate(C.student_exercises(COURSE, sid, level, count), start=1):
            answers = ex.answers()
            skipped = [n for n in ex.order() if not ex.nodes[n].parents] if i % 10 == 0 and k == 1 else []
            made = inject(ex, KINDS[(i * count + k) % len(KINDS)])
            if made and made[0] not in skipped:
                tally[made[2]] += 1
                answers[made[0]] = made[1]
            else:
                made = None
            for name in ex.order():
                if name in skipped:
                    continue
                rows.append([sid, k, name, repr(answers[name])])
                right[sid] += not (made and made[0] == name)
            if i == 7 and k == 2:  # a duplicate: the first answer is used
                rows.append([sid, k, "L", "5"])
                bad[len(rows)] = "a second answer for dL/dL"
    for row, why in [
        (["nobody", 1, "L", "1"], "no student 'nobody'"),
        (["s001", 1, "L", "one"], "is not a number"),
        (["s001", 1, "zz", "1"], "has no node 'zz'"),
        (["s001", 9, "L", "1"], "no exercise '9'"),
        (["s002", 1, "L", "inf"], "is not a number"),
    ]:
        rows.append(row)
        bad[len(rows)] = why
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    answers_file = write(tmp_path / "answers.csv", out.getvalue())
    return roster_file, answers_file, tally, right, bad


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    roster_file, answers_file, tally, right, bad = synthetic_class(folder)
    grades = C.grade(C.read_roster(roster_file), answers_file, COURSE, 2, 5)
    return folder, roster_file, answers_file, grades, tally, right, bad


def test_grading_300_students_counts_exactly_the_mistakes_made(graded_class):
    _, _, _, grades, tally, right, _ = graded_class
    assert len(grades.students) == 300
    assert set(tally) >= {"path", "upstream", "sign", "seed", "unrecognised"}
    assert any(key.startswith("local ") for key in tally)
    assert min(tally.values()) >= 20  # every kind is there many times
    assert grades.tally() == tally
    assert {g.student.id: g.score[0] for g in grades.students} == dict(right)


def test_every_bad_row_is_reported_by_its_line(graded_class):
    _, _, _, grades, _, _, bad = graded_class
    assert [b.line for b in grades.bad_rows] == sorted(bad)
    for row in grades.bad_rows:
        assert bad[row.line] in row.reason, row


def test_grades_csv_has_a_row_per_student_with_the_first_wrong_node_and_its_diagnosis(graded_class, tmp_path):
    _, _, _, grades, _, right, _ = graded_class
    written = C.write_grades(grades, tmp_path)
    assert [p.name for p in written] == ["grades.csv", "marks.csv", "report.html"]
    rows = list(csv.DictReader(io.StringIO(written[0].read_text())))
    assert [r["student"] for r in rows] == [f"s{i:03d}" for i in range(300)]
    for row, g in zip(rows, grades.students):
        assert int(row["score"]) == right[row["student"]] and int(row["out of"]) == g.score[1]
        first = g.first_wrong
        if first is None:
            assert row["first wrong"] == row["mistake"] == row["diagnosis"] == ""
        else:
            assert row["first wrong"] == f"{first[0]}:{first[1].mistake.node}"
            assert row["diagnosis"] == first[1].mistake.text
        assert row["exercise 1 marks"].split() == [f"{n}={m}" for n, m in g.reports[0].results.items()]
    marks = list(csv.DictReader(io.StringIO(written[1].read_text())))
    assert sum(m["mark"] == "right" for m in marks) == sum(right.values())


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "autograd.exercises", *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def test_the_grade_command_writes_the_grades_and_says_each_bad_row_on_stderr(graded_class, tmp_path):
    _, roster_file, answers_file, grades, _, _, bad = graded_class
    result = run_cli("grade", str(answers_file), "--roster", str(roster_file), "--course", COURSE, "--level", "2",
                     "--count", "5", "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for line in bad:
        assert f"answers.csv line {line}: " in result.stderr
    assert (tmp_path / "out" / "grades.csv").read_bytes() == C.grades_csv(grades)
    unknown = run_cli("grade", str(tmp_path / "nowhere.csv"), "--roster", str(roster_file), "--course", COURSE,
                      "--out", str(tmp_path / "none"))  # fmt: skip
    assert unknown.returncode == 2 and unknown.stderr.startswith("error:") and not (tmp_path / "none").exists()


def test_the_report_shows_the_tally_and_renders_with_nothing_from_another_host(graded_class, browser, serve, tmp_path):  # noqa: F811
    _, _, _, grades, tally, _, bad = graded_class
    report = tmp_path / "report.html"  # serve() serves tmp_path
    report.write_bytes(C.report_html(grades))
    elsewhere = []
    page = open_page(browser, serve(report), elsewhere, viewport=(1280, 720))
    assert page.locator("svg").count() == 3
    shown = page.inner_text("#mistakes ~ table")
    for key, count in tally.items():
        what = E.checking.KINDS[key] if key in E.checking.KINDS else f"a wrong local derivative of {key[6:]}"
        assert f"{what}\t{key}\t{count}" in shown, key
    bad_rows = page.inner_text("#bad-rows ~ table")
    assert all(str(line) in bad_rows for line in bad)
    assert elsewhere == []
    page.close()


# --- the LMS exports ----------------------------------------------------------------------------


def test_the_moodle_bank_parses_back_to_the_engines_answers(tmp_path):
    written = lms.export("moodle", range(3), 2, tmp_path)
    back = lms.read_moodle(written[0].read_bytes())
    expected = {(seed, name): value for seed in range(3) for name, value in E.exercise(seed, 2).answers().items()}
    assert back == expected
    import xml.etree.ElementTree as ET

    root = ET.parse(written[0]).getroot()
    categories = [q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"]
    assert categories[:3] == [f"$course$/backprop by hand/level 2/seed {s}" for s in range(3)]
    for question in (q for q in root.iter("question") if q.get("type") == "numerical"):
        assert question.find("questiontext/file[@name='graph.svg']").text
        for answer in question.findall("answer"):
            value, margin = float(answer.findtext("text")), float(answer.findtext("tolerance"))
            assert margin == pytest.approx(max(1e-3, 1e-3 * abs(value)))
            assert answer.findtext("feedback/text")
    reused = E.exercise(0, 2)  # d is used twice: one of its paths is a wrong answer with its diagnosis
    wrong = [a.findtext("feedback/text") for q in root.iter("question")
             if q.findtext("name/text") == "level 2, seed 0: dL/dd" for a in q.findall("answer")
             if a.get("fraction") == "0"]  # fmt: skip
    assert any("is used 2 times" in w for w in wrong), (wrong, reused)


def test_the_qti_zip_names_every_item_in_its_manifest_with_the_engines_answers(tmp_path):
    import zipfile

    (written,) = lms.export("qti", range(3), 2, tmp_path)
    assert written.name == "questions-qti.zip"
    back = lms.read_qti(written.read_bytes())  # raises if the manifest and the zip disagree
    expected = {(seed, name): value for seed in range(3) for name, value in E.exercise(seed, 2).answers().items()}
    assert {key: right for key, (right, _) in back.items()} == expected
    assert all(margin >= 1e-4 for _, margin in back.values())
    names = zipfile.ZipFile(written).namelist()
    assert "imsmanifest.xml" in names and all(f"level2-seed{s}/graph.svg" in names for s in range(3))
    assert lms.export("qti", range(3), 2, tmp_path / "again")[0].read_bytes() == written.read_bytes()  # the same zip


def test_grading_answers_read_back_from_the_exports_gives_the_engines_marks(tmp_path):
    moodle = lms.read_moodle(lms.export("moodle", range(2), 1, tmp_path / "m")[0].read_bytes())
    zipped = lms.export("qti", range(2), 1, tmp_path / "q")[0].read_bytes()
    qti = {key: right for key, (right, _) in lms.read_qti(zipped).items()}
    for bank in (moodle, qti):
        for seed in range(2):
            ex = E.exercise(seed, 1)
            report = E.check(ex, {name: bank[seed, name] for name in ex.order()})
            assert set(report.results.values()) == {"right"}


def test_the_moodle_bank_has_one_cloze_question_per_variant_with_every_node_and_its_mistakes(tmp_path):
    import html
    import re
    import xml.etree.ElementTree as ET

    (written,) = lms.export("moodle", range(3), 2, tmp_path)
    expected = {(seed, name): value for seed in range(3) for name, value in E.exercise(seed, 2).answers().items()}
    assert lms.read_moodle(written.read_bytes(), cloze=True) == expected
    root = ET.parse(written).getroot()
    categories = [q.findtext("category/text") for q in root.iter("question") if q.get("type") == "category"]
    assert categories[-1] == "$course$/backprop by hand/level 2/variants"  # a quiz's random question draws from it
    clozes = [q for q in root.iter("question") if q.get("type") == "cloze"]
    assert [q.findtext("name/text") for q in clozes] == [f"level 2, seed {s}: every node" for s in range(3)]
    for seed, question in enumerate(clozes):
        ex = E.exercise(seed, 2)
        text = question.findtext("questiontext/text")
        boxes = re.findall(r"<code>dL/d(\w+)</code> = \{1:NUMERICAL:(.*?)(?<!\\)\}", text)
        assert [name for name, _ in boxes] == ex.order()
        for name, body in boxes:
            choices = re.split(r"(?<!\\)~", body)  # Moodle splits a box's answers at an unescaped ~
            parsed = []
            for choice in choices:
                grade, rest = re.fullmatch(r"%(\d+)%(.*)", choice).groups()
                value, tol, feedback = re.fullmatch(r"([^:#]+):([^:#]+)#(.*)", rest).groups()
                assert float(tol) == pytest.approx(max(1e-3, 1e-3 * abs(float(value))))
                parsed.append((int(grade), float(value), html.unescape(re.sub(r"\\(.)", r"\1", feedback))))
            assert parsed[0][:2] == (100, ex.answers()[name])
            assert [(v, words) for g, v, words in parsed[1:]] == lms.mistakes(ex, name)
            assert all(g == 0 for g, _, _ in parsed[1:])


def roster_of(tmp_path, students):
    return C.read_roster(write(tmp_path / "students.csv", "id,name\n" + "".join(f"{s},{s}\n" for s in students)))


def bank_answers(roster, bank, count, mistake=None):
    """The answers CSV a class would give, made from what an LMS bank says is right (by seed), with
    `mistake(ex)` -> (node, number) put into each student's first exercise."""
    seeds, titles = C.roster_seeds(roster, COURSE, count)
    rows = [["student", "exercise", "node", "answer"]]
    for seed in seeds:
        student, k = titles[seed].removeprefix("student ").split(", exercise ")
        ex = E.exercise(seed, 2)
        wrong = mistake(ex) if mistake and k == "1" else None
        for name in ex.order():
            value = wrong[1] if wrong and wrong[0] == name else bank[seed, name]
            rows.append([student, k, name, repr(value)])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def test_exports_from_a_roster_hold_each_students_own_exercises_and_grade_back_the_same(tmp_path):
    students = ["s001", "s002", "ada@example.org"]
    roster = roster_of(tmp_path, students)
    written = {}
    for fmt in ("moodle", "qti"):
        code = subprocess.run(
            [sys.executable, "-m", "autograd.exercises", "export", fmt, "--roster", str(tmp_path / "students.csv"),
             "--course", COURSE, "--level", "2", "--count", "2", "--out", str(tmp_path / fmt)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert code.returncode == 0, code.stderr
        written[fmt] = next((tmp_path / fmt).iterdir()).read_bytes()
    moodle = lms.read_moodle(written["moodle"])
    qti = {key: right for key, (right, _) in lms.read_qti(written["qti"]).items()}
    own = {(ex.seed, name): value for s in students for ex in C.student_exercises(COURSE, s, 2, 2)
           for name, value in ex.answers().items()}  # fmt: skip
    assert moodle == own and qti == own and lms.read_moodle(written["moodle"], cloze=True) == own
    assert b"student ada@example.org, exercise 2, seed" in written["moodle"]

    def sign(ex):  # a student flips the sign of the second node's gradient
        name = ex.order()[1]
        return name, -ex.answers()[name]

    key = C.key_csv(roster, COURSE, 2, 2).decode()
    for bank in (moodle, qti):
        for mistake in (None, sign):
            graded = []
            for answers in (bank_answers(roster, bank, 2, mistake), bank_answers(roster, own, 2, mistake)):
                path = write(tmp_path / "answers.csv", answers)
                graded.append(C.grades_csv(C.grade(roster, path, COURSE, 2, 2)))
            assert graded[0] == graded[1]
            if mistake is None:
                assert bank_answers(roster, bank, 2).splitlines()[1:] == key.splitlines()[1:]


def test_export_takes_roster_and_course_together_and_not_for_prairielearn(tmp_path):
    write(tmp_path / "students.csv", "id\ns001\n")
    for extra, says in [
        (["moodle", "--roster", str(tmp_path / "students.csv")], "--roster and --course go together"),
        (["prairielearn", "--roster", str(tmp_path / "students.csv"), "--course", COURSE], "variant_seed"),
    ]:
        command = [sys.executable, "-m", "autograd.exercises", "export", *extra, "--out", str(tmp_path / "x")]
        run = subprocess.run(command, capture_output=True, text=True)
        assert run.returncode == 2 and says in run.stderr and not (tmp_path / "x").exists()


PL_DRIVER = r"""
import json, runpy, sys
server, course, calls = sys.argv[1], sys.argv[2], json.loads(sys.stdin.read())
ns = runpy.run_path(server)
out = []
for data in calls:
    data.setdefault("options", {})["server_files_course_path"] = course
    ns[data.pop("_call")](data)
    out.append(data)
import autograd, graphviz
print(json.dumps({"calls": out, "autograd": autograd.__file__, "graphviz": graphviz.__file__}))
"""


def run_prairielearn(folder, level, calls):
    """server.py's functions called as PrairieLearn calls them, in a Python that has only the export
    (-I -S: no site-packages, no repository): what they did to each `data`."""
    import json

    server = folder / f"questions/backprop-by-hand/level-{level}/server.py"
    run = subprocess.run([sys.executable, "-I", "-S", "-c", PL_DRIVER, str(server), str(folder / "serverFilesCourse")],
                         input=json.dumps(calls), capture_output=True, text=True, cwd=folder)  # fmt: skip
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["autograd"].startswith(str(folder / "serverFilesCourse"))  # the vendored package, nothing else
    assert result["graphviz"].startswith(str(folder / "serverFilesCourse"))
    return result["calls"]


def test_prairielearn_questions_make_the_variant_of_a_seed_and_grade_it_with_the_diagnosis(tmp_path):
    import json
    import re

    code = subprocess.run([sys.executable, "-m", "autograd.exercises", "export", "prairielearn", "--level", "2",
                           "--out", str(tmp_path)], capture_output=True, text=True)  # fmt: skip
    assert code.returncode == 0, code.stderr
    question = tmp_path / "questions/backprop-by-hand/level-2"
    info = json.loads((question / "info.json").read_text())
    assert info["type"] == "v3" and info["title"] == "Backprop by hand, level 2" and len(info["uuid"]) == 36
    seeds = [2813449151, 7, 123456789]
    made = run_prairielearn(tmp_path, 2, [{"_call": "generate", "params": {}, "correct_answers": {},
                                           "variant_seed": seed} for seed in seeds])  # fmt: skip
    html_text = (question / "question.html").read_text()
    for seed, data in zip(seeds, made):
        ex = E.exercise(seed, 2)
        assert data["correct_answers"] == {f"d_{name}": value for name, value in ex.answers().items()}
        assert data["params"]["forward"] == ex.forward_lines()
        assert [n["answer"] for n in data["params"]["nodes"]] == [f"d_{name}" for name in ex.order()]
        assert data["params"]["dot"].startswith("digraph") and all(f'"{n} |' in data["params"]["dot"]
                                                                    for n in ex.order())  # fmt: skip
        for key in re.findall(r"\{\{[#/{]?params\.(\w+)", html_text):  # every key the template reads is there
            assert key in data["params"], key
        for key in re.findall(r"\{\{(\w+)\}\}", html_text):  # and each node's, inside {{#params.nodes}}
            assert all(key in node for node in data["params"]["nodes"]), key
    assert 'answers-name="{{answer}}"' in html_text and "{{feedback.diagnosis}}" in html_text
    chevron = pytest.importorskip("chevron")  # PrairieLearn renders question.html with Mustache, then its elements
    for seed, data in zip(seeds, made):
        shown = chevron.render(html_text, {"params": data["params"], "feedback": {"diagnosis": "DIAGNOSIS"}})
        boxes = re.findall(r'<pl-number-input answers-name="(\w+)" label="dL/d(\w+) =" comparison="relabs" '
                           r'rtol="0.001"\s+atol="0.001"', shown)  # fmt: skip
        assert boxes == [(f"d_{name}", name) for name in E.exercise(seed, 2).order()]
        graph = re.search(r"<pl-graph>(.*)</pl-graph>", shown, re.S).group(1)
        assert graph == data["params"]["dot"] and "&quot;" not in graph  # the DOT as it is, not HTML-escaped
        assert "<p>DIAGNOSIS</p>" in shown  # the forward pass, and the key in the answer panel:
        assert shown.count("<li><code>") == len(data["params"]["forward"]) + len(boxes)

    graded, expected = [], []
    for seed, data in zip(seeds, made):
        ex = E.exercise(seed, 2)
        for kind in ("none", "path", "sign", "unrecognised"):
            answers = ex.answers()
            wrong = inject(ex, kind)
            if kind != "none" and wrong is None:
                continue
            if wrong:
                answers[wrong[0]] = wrong[1]
            submitted = {f"d_{name}": value for name, value in answers.items()}
            graded.append({**data, "_call": "grade", "submitted_answers": submitted, "raw_submitted_answers":
                           {k: repr(v) for k, v in submitted.items()}, "partial_scores": {}, "score": 0,
                           "feedback": {}, "format_errors": {}})  # fmt: skip
            expected.append(E.check(ex, answers))
    assert len(expected) >= 8
    marked = run_prairielearn(tmp_path, 2, graded)
    for data, report in zip(marked, expected, strict=True):
        right, total = report.score
        assert data["score"] == right / total
        assert data["feedback"]["diagnosis"] == report.message
        assert {k: v["score"] for k, v in data["partial_scores"].items()} == {
            f"d_{name}": float(mark == "right") for name, mark in report.results.items()
        }
    assert any("is used 2 times" in d["feedback"]["diagnosis"] for d in marked)  # micrograd's bug, named
