"""The Lab's Exercise tab for a class (issue 24): a class code and an id give the student the
exercise the teacher's `grade` marks, and "Copy my answers" gives the rows `grade` reads.

The oracle: autograd.exercises.classroom in CPython (student_seed, grade) on the rows the page gave.
"""

import csv
import io
import json

from autograd import exercises as E
from autograd.exercises import classroom as C
from lab.session import Lab
from tests.test_lab_browser import SHOTS, Opened, site  # noqa: F401 (fixture)

COURSE = "ML 2026 sheet 3"


def test_a_class_code_and_an_id_give_the_students_exercise_and_its_rows():
    lab = Lab()

    def call(method, args):
        return json.loads(Lab.call(lab, method, json.dumps(args)))

    made = call("exercise", {"level": 2, "course": COURSE, "student": " s042 ", "number": 3})["result"]
    ex = C.student_exercises(COURSE, "s042", 2, 3)[2]
    assert made["seed"] == ex.seed == C.student_seed(COURSE, "s042") + 2
    assert made["names"] == ex.order() and made["student"] == {"id": "s042", "exercise": 3}
    answers = ex.answers()
    rows = call("exercise_rows", {"answers": answers})["result"]
    assert list(csv.reader(io.StringIO(rows))) == [["student", "exercise", "node", "answer"]] + [
        ["s042", "3", name, repr(answers[name])] for name in ex.order()
    ]
    for args, says in [
        ({"level": 2, "course": COURSE, "student": "", "number": 1}, "the student's id"),
        ({"level": 2, "course": COURSE, "student": "s1", "number": 0}, "from 1 to 50"),
        ({"level": 2, "course": 7, "student": "s1", "number": 1}, "are text"),
    ]:
        reply = call("exercise", args)
        assert says in reply["error"], reply
    plain = call("exercise", {"level": 1, "seed": 4})["result"]
    assert plain["seed"] == 4 and plain["student"] is None
    assert "class code" in call("exercise_rows", {"answers": {"L": 1}})["error"]


def test_the_page_gives_a_student_their_exercise_and_rows_the_teacher_grades(chromium, site, tmp_path):  # noqa: F811
    page = Opened(chromium, site, viewport=(1024, 768))
    p = page.page
    p.get_by_test_id("open-exercise").click()
    p.get_by_test_id("exercise-level").select_option("2")
    p.get_by_test_id("exercise-course").fill(COURSE)
    p.get_by_test_id("exercise-student").fill("ada@example.org")
    p.get_by_test_id("exercise-number").fill("2")
    p.get_by_test_id("exercise-new").click()
    ex = C.student_exercises(COURSE, "ada@example.org", 2, 2)[1]
    p.get_by_test_id(f"answer-{ex.order()[-1]}").wait_for()
    p.get_by_test_id("message").filter(has_text=f"seed {ex.seed}").wait_for()  # every digit of the 64-bit seed
    answers = ex.answers()
    wrong = next(n for n in ex.order()[1:] if abs(answers[n]) > 0.1)
    typed = {name: float(f"{(-v if name == wrong else v):.4g}") for name, v in answers.items()}
    for name in ex.order():
        p.get_by_test_id(f"answer-{name}").fill(f"{typed[name]:.4g}")
    p.get_by_test_id("exercise-copy").click()
    box = p.get_by_test_id("exercise-rows")
    box.wait_for(state="visible")
    rows = box.input_value()
    SHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=SHOTS / "lab-exercise-class.png")
    page.close()

    roster = tmp_path / "students.csv"
    roster.write_text("id,name\nada@example.org,Ada\nbob,Bob\n")
    (tmp_path / "answers.csv").write_text(rows)
    grades = C.grade(C.read_roster(roster), tmp_path / "answers.csv", COURSE, 2, 2)
    assert grades.bad_rows == []
    ada = next(g for g in grades.students if g.student.id == "ada@example.org")
    report = E.check(ex, typed)
    assert ada.reports[1].results == report.results and ada.reports[1].mistake.text == report.diagnosis
    assert ada.reports[0].score[0] == 0  # exercise 1 was not answered
    assert report.results[wrong] == "wrong" and report.score[0] == len(answers) - 1
