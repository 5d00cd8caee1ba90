"""How long the slides take, against issue 20's targets, and how the time splits.

    make bench-slides        (or: python tests/benchmarks/bench_slides.py)

Measured, each the best of three runs (the machine is shared):
1. the classic neuron's PDF deck (11 pages): target under 2 s;
2. an MLP(2, [4, 4, 1]) over one example with a squared error (78 pages: the forward pass,
   the seed and 76 edges), in the notes' names, boxed by neuron and layer: the PDF deck,
   target under 20 s, and the MP4 (1920 x 1080), target under 60 s;
3. for the MLP, the parts: Graphviz's two layouts and the records (what the step-through
   page also pays), the PDF's pages, and the frames (pypdfium2) of the MP4.
No other tool writes these decks, so there is no ratio: the numbers are against the targets.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import nn  # noqa: E402
from autograd import export_slides, topological_order  # noqa: E402
from autograd.views.pdf import rasterize  # noqa: E402
from autograd.views.slides import Deck  # noqa: E402
from tests.graphs import classic_neuron  # noqa: E402


def best(run, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def mlp():
    random.seed(0)
    model = nn.MLP(2, [4, 4, 1])
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    return loss, {"notation": "notes", **model.graph_style()}


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-slides-"))
    o = classic_neuron()
    weights = [n for n in topological_order(o) if n.label in ("w1", "w2", "b")]
    neuron = best(lambda: export_slides(o, folder / "neuron.pdf", params=weights))
    loss, draw = mlp()
    deck = Deck(loss, **draw)
    pages = len(deck.frames)
    pdf = best(lambda: export_slides(loss, folder / "mlp.pdf", **draw))
    mp4 = best(lambda: export_slides(loss, folder / "mlp.mp4", format="mp4", **draw), repeats=1)
    layout = best(lambda: Deck(loss, **draw))
    drawn = deck.pdf((960.0, 540.0))
    pages_only = best(lambda: deck.pdf((960.0, 540.0)))
    frames = best(lambda: rasterize(drawn, 1920, 1080), repeats=1)
    print(f"{'':44} {'seconds':>8} {'target':>8}")
    print(f"{'classic neuron, PDF deck (11 pages)':44} {neuron:8.2f} {'< 2':>8}")
    print(f"{f'MLP(2, [4, 4, 1]), PDF deck ({pages} pages)':44} {pdf:8.2f} {'< 20':>8}")
    print(f"{f'MLP(2, [4, 4, 1]), MP4 1920x1080 ({pages} steps)':44} {mp4:8.2f} {'< 60':>8}")
    print(f"{'  of the MLP: layouts and records':44} {layout:8.2f}")
    print(f"{'  of the MLP: the PDF pages':44} {pages_only:8.2f}")
    print(f"{'  of the MLP: 1920x1080 frames of the pages':44} {frames:8.2f}")


if __name__ == "__main__":
    main()
