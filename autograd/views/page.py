"""The step-through page: one self-contained HTML file to step through backprop in class.

The graph is drawn once, from its `Drawing` by `autograd.views.render`, as it is after the
forward pass.
Each step of `backward_steps()` is a record computed here, in Python: which node
passes gradient back, which parent receives it, along which edge, the sentence of
the chain rule, and the parent's new `grad` as the graph should show it. The page's
script only switches highlight classes and puts those texts in place: no number is
computed in JavaScript. So the page grows with the graph, not with graph × steps.

Made for a projector: the graph is drawn large (text about 18 px at the start; the
fit button, + and − and Ctrl+wheel zoom), the highlighted node is scrolled into view,
the sentence stays on screen, a legend says what the colours mean, and the keys a
presentation clicker sends (PageDown, PageUp, Space, Home, End, the arrows) work.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Sequence
from pathlib import Path

from autograd.engine import Value, grads_set_aside
from autograd.files import write_atomically
from autograd.views.drawing import Drawing, drawing_of
from autograd.views.explain import backward_steps
from autograd.views.mathml import rule_mathml
from autograd.views.render import FILLS, HIGHLIGHT_NODE, HIGHLIGHT_PARENT, svg

FORWARD_DONE = "The forward pass is done: every grad is 0. Press Next (or PageDown, Space, →) to start backprop."
STYLE_OPTIONS = ("rankdir", "show_grad", "edge_labels", "highlight", "max_nodes")  # how draw_graph draws
STRUCTURE_OPTIONS = ("params", "group", "collapse", "focus")  # what it draws: the Drawing's


def split_options(draw: dict) -> tuple[dict, dict]:
    """draw_graph's keyword arguments as (the Drawing's, the picture's); anything else is refused."""
    unknown = set(draw) - set(STYLE_OPTIONS) - set(STRUCTURE_OPTIONS)
    if unknown:
        raise TypeError(f"unexpected drawing option(s) {', '.join(sorted(unknown))}; draw_graph takes "
                        f"{', '.join(STRUCTURE_OPTIONS + STYLE_OPTIONS)}")  # fmt: skip
    structure = {key: value for key, value in draw.items() if key in STRUCTURE_OPTIONS}
    return structure, {key: value for key, value in draw.items() if key in STYLE_OPTIONS}


def export_html(
    root: Value,
    path: str | os.PathLike,
    backend: str = "auto",
    max_steps: int = 20_000,
    examples: Sequence[Value] | None = None,
    **draw,
) -> Path:
    """One self-contained HTML page that steps through backprop on the graph of `root`.

    The forward pass, the seed, then every edge: the step's edge and nodes highlighted
    on the graph, its grads filled in, its chain-rule sentence under it. Prev / Next /
    Play, the slider and the keys move between them. No network, no external files.
    Keyword arguments go to `draw_graph` (e.g. `**model.graph_style()`). When the loss
    averages many examples, `examples` (their predictions) adds a choice of which
    example's part of the graph to step through. The grads of the graph are left as
    they were.
    """
    path = Path(path)
    structure, style = split_options(draw)
    drawing = Drawing(root, **structure)
    count = 1 + sum(len(node.parents) for node in drawing.order)  # the seed, then one per edge
    if count > max_steps:  # refused before anything is rendered
        raise ValueError(
            f"backprop on this graph has {count} steps, more than max_steps={max_steps}: too many to step through; "
            "draw one example, a smaller model, or pass a larger max_steps"
        )
    graph, steps = _step_records(drawing, backend, style)
    views = [{"name": "the whole graph", "svg": graph, "steps": steps}]
    for k, example in enumerate(examples or ()):
        example_svg, example_steps = _step_records(drawing.around(example), backend, style)
        views.append({"name": f"example {k + 1}", "svg": example_svg, "steps": example_steps})
    page = _PAGE.format(
        views=_script_json(views[1:]),
        choice="" if len(views) == 1 else _choice(views),
        title=html.escape(drawing.names[drawing.root]),
        svg=graph,
        steps=_script_json(steps),
        forward_done_js=_script_json(FORWARD_DONE),
        step_js=STEP_JS,
        highlight_css=HIGHLIGHT_CSS,
        parameter=FILLS["parameter"],
        input=FILLS["input"],
        intermediate=FILLS["intermediate"],
        output=FILLS["output"],
        hot_parent=HIGHLIGHT_PARENT,
        hot_node=HIGHLIGHT_NODE,
    )
    write_atomically(path, page.encode())
    return path


