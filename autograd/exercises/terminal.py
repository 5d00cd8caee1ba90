"""Practise in the terminal: `python -m autograd.exercises --level 2 --seed 7`, and worksheets
(`--worksheet 6 --level 1 --out DIR`, with `--pdf --paper a4` their PDFs too)."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence

from autograd.exercises.checking import Report, check, close, diagnose
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


def main(argv: Sequence[str] | None = None) -> int:
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
