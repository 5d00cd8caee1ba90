"""Backprop by hand: exercises generated from a seed, checked node by node, printable with keys.

>>> from autograd import exercises
>>> ex = exercises.exercise(seed=7, level=2)
>>> print(ex)                                  # the forward pass, a node a line
>>> report = exercises.check(ex, {"L": 1, "f": 0.5})
>>> report.results                             # {"L": "right", "f": "wrong", "e": "missing", ...}
>>> print(report.diagnosis)                    # which chain-rule step went wrong, and how
>>> exercises.quiz(course="ML 2026 sheet 3", student="s042", number=1)   # a class's own exercise, in a notebook

python -m autograd.exercises --level 2 --seed 7               practise in the terminal
python -m autograd.exercises --worksheet 30 --out DIR         30 exercises on a worksheet, and its answer key
python -m autograd.exercises --worksheet 6 --out DIR --pdf    6, as HTML and as PDF (--paper a4 or letter)
python -m autograd.exercises sheets --roster students.csv --course C --level L --count K --out DIR
                                                               a variant per student, as PDF, and key.csv
python -m autograd.exercises grade answers.csv --roster students.csv --course C --level L --count K --out DIR
                                                               grades.csv, marks.csv, report.html
python -m autograd.exercises export moodle|qti|prairielearn --level L --count K --out DIR [--roster R --course C]
                                                   a Moodle XML bank, a QTI zip for Canvas, or PrairieLearn questions

generate.py   the exercise of a seed and level (its graph, answers, steps)
checking.py   marking the answers, and the diagnosis of the first wrong one
paper.py      printable worksheets and keys: HTML pages, and PDFs (`worksheet(..., pdf=True)`)
notebook.py   the notebook quiz (a widget)
classroom.py  a class: each student's seed from the roster, their sheets, everyone graded, the report
lms.py        the exercises as an LMS's questions (Moodle XML, QTI 1.2 for Canvas)
prairielearn.py  PrairieLearn questions, whose server.py makes each variant with this package
terminal.py   practising in the terminal, and the command line
"""

from autograd.exercises.checking import ABS_TOL, REL_TOL, Report, check, close, diagnose
from autograd.exercises.classroom import answer_rows, student_exercise, student_seed
from autograd.exercises.generate import LEVELS, Exercise, exercise, number
from autograd.exercises.notebook import quiz
from autograd.exercises.paper import worksheet
from autograd.exercises.terminal import main, practise

__all__ = [
    "ABS_TOL",
    "LEVELS",
    "REL_TOL",
    "Exercise",
    "Report",
    "answer_rows",
    "check",
    "close",
    "diagnose",
    "exercise",
    "main",
    "number",
    "practise",
    "quiz",
    "student_exercise",
    "student_seed",
    "worksheet",
]
