"""Printable worksheets: each exercise's graph and a table to fill in, and the answer key."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from autograd.exercises.generate import LEVELS, exercise, number
from autograd.files import write_atomically
from autograd.views.render import svg


def worksheet(
    seeds: Sequence[int], level: int, path: str | Path, backend: str = "auto", title: str = ""
) -> tuple[Path, Path]:
    """Write `worksheet.html` (a Name / Student ID / Date header, then each exercise's graph without
    grads and a table to fill in) and `key.html` (the graphs with grads, the answers and backward's
    steps, each sentence beside its rule, none for a constant) into the folder `path`. `title`:
    the course's, at the top of both. Print them from the browser (Ctrl+P; the pages have print
    styles, several exercises to a page where they fit) for paper or PDF."""
    seeds = list(seeds)
    if not seeds:
        raise ValueError("worksheet needs at least one seed")
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "it is a file, not a folder", str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    sheets, keys = [], []
    for count, seed in enumerate(seeds, start=1):
        ex = exercise(seed, level)
        blank = svg(ex.drawing, backend, show_grad=False)
        solved = svg(ex.drawing, backend, grads="backward")
        heading = f"Exercise {count} (level {level}, seed {seed})"  # the seed: a key matches its sheet
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        rows = "".join(
            f"<tr><td><code>dL/d{html.escape(n)}</code></td><td class='blank'></td></tr>" for n in ex.order()
        )
        sheets.append(
            f"<section><h2>{heading}</h2><div class='graph'>{blank}</div><ol class='forward'>{forward}</ol>"
            f"<table><tr><th>gradient</th><th>your answer</th></tr>{rows}</table></section>"
        )
        answers = ex.answers()
        key_rows = "".join(
            f"<tr><td><code>dL/d{html.escape(n)}</code></td><td>{number(answers[n])}</td></tr>" for n in ex.order()
        )
        steps = "".join(
            f"<tr><td>{k}</td><td><code>{html.escape(str(s))}</code></td><td>{html.escape(s.rule)}</td></tr>"
            for k, s in enumerate(_key_steps(ex), start=1)
        )
        keys.append(
            f"<section><h2>{heading}: answers</h2><div class='graph'>{solved}</div>"
            f"<table><tr><th>gradient</th><th>answer</th></tr>{key_rows}</table>"
            f"<table class='steps'><tr><th>step</th><th>backward</th><th>rule</th></tr>{steps}</table></section>"
        )
    header = (f"{title}: " if title else "") + f"Backprop by hand, level {level}: {LEVELS[level]}"
    student = (
        "<div class='student'><span>Name</span><span>Student ID</span><span>Date</span></div>"
        "<p>For each graph, compute dL/d(node) for every node, starting from dL/dL = 1. Write 4 significant digits.</p>"
    )
    sheet_path, key_path = folder / "worksheet.html", folder / "key.html"
    write_atomically(sheet_path, _page(header, student + "".join(sheets)).encode())
    write_atomically(key_path, _page(header + ": answer key", "".join(keys)).encode())
    return sheet_path, key_path


def _key_steps(ex) -> list:
    """backward's steps for the key, without those into a constant (a number of the expression,
    whose gradient nobody asks for)."""
    return [s for s in ex.steps() if s.is_seed or ex.drawing.kind(s.parent) != "constant"]


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
  section {{ break-inside: avoid; page-break-inside: avoid; margin-bottom: 2rem; }}
  .graph svg {{ max-width: 100%; height: auto; }}
  table {{ border-collapse: collapse; margin: .4rem 0; }}
  td, th {{ border: 1px solid #999; padding: 4px 10px; text-align: left; vertical-align: top; }}
  td.blank {{ width: 10em; }}
  table.steps td, table.steps th {{ font-size: .8rem; padding: 1px 6px; }}
  .student {{ display: flex; gap: 2rem; margin: .5rem 0 1rem 0; }}
  .student span {{ flex: 1; border-bottom: 1px solid #111; padding-top: 1.2rem; font-size: .9rem; }}
  @page {{ margin: 1.5cm; @bottom-center {{ content: "page " counter(page) " of " counter(pages); font-size: 9pt; }} }}
  @media print {{ section {{ page-break-after: always; }} body {{ margin: 0; }} }}
</style></head>
<body><h1>{html.escape(title)}</h1>
{body}
</body></html>
"""
