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


def fill_in_the_class(p, level, number, student=None):
    """The Exercise tab opened, its level, the class code, the exercise number and (given) the id filled in."""
    p.get_by_test_id("open-exercise").click()
    p.get_by_test_id("exercise-level").select_option(str(level))
    p.get_by_test_id("exercise-course").fill(COURSE)
    if student is not None:
        p.get_by_test_id("exercise-student").fill(student)
    p.get_by_test_id("exercise-number").fill(str(number))


def test_the_page_gives_a_student_their_exercise_and_rows_the_teacher_grades(chromium, site, tmp_path):  # noqa: F811
    page = Opened(chromium, site, viewport=(1024, 768))
    p = page.page
    fill_in_the_class(p, level=2, number=2, student="ada@example.org")
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


def test_a_class_link_round_trips_and_a_bad_one_is_refused_naming_why():
    fragment = Lab.class_link(" ML 2026 sheet 3/ä&x ", 2, 5)
    assert fragment == "#class=ML%202026%20sheet%203%2F%C3%A4%26x&level=2&count=5"  # the code, quoted
    assert Lab.class_from_link(fragment) == {"course": "ML 2026 sheet 3/ä&x", "level": 2, "count": 5}
    assert Lab.class_from_link("#class=ML") == {"course": "ML", "level": 1, "count": 1}
    assert Lab.class_from_link("") is None and Lab.class_from_link("#expr=x*y&values=x%3D1") is None
    lab = Lab()
    for fragment, says in [
        ("#class=&level=1", "needs the class code"),
        ("#class=a&level=9", "level is one of 1, 2, 3, 4; got 9"),
        ("#class=a&count=x", "count is a whole number; got 'x'"),
        ("#class=a&count=51", "from 1 to 50; got 51"),
    ]:
        reply = json.loads(Lab.call(lab, "class_from_link", json.dumps({"fragment": fragment})))
        assert says in reply["error"], reply


def test_a_class_link_opens_the_tab_for_the_student_to_type_only_their_id(chromium, site):  # noqa: F811
    # The teacher's "Link for the class" gives the link; opened, the tab asks for the id, and the id
    # and Enter give the exercise the teacher's grade marks (CPython's student_exercise).
    teacher = Opened(chromium, site, viewport=(1024, 768))
    t = teacher.page
    fill_in_the_class(t, level=3, number=4)
    t.get_by_test_id("exercise-class-link").click()
    t.get_by_test_id("message").filter(has_text="ink for the class").wait_for()
    url = t.get_by_test_id("message").inner_text().split(": ", 1)[1].splitlines()[0].strip()
    assert url == f"{site}#class=ML%202026%20sheet%203&level=3&count=4"
    assert t.get_by_test_id("exercise-seed").is_disabled()  # a class code: the seed is the class's
    t.get_by_test_id("exercise-course").fill("")
    assert t.get_by_test_id("exercise-seed").is_enabled()
    teacher.close()
    student = Opened(chromium, url, viewport=(1024, 768))
    p = student.page
    try:
        assert p.get_by_test_id("exercise-tab").get_attribute("aria-selected") == "true"
        assert p.get_by_test_id("exercise-course").input_value() == COURSE
        assert p.get_by_test_id("exercise-level").input_value() == "3"
        assert p.get_by_test_id("exercise-number").get_attribute("max") == "4"
        assert p.get_by_test_id("exercise-seed").is_disabled()  # the class code and the id make the seed
        assert p.get_by_test_id("message").inner_text().startswith(f"Class {COURSE}: type your id")
        assert student("document.activeElement.id") == "exercise-student"
        p.get_by_test_id("exercise-student").fill("s042")
        p.get_by_test_id("exercise-number").fill("4")
        p.get_by_test_id("exercise-student").press("Enter")
        ex = C.student_exercise(COURSE, "s042", 4, 3)
        p.get_by_test_id("message").filter(has_text=f"seed {ex.seed}").wait_for()
        names = student("[...document.querySelectorAll('#exercise-answers input')].map(i => i.dataset.node)")
        assert names == ex.order()
    finally:
        student.close()