def _choice(views: list[dict]) -> str:
    options = "".join(f'<option value="{k}">{html.escape(view["name"])}</option>' for k, view in enumerate(views))
    return f'<label>show <select id="example" data-testid="example">{options}</select></label>'


def step_records(root: Value | Drawing, backend: str = "auto", **draw) -> tuple[str, list[dict]]:
    """The graph of `root` as it is after the forward pass (SVG, drawn once) and backward_records():
    a record per step of backward. The page and the notebook stepper both show these; neither
    computes anything. The graph's grads are left alone. Keyword arguments go to draw_graph."""
    structure, style = split_options(draw)
    return _step_records(drawing_of(root, **structure), backend, style)


def _step_records(drawing: Drawing, backend: str, style: dict) -> tuple[str, list[dict]]:
    return svg(drawing, backend, grads="zero", **style), backward_records(drawing, style.get("show_grad", True))


def backward_records(drawing: Drawing, show_grad: bool = True) -> list[dict]:
    """A record per step of backward on the drawing's graph: the ids of the node passing gradient
    back, the parent receiving it and the edge (the drawing's ids), the sentence, the rule (in
    words and MathML), and the parent's grad after the step, as the graph shows it ("grad") and as
    a number ("value"). Steps outside a focus are left out. The graph's grads are left alone.
    (The Lab renders the DOT in the browser and shows these records.)"""
    boxes, drawn = drawing.boxes, drawing.drawn
    steps = []
    with grads_set_aside(drawing.order, keep=False):  # the whole graph: backward runs over all of it
        for step in backward_steps(drawing):
            if step.node not in drawn or step.parent not in drawn:  # outside the focus
                continue
            parent, node = drawing.shown(step.parent), drawing.shown(step.node)
            inside_a_box = not step.is_seed and parent == node
            if step.parent in boxes.box_of:
                grad = "grad " + boxes.text(boxes.box_of[step.parent], "grad")
            else:
                grad = f"grad {step.parent_grad:.4f}"
            steps.append(
                {
                    "node": "" if step.is_seed else node,
                    "parent": parent,
                    "edge": ""
                    if step.is_seed or inside_a_box
                    else drawing.edge_id(step.parent, step.node, step.parent_index),
                    "sentence": str(step),
                    "rule": step.rule,
                    "math": rule_mathml(step.rule),
                    "grad": grad if show_grad else "",
                    "value": step.parent_grad if math.isfinite(step.parent_grad) else None,  # JSON has no nan
                }
            )
    return steps


# What the page and the notebook stepper share: how a step is shown on the graph.
STEP_JS = """
function backpropSteps(graph, steps) {
  // graph: the element that holds the SVG; steps: the records Python wrote (step_records).
  // Returns show(k): the graph as it is after k steps, that step highlighted; it returns the step.
  function find(id) { return id ? graph.querySelector('[id="' + id + '"]') : null; }
  function gradText(id) {  // a record's last field is its grad
    var node = find(id), texts = node ? node.querySelectorAll("text") : [];
    return texts.length ? texts[texts.length - 1] : null;
  }
  var initial = {};
  steps.forEach(function (s) {
    var t = gradText(s.parent);
    if (t && !(s.parent in initial)) initial[s.parent] = t.textContent;
  });
  return function show(current) {
    Object.keys(initial).forEach(function (id) { gradText(id).textContent = initial[id]; });
    for (var k = 0; k < current; k++) {
      var t = gradText(steps[k].parent);
      if (t && steps[k].grad) t.textContent = steps[k].grad;
    }
    graph.querySelectorAll(".hot-parent, .hot-node, .hot-edge").forEach(function (e) {
      e.classList.remove("hot-parent", "hot-node", "hot-edge");
    });
    var step = current > 0 ? steps[current - 1] : null;
    if (step) {
      [["parent", "hot-parent"], ["node", "hot-node"], ["edge", "hot-edge"]].forEach(function (p) {
        if (p[0] === "node" && step.node === step.parent) return;  // a step inside one box: the box receives
        var e = find(step[p[0]]);
        if (e) e.classList.add(p[1]);
      });
    }
    return step;
  };
}
"""
HIGHLIGHT_CSS = f"""
  .hot-parent polygon, .hot-parent path {{ fill: {HIGHLIGHT_PARENT}; stroke-width: 2.5; }}
  .hot-node polygon, .hot-node path {{ fill: {HIGHLIGHT_NODE}; stroke-width: 2; }}
  .hot-edge path {{ stroke: {HIGHLIGHT_PARENT}; stroke-width: 3; }}
  .hot-edge polygon {{ stroke: {HIGHLIGHT_PARENT}; fill: {HIGHLIGHT_PARENT}; }}
"""


