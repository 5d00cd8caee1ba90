"""Practise in the terminal: `python -m autograd.exercises --level 2 --seed 7`, and worksheets
(`--worksheet 6 --level 1 --out DIR`, with `--pdf --paper a4` their PDFs too).

For a class (classroom.py, lms.py, prairielearn.py):
    python -m autograd.exercises sheets --roster students.csv --course C --level L --count K --out DIR
        [--merged] [--paper a4] [--title T]
    python -m autograd.exercises grade answers.csv --roster students.csv --course C --level L --count K --out DIR
        [--rel-tol R] [--abs-tol A]
    python -m autograd.exercises export moodle|qti --level L --count K --out DIR [--seed S]
        [--roster students.csv --course C]   (each student's own exercises)
    python -m autograd.exercises export prairielearn --level L --out DIR
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from autograd.exercises.checking import ABS_TOL, REL_TOL, Report, check, close, diagnose
from autograd.exercises.generate import LEVELS, Exercise, exercise, number
from autograd.exercises.paper import worksheet
from autograd.views.slides import PAPERS


def practise(ex: Exercise, read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> Report:
    """Ask for each node's gradient in backprop's order, check it at once, explain a mistake,
    let the student try again (Enter skips to the answer); then the step-through. EOF stops."""
    write(str(ex))
    write("Compute dL/d(node) for each node, in backprop's order (a number; Enter shows the answer).")
    answers: dict[str, float] = {}
    expected = ex.answers()
    try:
        for name in ex.order():
            while True:
                text = read(f"  dL/d{name} = ").strip()
                if not text:
                    write(f"    the answer: {number(expected[name])}")
                    break
                try:
                    given = float(text)
                except ValueError:
                    write(f"    {text!r} is not a number; try again (Enter shows the answer)")
                    continue
                if not math.isfinite(given):
                    write("    give a finite number")
                    continue
                if close(given, expected[name]):
                    answers[name] = given
                    write("    right")
                    break
                write(f"    not quite: {diagnose(ex, name, given, expected)}")
    except (EOFError, KeyboardInterrupt):
        write("\nstopped.")
        return check(ex, answers)
    report = check(ex, answers)
    right, total = report.score
    write(f"\n{right} of {total} right at the first or a later try. Backprop, step by step:")
    for s in ex.steps():
        write(f"  {s}")
    return report


CLASS_COMMANDS = ("sheets", "grade", "export")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in CLASS_COMMANDS:
        return class_main(argv)
    parser = argparse.ArgumentParser(
        prog="python -m autograd.exercises", description="Backprop by hand: practise, or print worksheets."
    )
    parser.add_argument("--level", type=int, choices=sorted(LEVELS), default=1, help="1 to 4 (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="which exercise (default 0); worksheets start here")
    parser.add_argument("--worksheet", type=int, metavar="N", help="write N exercises and their key, instead")
    parser.add_argument("--out", default="out/worksheets", help="the worksheets' folder (default out/worksheets)")
    parser.add_argument("--title", default="", help="the course's title, at the top of the worksheets")
    parser.add_argument("--pdf", action="store_true", help="also write worksheet.pdf and key.pdf, ready to print")
    parser.add_argument("--paper", choices=sorted(PAPERS), help="the PDFs' paper (default letter)")
    args = parser.parse_args(argv)
    if args.worksheet is None and (args.pdf or args.paper):
        parser.error("--pdf and --paper go with --worksheet N")
    if args.paper and not args.pdf:
        parser.error(f"--paper {args.paper} is the PDFs' paper: add --pdf")
    if args.worksheet is not None:
        if not 1 <= args.worksheet <= 500:
            parser.error(f"--worksheet takes 1 to 500 exercises, got {args.worksheet}")
        try:
            written = worksheet(range(args.seed, args.seed + args.worksheet), args.level, args.out, title=args.title,
                                pdf=args.pdf, paper=args.paper or "letter")  # fmt: skip
        except OSError as error:  # --out is a file, lies under one, or cannot be written
            reason = error.strerror or str(error)
            print(f"error: cannot write the worksheets into the folder {args.out}: {reason}", file=sys.stderr)
            return 2
        except ImportError as error:  # the PDFs' packages are missing: nothing was written
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"wrote {', '.join(map(str, written[:-1]))} and {written[-1]}")
        return 0
    practise(exercise(args.seed, args.level))
    return 0


def class_main(argv: Sequence[str]) -> int:
    """`sheets`, `grade` and `export`: a class's sheets, its grades and report, the exercises for an LMS."""
    from autograd.exercises import classroom, lms

    parser = argparse.ArgumentParser(prog="python -m autograd.exercises", description="Backprop by hand for a class.")
    commands = parser.add_subparsers(dest="command", required=True)

    def common(command, roster: bool = True):
        if roster:
            command.add_argument("--roster", required=True, help="the roster CSV: an id column, a name column if any")
            command.add_argument("--course", required=True, help="the course key, which with an id makes the seed")
        command.add_argument("--level", type=int, choices=sorted(LEVELS), default=1, help="1 to 4 (default 1)")
        command.add_argument("--count", type=int, default=5, help="exercises per student (default 5)")
        command.add_argument("--out", required=True, help="the folder to write into")

    made = commands.add_parser("sheets", help="a worksheet and key per student, as PDF, and key.csv")
    common(made)
    made.add_argument("--merged", action="store_true", help="one sheets.pdf and one keys.pdf, in roster order")
    made.add_argument("--paper", choices=sorted(PAPERS), default="letter", help="the PDFs' paper (default letter)")
    made.add_argument("--title", default="", help="the course's title, at the top of the sheets")
    marked = commands.add_parser("grade", help="grade everyone's answers: grades.csv, marks.csv, report.html")
    marked.add_argument("answers", help="the answers CSV: student, exercise (from 1), node, answer")
    common(marked)
    marked.add_argument("--rel-tol", type=float, default=REL_TOL, help=f"relative tolerance (default {REL_TOL})")
    marked.add_argument("--abs-tol", type=float, default=ABS_TOL, help=f"absolute tolerance (default {ABS_TOL})")
    exported = commands.add_parser("export", help="the exercises as an LMS's questions")
    exported.add_argument("format", choices=lms.FORMATS, help=", ".join(lms.FORMATS))
    common(exported, roster=False)
    exported.add_argument("--seed", type=int, default=0, help="the first exercise's seed (default 0)")
    exported.add_argument("--roster", help="each student's own exercises (moodle, qti): the roster CSV")
    exported.add_argument("--course", help="with --roster: the course key, which with an id makes the seed")
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 50:
        parser.error(f"--count takes 1 to 50 exercises, got {args.count}")
    if args.command == "export" and (args.roster is None) != (args.course is None):
        parser.error("--roster and --course go together: the course key and an id make a student's seed")
    if args.command == "export" and args.format == "prairielearn" and args.roster is not None:
        parser.error("PrairieLearn makes each student's variant itself (from its variant_seed): export prairielearn "
                     "takes no --roster")  # fmt: skip
    try:
        if args.command == "export" and args.roster is not None:
            seeds, titles = classroom.roster_seeds(classroom.read_roster(args.roster), args.course, args.count)
            written = lms.export(args.format, seeds, args.level, args.out, titles)
        elif args.command == "export":
            written = lms.export(args.format, range(args.seed, args.seed + args.count), args.level, args.out)
        else:
            roster = classroom.read_roster(args.roster)
            if args.command == "sheets":
                written = classroom.sheets(roster, args.course, args.level, args.count, args.out, merged=args.merged,
                                           paper=args.paper, title=args.title)  # fmt: skip
            else:
                grades = classroom.grade(roster, args.answers, args.course, args.level, args.count, args.rel_tol,
                                         args.abs_tol)  # fmt: skip
                written = classroom.write_grades(grades, args.out)
                for bad in grades.bad_rows:
                    print(f"{args.answers} {bad}", file=sys.stderr)
    except classroom.ClassFileError as error:
        print("\n".join(f"error: {problem}" for problem in error.problems), file=sys.stderr)
        return 2
    except (OSError, ImportError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        where = f" {error.filename}" if getattr(error, "filename", None) else ""
        print(f"error:{where} {reason}", file=sys.stderr)
        return 2
    shown = [str(Path(path).relative_to(args.out)) for path in written]
    files = "file" if len(shown) == 1 else "files"
    print(f"wrote {len(shown)} {files} into {args.out}: " + ", ".join(shown[:6]) + (", ..." if len(shown) > 6 else ""))
    if args.command == "grade" and grades.bad_rows:
        print(
            f"{len(grades.bad_rows)} rows of {args.answers} were not used (above, and in report.html)", file=sys.stderr
        )
        return 1
    return 0
