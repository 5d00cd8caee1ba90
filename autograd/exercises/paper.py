"""Printable worksheets: each exercise's graph and a table to fill in, and the answer key."""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from autograd.exercises.generate import LEVELS, exercise, number
from autograd.files import write_atomically
from autograd.views.page import fitting, layouts
from autograd.views.render import svg

PAGE_WIDTH, PAGE_HEIGHT = 7.5, 10.0  # inches inside a Letter page's margins


def worksheet(seeds: Sequence[int], level: int, path: str | Path, backend: str = "auto") -> tuple[Path, Path]:
    """Write `worksheet.html` (each exercise's graph without grads and a table to fill in) and
    `key.html` (the graphs with grads, the answers and backward's steps) into the folder `path`.
    Print them from the browser (Ctrl+P; the pages have print styles) for paper or PDF."""
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
        # Each graph the way that is drawn largest on a Letter page's width and half its height.
        both = layouts(ex.drawing, backend, grads="now", show_grad=False, stacked=True)
        way = fitting(both, PAGE_WIDTH, PAGE_HEIGHT / 2)
        blank = both[way]["svg"]
        solved = svg(ex.drawing, backend, grads="backward", rankdir=way, stacked=True)
        title = f"Exercise {count} (level {level}, seed {seed})"
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        rows = "".join(
            f"<tr><td><code>dL/d{html.escape(n)}</code></td><td class='blank'></td></tr>" for n in ex.order()
        )
        sheets.append(
            f"<section><h2>{title}</h2><div class='graph'>{blank}</div><ol class='forward'>{forward}</ol>"
            f"<table><tr><th>gradient</th><th>your answer</th></tr>{rows}</table></section>"
        )
        answers = ex.answers()
        key_rows = "".join(
            f"<tr><td><code>dL/d{html.escape(n)}</code></td><td>{number(answers[n])}</td></tr>" for n in ex.order()
        )
        steps = "".join(f"<li><code>{html.escape(str(s))}</code> <small>{html.escape(s.rule)}</small></li>"
                        for s in ex.steps())  # fmt: skip
        keys.append(
            f"<section><h2>{title}: answers</h2><div class='graph'>{solved}</div>"
            f"<table><tr><th>gradient</th><th>answer</th></tr>{key_rows}</table>"
            f"<ol class='steps'>{steps}</ol></section>"
        )
    header = f"Backprop by hand, level {level}: {LEVELS[level]}"
    intro = (
        "<p>For each graph, compute dL/d(node) for every node, starting from dL/dL = 1. Write 4 significant digits.</p>"
    )
    sheet_path, key_path = folder / "worksheet.html", folder / "key.html"
    write_atomically(sheet_path, _page(header, intro + "".join(sheets)).encode())
    write_atomically(key_path, _page(header + ": answer key", "".join(keys)).encode())
    return sheet_path, key_path


def _page(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; }}
  section {{ break-inside: avoid; page-break-inside: avoid; margin-bottom: 2rem; }}
  .graph svg {{ max-width: 100%; height: auto; }}
  table {{ border-collapse: collapse; }}
  td, th {{ border: 1px solid #999; padding: 4px 10px; text-align: left; }}
  td.blank {{ width: 10em; }}
  @media print {{ section {{ page-break-after: always; }} body {{ margin: 0; }} }}
</style></head>
<body><h1>{html.escape(title)}</h1>
{body}
</body></html>
"""
