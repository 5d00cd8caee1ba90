"""How long grading a class takes, against issue 24's target.

    python tests/benchmarks/bench_classroom.py

Measured, the best of three runs (the machine is shared): grading 300 students x 5 exercises at
level 2 (about 13,000 answer rows, a mistake of each known kind in most exercises, every wrong
exercise diagnosed), from the CSV files to grades.csv, marks.csv and report.html; target under 10 s.
No other tool grades these exercises, so there is no ratio: the number is against the target.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from autograd.exercises import classroom  # noqa: E402
from tests.test_classroom import COURSE, synthetic_class  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        roster_file, answers_file, *_ = synthetic_class(Path(folder))
        times = []
        for _ in range(3):
            start = time.perf_counter()
            grades = classroom.grade(classroom.read_roster(roster_file), answers_file, COURSE, 2, 5)
            classroom.write_grades(grades, Path(folder) / "out")
            times.append(time.perf_counter() - start)
    print(f"grading 300 students x 5 exercises (level 2): {min(times):.2f} s (target under 10 s)")


if __name__ == "__main__":
    main()
