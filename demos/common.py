"""What every demo shares: its command line, the output folder, figures, decision maps.

A demo module defines `run(out, quick, seed) -> dict` (the numbers it claims, for
the tests) and calls `main(run, __doc__)` when run as `python -m demos.<name>`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from autograd import Value, no_grad

# How figures are written: main() sets these from --dpi and --format for the run.
FIGURES = {"dpi": 150, "format": "png"}
FORMATS = ("png", "svg", "pdf")
SLIDES: dict[str, Path | None] = {"folder": None}  # main() sets it from --slides DIR


def _dpi(text: str) -> int:
    dpi = int(text)
    if not 10 <= dpi <= 1200:
        raise argparse.ArgumentTypeError(f"--dpi must be between 10 and 1200, got {dpi}")
    return dpi


def main(run: Callable[[Path, bool, int], dict], doc: str, argv: Sequence[str] | None = None) -> dict:
    """Parse --out/--quick/--seed/--dpi/--format, make the folder, run the demo."""
    parser = argparse.ArgumentParser(description=doc.strip().splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the figures (default: out/)")
    parser.add_argument("--quick", action="store_true", help="a smaller run that finishes in seconds")
    parser.add_argument("--seed", type=int, default=0, help="the random seed (default: 0)")
    parser.add_argument("--dpi", type=_dpi, default=150, help="resolution of png figures (default: 150, for slides)")
    parser.add_argument("--format", choices=FORMATS, default="png", help="figure format (default: png)")
    slides = "also write the demo's graph as slides into DIR: a PDF deck, a handout, a PPTX, a GIF, an MP4, PNG frames"
    parser.add_argument("--slides", metavar="DIR", help=slides + " (pip install 'backprop-lab[slides]')")
    args = parser.parse_args(argv)
    SLIDES["folder"] = None
    if args.slides:
        from autograd.views.slides import check_deck_folder

        try:
            SLIDES["folder"] = check_deck_folder(args.slides)  # before the demo runs, not after
        except (ImportError, OSError) as error:
            parser.error(f"--slides {args.slides}: {error}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    FIGURES.update(dpi=args.dpi, format=args.format)
    return run(out, args.quick, args.seed)


def slides(root: Value, name: str, **draw) -> list[Path]:
    """With --slides DIR, the step-through of `root`'s graph as slides in DIR, named `name` (every
    format of autograd.views.slides.export_deck; keyword arguments go to draw_graph); else nothing."""
    if SLIDES["folder"] is None:
        return []
    from autograd.views.slides import export_deck

    written = export_deck(root, SLIDES["folder"], name, **draw)
    print(f"  wrote the slides of {name}'s graph into {SLIDES['folder']}: " + ", ".join(p.name for p in written))
    return written


def pyplot():
    """matplotlib's pyplot on the Agg backend: files only, no display needed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(figure, path: Path) -> Path:
    """Save a figure in the run's format and resolution (path's suffix is replaced), close it, say where it went."""
    path = path.with_suffix("." + FIGURES["format"])
    figure.tight_layout()
    figure.savefig(path, dpi=FIGURES["dpi"])
    pyplot().close(figure)
    print(f"  wrote {path}")
    return path


def values_and_derivatives(f: Callable[[Value], Value], xs: Sequence[float]) -> tuple[list[float], list[float]]:
    """f(x) and f'(x) at each x, the derivative from backward() on the graph of f."""
    values, derivatives = [], []
    for x in xs:
        v = Value(x)
        out = f(v)
        out.backward()
        values.append(out.data)
        derivatives.append(v.grad)
    return values, derivatives


def grid(X: Sequence[Sequence[float]], steps: int, margin: float = 0.5):
    """A steps x steps grid of points covering the data, for decision maps."""
    xs = [p[0] for p in X]
    ys = [p[1] for p in X]
    x0, x1 = min(xs) - margin, max(xs) + margin
    y0, y1 = min(ys) - margin, max(ys) + margin
    gx = [x0 + (x1 - x0) * i / (steps - 1) for i in range(steps)]
    gy = [y0 + (y1 - y0) * j / (steps - 1) for j in range(steps)]
    return gx, gy


def decision_map(
    ax,
    model: Callable,
    X,
    y,
    steps: int = 50,
    score: Callable[[Value], float] | None = None,
    label: str = "the model's output",
) -> None:
    """Color the plane by the model's output (no graph is recorded), with a colour bar saying what
    the colours are, and plot the data on it, coloured by label."""
    gx, gy = grid(X, steps)
    score = score or (lambda out: out.data)
    with no_grad():
        Z = [[score(model([a, b])) for a in gx] for b in gy]
    shading = ax.contourf(gx, gy, Z, levels=20, cmap="RdBu", alpha=0.6)
    ax.figure.colorbar(shading, ax=ax, label=label)
    ax.scatter([p[0] for p in X], [p[1] for p in X], c=y, cmap="RdBu", edgecolors="k", s=18)
    ax.set(xlabel="x1", ylabel="x2")
