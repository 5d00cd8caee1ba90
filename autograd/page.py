"""The step-through page: one self-contained HTML file to step through backprop in class.

Each step of `backward_steps()` is a frame: the graph drawn by `autograd.render`
with that step's edge highlighted, and the step's sentence. Python draws every
frame; the page's script only shows one frame at a time.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from autograd.engine import Value, grads_set_aside, topological_order
from autograd.explain import node_names
from autograd.files import write_atomically
from autograd.render import draw_graph, render_source

_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def export_html(root: Value, path: str | os.PathLike, backend: str = "auto", max_steps: int = 400, **draw) -> Path:
    """One self-contained HTML page that steps through backprop on the graph of `root`.

    A frame per step (the forward pass, the seed, then every edge): the graph as
    inline SVG with the step highlighted, and the step's chain-rule sentence.
    Prev / Next / Play buttons and the arrow keys move between them. No network,
    no external files. The grads of the graph are left as they were.
    """
    path = Path(path)
    order = topological_order(root)
    steps = 1 + sum(len(node.parents) for node in order)  # the seed, then one per edge
    if steps > max_steps:  # refused before anything is rendered
        raise ValueError(
            f"backprop on this graph has {steps} steps, more than max_steps={max_steps}: one picture each would make "
            "a page too large to read; draw one example, a smaller model, or pass a larger max_steps"
        )
    frames: list[tuple[str, str, str, str]] = []  # (svg, sentence, node id, parent id)
    ids = {node: f"value-{i}" for i, node in enumerate(order)}
    with grads_set_aside(order, keep=False):
        first = render_source(draw_graph(root, **draw).source, "svg", backend).decode()
        frames.append((first, "The forward pass is done: every grad is 0. Press Next to start backprop.", "", ""))
        for step in root.backward_steps():
            svg = render_source(draw_graph(root, highlight=step, **draw).source, "svg", backend).decode()
            frames.append((svg, str(step), ids[step.node], ids[step.parent]))
    write_atomically(path, _page(frames, node_names(order)[root]).encode())
    return path


def _page(frames: list[tuple[str, str, str, str]], title: str) -> str:
    sections = []
    for i, (svg, sentence, node_id, parent_id) in enumerate(frames):
        sections.append(
            f'<section class="frame" id="frame-{i}" data-node="{node_id}" data-parent="{parent_id}"'
            f"{'' if i == 0 else ' hidden'}>\n{_SVG_START.sub('', svg, count=1)}\n"
            f'<p class="sentence">{html.escape(sentence)}</p>\n</section>'
        )
    return _PAGE.format(title=html.escape(title), frames="\n".join(sections), last=len(frames) - 1)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backprop step by step: {title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1.5rem; color: #111827; }}
  nav {{ display: flex; gap: .5rem; align-items: center; margin-bottom: 1rem; }}
  button {{ font-size: 1rem; padding: .3rem .9rem; }}
  .frame svg {{ max-width: 100%; height: auto; }}
  .sentence {{ font-family: ui-monospace, monospace; font-size: 1.1rem; background: #f9fafb;
              border-left: 4px solid #f87171; padding: .6rem .9rem; }}
  #counter {{ margin-left: 1rem; color: #4b5563; }}
</style>
</head>
<body>
<h1>Backprop step by step: L = {title}</h1>
<nav>
  <button id="prev">&larr; Prev</button>
  <button id="next">Next &rarr;</button>
  <button id="play">Play</button>
  <span id="counter"></span>
</nav>
{frames}
<script>
(function () {{
  var last = {last}, current = 0, timer = null;
  function show(i) {{
    current = Math.max(0, Math.min(last, i));
    document.querySelectorAll(".frame").forEach(function (f, k) {{ f.hidden = k !== current; }});
    document.getElementById("counter").textContent = "step " + current + " of " + last;
  }}
  function play() {{
    if (timer) {{ clearInterval(timer); timer = null; document.getElementById("play").textContent = "Play"; return; }}
    if (current === last) show(0);
    document.getElementById("play").textContent = "Pause";
    timer = setInterval(function () {{ if (current === last) play(); else show(current + 1); }}, 1200);
  }}
  document.getElementById("prev").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  document.getElementById("play").onclick = play;
  document.addEventListener("keydown", function (e) {{
    if (e.key === "ArrowRight") show(current + 1);
    if (e.key === "ArrowLeft") show(current - 1);
  }});
  show(0);
}})();
</script>
</body>
</html>
"""