def _script_json(data: object) -> str:
    """JSON that can sit inside a <script> element: no `</` can close it early."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")  # valid JSON, and no </script> or <!--


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backprop step by step: {title}</title>
<style>
  :root {{ --ink: #111827; --paper: #ffffff; --soft: #f9fafb; --line: #e5e7eb; --muted: #4b5563; }}
  body[data-theme="dark"] {{ --ink: #f3f4f6; --paper: #111827; --soft: #1f2937; --line: #374151; --muted: #d1d5db; }}
  body[data-theme="contrast"] {{ --ink: #ffffff; --paper: #000000; --soft: #000000; --line: #ffffff;
                                 --muted: #ffff00; }}
  body {{ font-family: system-ui, sans-serif; margin: 0; color: var(--ink); background: var(--paper); }}
  header {{ position: sticky; top: 0; z-index: 2; background: var(--paper); padding: .6rem 1rem;
            border-bottom: 1px solid var(--line); }}
  /* the graph keeps its colours on a light card in the dark themes; strokes get heavier for contrast */
  body[data-theme="dark"] #view svg, body[data-theme="contrast"] #view svg {{ background: #ffffff;
                                                                           border-radius: 6px; }}
  body[data-theme="contrast"] #view svg path, body[data-theme="contrast"] #view svg polygon {{ stroke-width: 2; }}
  h1 {{ font-size: 1.4rem; margin: 0 0 .4rem 0; }}
  nav {{ display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }}
  button {{ font-size: 1.1rem; padding: .3rem .9rem; }}
  #slider {{ flex: 1 1 12rem; }}
  #counter {{ color: var(--muted); font-size: 1.1rem; min-width: 9rem; }}
  .legend {{ display: flex; flex-wrap: wrap; gap: .9rem; font-size: .95rem; margin-top: .4rem; }}
  .legend span::before {{ content: ""; display: inline-block; width: 1em; height: 1em; margin-right: .35em;
                          vertical-align: -.15em; border: 1px solid var(--ink); background: var(--swatch); }}
  #view {{ overflow: auto; padding: 1rem; height: calc(100vh - 13.5rem); box-sizing: border-box; }}
  #view svg {{ display: block; }}
  footer {{ position: fixed; bottom: 0; left: 0; right: 0; z-index: 2; background: var(--soft);
            border-top: 4px solid {hot_parent}; padding: .5rem 1rem; }}
  #sentence {{ font-family: ui-monospace, monospace; font-size: 1.35rem; margin: 0; overflow-wrap: anywhere; }}
  #rule {{ color: var(--muted); font-size: 1rem; margin: .2rem 0 0 0; display: flex; gap: 1.5rem;
           align-items: center; }}
  #rule math {{ font-size: 1.5rem; color: var(--ink); }}
{highlight_css}
</style>
</head>
<body>
<header>
<h1>Backprop step by step: L = {title}</h1>
<nav>
  <button id="prev" data-testid="prev" title="PageUp, ←">&larr; Prev</button>
  <button id="next" data-testid="next" title="PageDown, Space, →">Next &rarr;</button>
  <button id="play" data-testid="play">Play</button>
  <input id="slider" data-testid="slider" type="range" min="0" value="0" aria-label="step">
  <span id="counter" data-testid="counter" aria-live="polite"></span>
  <button id="zoom-out" title="zoom out (Ctrl+wheel)" aria-label="zoom out">&minus;</button>
  <button id="zoom-in" title="zoom in (Ctrl+wheel)" aria-label="zoom in">+</button>
  <button id="fit" data-testid="fit" title="fit the graph to the window">Fit</button>
  {choice}
  <label>theme <select id="theme" data-testid="theme">
    <option value="light">light</option><option value="dark">dark</option>
    <option value="contrast">high contrast</option></select></label>
</nav>
<div class="legend" aria-label="legend">
  <span style="--swatch: {hot_parent}">receives gradient in this step</span>
  <span style="--swatch: {hot_node}">passes it back</span>
  <span style="--swatch: {parameter}">parameter</span>
  <span style="--swatch: {input}">input or constant</span>
  <span style="--swatch: {intermediate}">intermediate</span>
  <span style="--swatch: {output}">output L</span>
</div>
</header>
<main id="view" data-testid="graph">
{svg}
</main>
<footer>
  <p id="sentence" data-testid="sentence"></p>
  <p id="rule"><span id="rule-text"></span><span id="rule-math" data-testid="rule-math"></span></p>
</footer>
<script type="application/json" id="steps">{steps}</script>
<script type="application/json" id="views">{views}</script>
<script>
{step_js}
(function () {{
  // Every text shown here was computed by Python: this script only places texts and classes.
  var steps = JSON.parse(document.getElementById("steps").textContent);
  var last = steps.length, current = 0, timer = null, zoom = 1;
  var view = document.getElementById("view"), svg = view.querySelector("svg");
  var box = svg.viewBox.baseVal, READABLE = 18 / 11;  // graph text is 11 units: show it 18 px tall
  var slider = document.getElementById("slider");
  slider.max = last;
  var apply = backpropSteps(view, steps);
  function setZoom(z) {{
    zoom = Math.max(0.1, Math.min(8, z));
    svg.setAttribute("width", box.width * zoom + "px");
    svg.setAttribute("height", box.height * zoom + "px");
  }}
  function fit() {{
    setZoom(Math.min((view.clientWidth - 32) / box.width, (view.clientHeight - 32) / box.height));
  }}
  function show(i) {{
    current = Math.max(0, Math.min(last, i));
    var step = apply(current);
    document.getElementById("sentence").textContent = step ? step.sentence : {forward_done_js};
    document.getElementById("rule-text").textContent = step ? "rule: " + step.rule : "";
    document.getElementById("rule-math").innerHTML = step ? step.math : "";  // MathML made (and escaped) by Python
    document.body.dataset.node = step ? step.node : "";
    document.body.dataset.parent = step ? step.parent : "";
    var target = step && document.getElementById(step.parent);
    if (target) target.scrollIntoView({{block: "center", inline: "center"}});
    slider.value = current;
    document.getElementById("counter").textContent = "step " + current + " of " + last;
  }}
  function play() {{
    var button = document.getElementById("play");
    if (timer) {{ clearInterval(timer); timer = null; button.textContent = "Play"; return; }}
    if (current === last) show(0);
    button.textContent = "Pause";
    timer = setInterval(function () {{ if (current === last) play(); else show(current + 1); }}, 1200);
  }}
  document.getElementById("prev").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  document.getElementById("play").onclick = play;
  document.getElementById("fit").onclick = fit;
  document.getElementById("theme").onchange = function (e) {{ document.body.dataset.theme = e.target.value; }};
  var views = JSON.parse(document.getElementById("views").textContent), whole = {{svg: null, steps: steps}};
  var choice = document.getElementById("example");
  if (choice) choice.onchange = function () {{  // another example's part of the graph, drawn by Python
    var k = Number(choice.value), chosen = k === 0 ? whole : views[k - 1];
    if (whole.svg === null) whole.svg = view.innerHTML;
    view.innerHTML = chosen.svg;
    svg = view.querySelector("svg");
    box = svg.viewBox.baseVal;
    steps = chosen.steps;
    last = steps.length;
    slider.max = last;
    apply = backpropSteps(view, steps);
    setZoom(zoom);
    show(0);
  }};
  document.getElementById("zoom-in").onclick = function () {{ setZoom(zoom * 1.25); }};
  document.getElementById("zoom-out").onclick = function () {{ setZoom(zoom / 1.25); }};
  slider.oninput = function () {{ show(Number(slider.value)); }};
  view.addEventListener("wheel", function (e) {{
    if (!e.ctrlKey) return;
    e.preventDefault();
    setZoom(zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
  }}, {{passive: false}});
  var keys = {{ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1}};
  document.addEventListener("keydown", function (e) {{
    if (e.target === slider && (e.key === "ArrowRight" || e.key === "ArrowLeft")) return;
    if (e.key in keys) {{ e.preventDefault(); show(current + keys[e.key]); }}
    else if (e.key === "Home") {{ e.preventDefault(); show(0); }}
    else if (e.key === "End") {{ e.preventDefault(); show(last); }}
    else if (e.key === "+" || e.key === "=") setZoom(zoom * 1.25);
    else if (e.key === "-") setZoom(zoom / 1.25);
  }});
  setZoom(READABLE);
  show(0);
}})();
</script>
</body>
</html>
"""
