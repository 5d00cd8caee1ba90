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
import re
from collections.abc import Sequence
from pathlib import Path

from autograd.engine import Value, grads_set_aside
from autograd.files import write_atomically
from autograd.views.drawing import Drawing, drawing_of, expression
from autograd.views.explain import backward_steps
from autograd.views.mathml import rule_mathml
from autograd.views.notation import fixed, number, spoken
from autograd.views.render import FILLS, HIGHLIGHT_NODE, HIGHLIGHT_PARENT, svg

FORWARD_DONE = "The forward pass is done: every grad is 0. Press Next (or PageDown, Space, →) to start backprop."
# how draw_graph draws:
STYLE_OPTIONS = ("rankdir", "show_grad", "edge_labels", "highlight", "max_nodes", "stacked", "fontname")
STRUCTURE_OPTIONS = ("params", "group", "collapse", "focus", "notation")  # what it draws: the Drawing's


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
    layers=None,
    **draw,
) -> Path:
    """One self-contained HTML page that steps through backprop on the graph of `root`.

    The forward pass, the seed, then every edge: the step's edge and nodes highlighted
    on the graph, its grads filled in, its chain-rule sentence under it. Prev / Next /
    Play, the slider and the keys move between them. No network, no external files.
    Keyword arguments go to `draw_graph` (e.g. `**model.graph_style()`). When the loss
    averages many examples, `examples` (their predictions) adds a choice of which
    example's part of the graph to step through. The grads of the graph are left as
    they were. `layers` (an `nn.layer_view` of this loss) adds a choice of stepping through backprop
    layer by layer: each step one equation of the notes' delta recursion, its edges highlighted
    together.
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
    style = {"stacked": True, **style}  # packed for a screen unless asked otherwise
    views = [{"name": "the whole graph", **layout_records(drawing, backend, style)}]
    if layers is not None:  # the same pictures (index 0's), other steps
        views.append({"name": "layer by layer (the delta recursion)", "layouts": 0, "steps": layers.records(drawing)})
    for k, example in enumerate(examples or ()):
        views.append({"name": f"example {k + 1}", **layout_records(drawing.around(example), backend, style)})
    page = _PAGE.format(
        views=_script_json(views),
        choice="" if len(views) == 1 else _choice(views),
        title=html.escape(drawing.title()),
        forward_done_js=_script_json(FORWARD_DONE),
        step_js=STEP_JS,
        a11y_js=GRAPH_A11Y_JS,
        layout_js=LAYOUT_JS,
        highlight_css=HIGHLIGHT_CSS,
        theme_css=THEME_CSS,
        parameter=FILLS["parameter"],
        input=FILLS["input"],
        intermediate=FILLS["intermediate"],
        output=FILLS["output"],
        hot_parent=HIGHLIGHT_PARENT,
        hot_node=HIGHLIGHT_NODE,
        floor=PAGE_TEXT_FLOOR,
    )
    write_atomically(path, page.encode())
    return path


LAYOUTS = ("LR", "TB")  # left to right, top to bottom: a view picks the one that fits its screen
_VIEW_BOX = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def layouts(drawing: Drawing, backend: str = "auto", grads: str = "zero", **style) -> dict[str, dict]:
    """{"LR": {"svg", "width", "height"}, "TB": ...}: the graph drawn left to right and top to bottom
    (only as style's rankdir says, when it says), its size in Graphviz's units, for a page or a
    widget to pick the one that fits its box (LAYOUT_JS). grads as for `svg`."""
    chosen = style.pop("rankdir", None)
    drawn = {}
    for rankdir in (chosen,) if chosen else LAYOUTS:
        picture = svg(drawing, backend, grads=grads, rankdir=rankdir, **style)
        size = _VIEW_BOX.search(picture)
        width, height = (float(size[1]), float(size[2])) if size else (0.0, 0.0)
        drawn[rankdir] = {"svg": picture, "width": width, "height": height}
    return drawn


def layout_records(drawing: Drawing, backend: str = "auto", style: dict | None = None) -> dict:
    """{"layouts": layouts(), "steps": backward_records()}: the graph after the forward pass, drawn
    both ways, and the steps: what the page and the notebook stepper show."""
    style = dict(style or {})
    show_grad = style.get("show_grad", True)
    return {"layouts": layouts(drawing, backend, **style), "steps": backward_records(drawing, show_grad),
            "nodes": node_descriptions(drawing)}  # fmt: skip


_KINDS_SAID = {"parameter": "a parameter", "input": "an input", "constant": "a constant", "output": "the output"}


def node_descriptions(drawing: Drawing) -> dict[str, dict]:
    """For each node drawn (by id), what a screen reader says of it and where the arrow keys go:
    {"label": "o, the output, tanh of n", "row": [name, op, inputs, value] for the text
    alternative's table, "parents": ids, "children": ids}, in the drawing's order. The page puts
    the node's own texts (its name, data and grad as drawn) first; the edges' names say their
    local derivative."""
    names, shown, boxes = drawing.names, drawing.shown, drawing.boxes
    described: dict[str, dict] = {}
    for node in drawing.nodes:
        key = shown(node)
        if key in described:  # a box: its members share one entry
            continue
        if node in boxes.box_of:
            box = boxes.box_of[node]
            label = f"{spoken(box)}, a box of {len(boxes.members[box])} nodes"
            row = [box, "box", "", boxes.text(box, "data")]
        else:
            inputs = [names[p] for p in node.parents]
            made = expression(str(node.op), inputs, notes=drawing.notation != "paths") if node.parents else ""
            kind = _KINDS_SAID.get(drawing.kind(node), "")
            what = [kind] if not made or kind == "the output" else []
            if made and made != names[node]:  # "n, x1 times w1 plus b"; a node named by its expression once
                what.append(spoken(made))
            label = ", ".join([spoken(names[node]), *what])
            row = [names[node], str(node.op) if node.parents else kind.split(" ", 1)[-1], ", ".join(inputs),
                   number(node.data)]  # fmt: skip
        described[key] = {"label": label, "row": row, "parents": [], "children": []}
    for node in drawing.nodes:
        for parent in node.parents:
            if parent not in drawing.drawn:
                continue
            a, b = shown(parent), shown(node)
            if a != b and a in described and b in described:
                if a not in described[b]["parents"]:
                    described[b]["parents"].append(a)
                if b not in described[a]["children"]:
                    described[a]["children"].append(b)
    return described


def _choice(views: list[dict]) -> str:
    options = "".join(f'<option value="{k}">{html.escape(view["name"])}</option>' for k, view in enumerate(views))
    return f'<label>show <select id="example" data-testid="example">{options}</select></label>'


def step_records(root: Value | Drawing, backend: str = "auto", **draw) -> dict:
    """What the page and the notebook stepper show of the graph of `root`: layout_records(), the
    graph after the forward pass drawn both ways and a record per step of backward; neither
    computes anything. The graph's grads are left alone. Keyword arguments go to draw_graph."""
    structure, style = split_options(draw)
    return layout_records(drawing_of(root, **structure), backend, style)


def backward_records(drawing: Drawing, show_grad: bool = True) -> list[dict]:
    """A record per step of backward on the drawing's graph: the ids of the node passing gradient
    back, the parent receiving it and the edge (the drawing's ids), the sentence, the rule (in
    words and MathML), and the parent's grad after the step, as the graph shows it ("grad") and as
    a number ("value"), and for a handout the names of the receiving node and of the node it receives
    from ("receives", "from") and the step's local derivative,
    upstream gradient and contribution (4 significant digits). Steps outside a focus are left out.
    The graph's grads are left alone. (The Lab renders the DOT in the browser and shows these records.)"""
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
                grad = f"grad {fixed(step.parent_grad)}"
            steps.append(
                {
                    "node": "" if step.is_seed else node,
                    "parent": parent,
                    "edge": ""
                    if step.is_seed or inside_a_box
                    else drawing.edge_id(step.parent, step.node, step.parent_index),
                    "sentence": str(step),
                    "exact": step.exact,  # every digit: shown on hover
                    "spoken": step.spoken,  # as a screen reader says it: the live region's words
                    "rule": step.rule,
                    "math": rule_mathml(step.rule),
                    "grad": grad if show_grad else "",
                    "value": step.parent_grad if math.isfinite(step.parent_grad) else None,  # JSON has no nan
                    "receives": drawing.names[step.parent],  # the handout's columns: who, from whom, the numbers
                    "from": drawing.names[step.node],
                    "local": number(step.local),
                    "upstream": number(step.upstream),
                    "contribution": number(step.contribution),
                }
            )
    return steps


# What the page, the notebook stepper and the quiz share: which layout fits a box, and how big.
LAYOUT_JS = """
var TEXT_UNITS = 11;  // Graphviz draws node text 11 units tall
function layoutRoom(box, layout, height) {
  // The scale at which `layout` ({svg, width, height}) fits in the box (`height`: the box's, if not given).
  return Math.min((box.clientWidth - 32) / layout.width, ((height || box.clientHeight) - 32) / layout.height);
}
function pickLayout(layouts, chosen, room, floor, width) {
  // The chosen one ("LR", "TB"), or (chosen "auto") the one that fits whole with text at `floor` px
  // or more, the largest; else one whose width fits at the floor (the box scrolls down, not across);
  // else the one whose text is largest. `width`: the room across, in px.
  if (layouts[chosen]) return chosen;
  function score(l) {
    var r = room(l), across = l.width * fitZoom(r, floor) <= width;
    return [r >= floor / TEXT_UNITS ? 2 : across ? 1 : 0, r];
  }
  return Object.keys(layouts).reduce(function (a, b) {
    var x = score(layouts[a]), y = score(layouts[b]);
    return y[0] > x[0] || (y[0] === x[0] && y[1] > x[1] + 1e-9) ? b : a;
  });
}
function fitZoom(room, floor) {
  // Fit, but never text below `floor` px nor above 28 px: past the floor, the box scrolls.
  return Math.max(floor / TEXT_UNITS, Math.min(28 / TEXT_UNITS, room));
}
function sizeGraph(box, layout, zoom) {
  var svg = box.querySelector("svg");
  svg.setAttribute("width", layout.width * zoom + "px");
  svg.setAttribute("height", layout.height * zoom + "px");
}
function bringIntoView(box, id) {
  // The element of that id to the middle of the box (as near as the box's edges allow); the page stays.
  var target = id ? box.querySelector('[id="' + id + '"]') : null;
  box.scrollLeft = 0;
  box.scrollTop = 0;
  if (!target) return;
  var t = target.getBoundingClientRect(), v = box.getBoundingClientRect();
  box.scrollLeft = t.left + t.width / 2 - (v.left + v.width / 2);
  box.scrollTop = t.top + t.height / 2 - (v.top + v.height / 2);
}
"""

# What every view of a graph shares for a keyboard and a screen reader: each node focusable with its
# name, value and grad said (Python's words, the grad the picture shows), edges named by their local
# derivative, the arrow keys moving along edges, Enter doing what a click does.
GRAPH_A11Y_JS = r"""
function accessibleGraph(graph, nodes, steps, onActivate) {
  // graph: the element holding the SVG; nodes: node_descriptions(); steps: the records, for edge names.
  var svg = graph.querySelector("svg"), ids = Object.keys(nodes);
  if (!svg || !ids.length) return null;
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", "the computation graph, " + ids.length + " nodes: arrow keys move along its edges");
  svg.querySelectorAll("title").forEach(function (t) { t.remove(); });  // not "value-3": the names below
  function find(id) { return graph.querySelector('[id="' + id + '"]'); }
  function name(id) {  // what the node shows ("x1 data 2.0000 grad 0.0000"), then what it is, in words
    var shown = [].map.call(find(id).querySelectorAll("text"), function (t) { return t.textContent; }).join(" ");
    return shown + "; " + nodes[id].label;
  }
  var current = ids[ids.length - 1];  // the output: where backprop starts
  ids.forEach(function (id) {
    var e = find(id);
    if (!e) return;
    e.setAttribute("role", "button");
    e.setAttribute("tabindex", id === current ? "0" : "-1");  // one tab stop; the arrows do the rest
    e.setAttribute("aria-label", name(id));
    e.addEventListener("focus", function () { current = id; e.setAttribute("aria-label", name(id)); });
  });
  var local = {};
  steps.forEach(function (s) { if (s.edge) local[s.edge] = s.local; });
  svg.querySelectorAll(".edge").forEach(function (e) {
    var parts = /^(.*)-to-(value-\d+)-op-\d+$/.exec(e.id || "");
    if (!parts) return;
    var from = nodes[parts[1]], to = nodes[parts[2]];
    e.setAttribute("role", "img");
    e.setAttribute("aria-label", "edge from " + (from ? from.row[0] : parts[1]) + " to " + (to ? to.row[0] : parts[2])
      + (e.id in local ? ", local derivative " + local[e.id] : ""));
  });
  function move(to) {
    if (!to || !find(to)) return;
    find(current).setAttribute("tabindex", "-1");
    current = to;
    find(to).setAttribute("tabindex", "0");
    find(to).focus();
  }
  svg.addEventListener("keydown", function (event) {
    var node = nodes[current], key = event.key, to = null;
    if (key === "ArrowLeft") to = node.parents[0];  // toward the inputs
    else if (key === "ArrowRight") to = node.children[0];  // toward the output
    else if (key === "ArrowUp" || key === "ArrowDown") {  // a sibling: another input of the same node
      var child = nodes[node.children[0]], row = child ? child.parents : [];
      var k = row.indexOf(current) + (key === "ArrowDown" ? 1 : -1);
      to = row[(k + row.length) % row.length];
    } else if (key === "Enter" || key === " ") {
      event.preventDefault();
      event.stopPropagation();
      if (onActivate) onActivate(current);
      return;
    } else return;
    event.preventDefault();
    event.stopPropagation();  // the arrows move in the graph here, not through the steps
    move(to);
  });
  return { focus: function () { find(current).focus(); }, refresh: function () {
    ids.forEach(function (id) { var e = find(id); if (e) e.setAttribute("aria-label", name(id)); });
  } };
}
"""
# What the page and the notebook stepper share: how a step is shown on the graph.
STEP_JS = """
function backpropSteps(graph, steps) {
  // graph: the element that holds the SVG; steps: the records Python wrote (step_records): one edge
  // each (parent, node, edge, grad), or several at once (parents, nodes, edges, grads: [[id, text]]).
  // Returns show(k): the graph as it is after k steps, that step highlighted; it returns the step.
  function find(id) { return id ? graph.querySelector('[id="' + id + '"]') : null; }
  function gradText(id) {  // a record's last field is its grad
    var node = find(id), texts = node ? node.querySelectorAll("text") : [];
    return texts.length ? texts[texts.length - 1] : null;
  }
  function grads(s) { return s.grads || (s.grad ? [[s.parent, s.grad]] : []); }
  var initial = {};
  steps.forEach(function (s) {
    grads(s).concat([[s.parent]]).forEach(function (g) {
      var t = gradText(g[0]);
      if (t && !(g[0] in initial)) initial[g[0]] = t.textContent;
    });
  });
  return function show(current) {
    Object.keys(initial).forEach(function (id) { gradText(id).textContent = initial[id]; });
    for (var k = 0; k < current; k++) {
      grads(steps[k]).forEach(function (g) {
        var t = gradText(g[0]);
        if (t) t.textContent = g[1];
      });
    }
    graph.querySelectorAll(".hot-parent, .hot-node, .hot-edge").forEach(function (e) {
      e.classList.remove("hot-parent", "hot-node", "hot-edge");
    });
    var step = current > 0 ? steps[current - 1] : null;
    if (step) {
      // Several parents, nodes and edges at once, or one of each (of a step inside one box, the box receives).
      var hot = {"hot-parent": step.parents || [step.parent], "hot-edge": step.edges || [step.edge],
                 "hot-node": step.nodes || (step.node === step.parent ? [] : [step.node])};
      Object.keys(hot).forEach(function (name) {
        hot[name].forEach(function (id) {
          var e = find(id);
          if (e) e.classList.add(name);
        });
      });
    }
    return step;
  };
}
"""
# The graph's colours as CSS variables, so that a theme recolours the picture as well as the page:
# the rules below paint Graphviz's shapes (found by the fill Python gave them) with the theme's
# colours, whatever Graphviz wrote. Light is the drawing's own colours. Every text/fill pair
# meets WCAG's 4.5:1 (tests/test_html_browser.py measures them).
GRAPH_THEMES = {
    "light": {"paper": "#ffffff", "ink": "#111827", "line": "#111827", "stroke": "1", "op": "#ffffff",
              "parameter": FILLS["parameter"], "input": FILLS["input"], "intermediate": FILLS["intermediate"],
              "output": FILLS["output"], "hot-parent": HIGHLIGHT_PARENT, "hot-node": HIGHLIGHT_NODE,
              "hot-ink": "#111827", "parameter-ink": "#111827", "box": "#6b7280"},
    "dark": {"paper": "#111827", "ink": "#f9fafb", "line": "#d1d5db", "stroke": "1.2", "op": "#1f2937",
             "parameter": "#854d0e", "input": "#1e40af", "intermediate": "#374151", "output": "#166534",
             "hot-parent": "#fca5a5", "hot-node": "#fdba74", "hot-ink": "#111827", "parameter-ink": "#f9fafb",
             "box": "#9ca3af"},
    "contrast": {"paper": "#000000", "ink": "#ffffff", "line": "#ffffff", "stroke": "2.5", "op": "#000000",
                 "parameter": "#000000", "input": "#000000", "intermediate": "#000000", "output": "#000000",
                 "hot-parent": "#ffff00", "hot-node": "#ffffff", "hot-ink": "#000000", "parameter-ink": "#ffff00",
                 "box": "#ffffff"},
}  # fmt: skip


def _theme_variables(theme: str) -> str:
    return " ".join(f"--g-{key}: {value};" for key, value in GRAPH_THEMES[theme].items())


_KIND_FILLS = {kind: FILLS[kind] for kind in ("parameter", "input", "intermediate", "output")}
HIGHLIGHT_CSS = (
    "\n".join(
        f'  svg .node polygon[fill="{fill}"], svg .node path[fill="{fill}"] {{ fill: var(--g-{kind}, {fill}); }}'
        for kind, fill in _KIND_FILLS.items()
    )
    + f"""
  svg .graph > polygon {{ fill: var(--g-paper, #ffffff); }}
  svg .node text, svg .edge text, svg .cluster text {{ fill: var(--g-ink, #111827); }}
  svg .node:has(polygon[fill="{FILLS["parameter"]}"]) text {{ fill: var(--g-parameter-ink, #111827); }}
  svg .node polygon, svg .node polyline, svg .node path, svg .node ellipse, svg .edge path {{
    stroke: var(--g-line, #111827); stroke-width: var(--g-stroke, 1); }}
  svg .node ellipse {{ fill: var(--g-op, #ffffff); }}
  svg .edge polygon {{ fill: var(--g-line, #111827); stroke: var(--g-line, #111827); }}
  svg .cluster path, svg .cluster polygon {{ stroke: var(--g-box, #6b7280); }}
  svg .node:has(polygon[fill="{FILLS["parameter"]}"]) polygon {{ stroke: var(--g-parameter-ink, #111827); }}
  svg .node.hot-parent polygon, svg .node.hot-parent path {{ fill: var(--g-hot-parent, {HIGHLIGHT_PARENT});
    stroke-width: calc(var(--g-stroke, 1) * 2.5); }}
  svg .node.hot-node polygon, svg .node.hot-node path {{ fill: var(--g-hot-node, {HIGHLIGHT_NODE});
    stroke-width: calc(var(--g-stroke, 1) * 2); }}
  svg .node.hot-parent text, svg .node.hot-node text {{ fill: var(--g-hot-ink, #111827); }}
  svg .edge.hot-edge path {{ stroke: var(--g-hot-parent, {HIGHLIGHT_PARENT});
    stroke-width: calc(var(--g-stroke, 1) * 3); }}
  svg .edge.hot-edge polygon {{ stroke: var(--g-hot-parent, {HIGHLIGHT_PARENT});
    fill: var(--g-hot-parent, {HIGHLIGHT_PARENT}); }}
"""
)
THEME_CSS = (
    "\n".join(f'  body[data-theme="{theme}"] {{ {_theme_variables(theme)} }}' for theme in GRAPH_THEMES)
    + f"\n  @media print {{ #handout {{ {_theme_variables('light')} }} }}"
)


def _script_json(data: object) -> str:
    """JSON that can sit inside a <script> element: no `</` can close it early."""
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")  # valid JSON, and no </script> or <!--


PAGE_TEXT_FLOOR = 16  # px: Fit never draws the graph's text smaller (the back row of a lecture hall)

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backprop step by step: {title}</title>
<style>
  :root {{ --ink: #111827; --paper: #ffffff; --soft: #f9fafb; --line: #e5e7eb; --muted: #4b5563; --focus: #1d4ed8; }}
  body[data-theme="dark"] {{ --ink: #f3f4f6; --paper: #111827; --soft: #1f2937; --line: #374151; --muted: #d1d5db;
                            --focus: #93c5fd; }}
  body[data-theme="contrast"] {{ --ink: #ffffff; --paper: #000000; --soft: #000000; --line: #ffffff;
                                 --muted: #ffff00; --focus: #00ffff; }}
{theme_css}
  html, body {{ height: 100%; }}
  body {{ font-family: system-ui, sans-serif; margin: 0; color: var(--ink); background: var(--paper);
          display: flex; flex-direction: column; }}
  header {{ flex: none; background: var(--paper); padding: .4rem 1rem; border-bottom: 1px solid var(--line); }}
  h1 {{ font-size: 1.2rem; margin: 0 0 .3rem 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }}
  nav {{ display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; }}
  button, select {{ font-size: 1rem; padding: .25rem .7rem; }}
  #slider {{ flex: 1 1 8rem; min-width: 6rem; }}
  #counter {{ color: var(--muted); font-size: 1.05rem; min-width: 8.5rem; font-variant-numeric: tabular-nums; }}
  .legend {{ display: flex; flex-wrap: wrap; gap: .2rem .9rem; font-size: .9rem; margin-top: .3rem; }}
  .legend span::before {{ content: ""; display: inline-block; width: 1em; height: 1em; margin-right: .35em;
                          vertical-align: -.15em; border: 1px solid var(--ink); background: var(--swatch); }}
  #view {{ flex: 1 1 auto; min-height: 0; overflow: auto; padding: 16px; box-sizing: border-box;
           background: var(--g-paper); }}
  #view svg {{ display: block; }}
  footer {{ flex: none; background: var(--soft); border-top: 4px solid var(--g-hot-parent); padding: .4rem 1rem; }}
  #sentence {{ font-family: ui-monospace, monospace; font-size: 1.35rem; margin: 0; overflow-wrap: anywhere; }}
  #rule {{ color: var(--muted); font-size: 1rem; margin: .2rem 0 0 0; display: flex; gap: 1.5rem;
           align-items: center; }}
  #rule math {{ font-size: 1.5rem; color: var(--ink); }}
  /* Presenting: the graph fills the screen, the sentence large under it, only the counter above. */
  body.presenting header h1, body.presenting .legend,
  body.presenting nav > :not(#counter):not(#present) {{ display: none; }}
  body.presenting header {{ padding: .2rem 1rem; }}
  body.presenting #sentence {{ font-size: 2rem; }}
  body.presenting #rule {{ font-size: 1.3rem; }}
  #handout {{ display: none; }}
  .sr-only {{ position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
              clip: rect(0 0 0 0); white-space: nowrap; border: 0; }}
  #alternative.shown {{ position: static; width: auto; height: auto; margin: 0; overflow: auto; clip: auto;
                        white-space: normal; flex: 1 1 auto; padding: .5rem 1rem; background: var(--paper); }}
  #alternative table {{ border-collapse: collapse; }}
  #alternative td, #alternative th {{ border: 1px solid var(--line); padding: .2rem .6rem; text-align: left; }}
  svg .node:focus {{ outline: 3px solid var(--focus); outline-offset: 3px; }}
  svg .node:focus polygon, svg .node:focus ellipse {{ stroke: var(--focus); stroke-width: 3; }}
  button:focus-visible, select:focus-visible, input:focus-visible {{ outline: 3px solid var(--focus);
                                                                     outline-offset: 2px; }}
  @media (max-width: 480px) {{ #rule {{ flex-wrap: wrap; }} #sentence {{ font-size: 1.1rem; }} }}
  @media print {{
    html, body {{ height: auto; display: block; background: #ffffff; color: #000000; }}
    header, footer, #view {{ display: none !important; }}
    #handout {{ display: block; font-size: 10pt; }}
    #handout h1 {{ font-size: 14pt; white-space: normal; }}
    #handout .graph svg {{ width: 100%; height: auto; max-height: 9in; break-after: page; }}
    #handout ol {{ font-family: ui-monospace, monospace; padding-left: 2.5em; }}
    #handout li {{ margin: 0 0 .35em 0; break-inside: avoid; }}
    #handout .rule {{ color: #374151; }}
  }}
{highlight_css}
</style>
</head>
<body data-theme="light">
<header>
<h1>Backprop step by step: {title}</h1>
<nav>
  <button id="prev" data-testid="prev" title="PageUp, ←">&larr; Prev</button>
  <button id="next" data-testid="next" title="PageDown, Space, →">Next &rarr;</button>
  <button id="play" data-testid="play">Play</button>
  <input id="slider" data-testid="slider" type="range" min="0" value="0" aria-label="step">
  <span id="counter" data-testid="counter"></span>
  <button id="zoom-out" title="zoom out (Ctrl+wheel)" aria-label="zoom out">&minus;</button>
  <button id="zoom-in" title="zoom in (Ctrl+wheel)" aria-label="zoom in">+</button>
  <button id="fit" data-testid="fit" title="fit the graph to the window, its text never below {floor} px">Fit</button>
  {choice}
  <label>layout <select id="layout" data-testid="layout">
    <option value="auto">fit the screen</option><option value="LR">left to right</option>
    <option value="TB">top to bottom</option></select></label>
  <label>theme <select id="theme" data-testid="theme">
    <option value="light">light</option><option value="dark">dark</option>
    <option value="contrast">high contrast</option></select></label>
  <button id="present" data-testid="present" title="Full screen for a room (F; Esc leaves)">Present</button>
  <button id="table" data-testid="table" aria-controls="alternative" aria-expanded="false"
          title="the graph as a table, and every step (T)">Table</button>
</nav>
<div class="legend" aria-label="legend">
  <span style="--swatch: var(--g-hot-parent)">receives gradient in this step</span>
  <span style="--swatch: var(--g-hot-node)">passes it back</span>
  <span style="--swatch: var(--g-parameter)">parameter</span>
  <span style="--swatch: var(--g-input)">input or constant</span>
  <span style="--swatch: var(--g-intermediate)">intermediate</span>
  <span style="--swatch: var(--g-output)">output L</span>
</div>
</header>
<main id="view" data-testid="graph"></main>
<section id="alternative" class="sr-only" data-testid="alternative" aria-label="the graph as a table">
  <h2>The graph as a table</h2>
  <table><thead><tr><th scope="col">node</th><th scope="col">op</th><th scope="col">inputs</th>
    <th scope="col">value</th><th scope="col">grad</th></tr></thead><tbody></tbody></table>
  <h2>The steps of backprop</h2><ol></ol>
</section>
<p id="announce" class="sr-only" data-testid="announce" aria-live="polite"></p>
<footer>
  <p id="sentence" data-testid="sentence"></p>
  <p id="rule"><span id="rule-text"></span><span id="rule-math" data-testid="rule-math"></span></p>
</footer>
<section id="handout" data-testid="handout"><h1>Backprop step by step: {title}</h1>
  <div class="graph"></div><ol></ol></section>
<script type="application/json" id="views">{views}</script>
<script>
{layout_js}
{step_js}
{a11y_js}
(function () {{
  // Every text shown here was computed by Python: this script only lays out, places texts and classes.
  var views = JSON.parse(document.getElementById("views").textContent);
  var view = document.getElementById("view"), slider = document.getElementById("slider");
  var settings = new URLSearchParams(location.hash.slice(1));  // layout and theme, kept in the link
  var layoutChoice = document.getElementById("layout"), themeChoice = document.getElementById("theme");
  var chosen = 0, steps, last, apply, shape, zoom = 1, current = 0, timer = null, reader = null;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  if (["auto", "LR", "TB"].indexOf(settings.get("layout")) >= 0) layoutChoice.value = settings.get("layout");
  if (["light", "dark", "contrast"].indexOf(settings.get("theme")) >= 0) themeChoice.value = settings.get("theme");
  document.body.dataset.theme = themeChoice.value;

  function room(layout) {{ return layoutRoom(view, layout); }}
  function layoutsOf(v) {{ return typeof v.layouts === "number" ? views[v.layouts].layouts : v.layouts; }}
  function nodesOf(v) {{ return typeof v.layouts === "number" ? views[v.layouts].nodes : v.nodes; }}
  function setZoom(z) {{
    zoom = Math.max(0.1, Math.min(8, z));
    sizeGraph(view, shape, zoom);
  }}
  function fit() {{ setZoom(fitZoom(room(shape), {floor})); bring(); }}
  function draw() {{  // the chosen view in the layout that fits, fitted
    var v = views[chosen], drawn = layoutsOf(v);
    var layout = pickLayout(drawn, layoutChoice.value, room, {floor}, view.clientWidth - 32);
    view.innerHTML = drawn[layout].svg;
    view.dataset.layout = layout;
    shape = drawn[layout];
    steps = v.steps;
    last = steps.length;
    slider.max = last;
    apply = backpropSteps(view, steps);
    setZoom(fitZoom(room(shape), {floor}));
    reader = accessibleGraph(view, nodesOf(v), steps, function (id) {{  // Enter on a node: the step into it
      for (var k = 0; k < steps.length; k++) {{
        if (steps[k].parent === id || (steps[k].parents || []).indexOf(id) >= 0) {{ show(k + 1); return; }}
      }}
    }});
    alternative(nodesOf(v));
  }}
  function alternative(nodes) {{  // the text alternative: the nodes as a table, every step in a list
    var body = document.querySelector("#alternative tbody"), list = document.querySelector("#alternative ol");
    body.innerHTML = "";
    list.innerHTML = "";
    Object.keys(nodes).forEach(function (id) {{
      var tr = document.createElement("tr");
      nodes[id].row.concat([""]).forEach(function (text, k) {{
        var cell = document.createElement(k === 0 ? "th" : "td");
        if (k === 0) cell.scope = "row";
        cell.textContent = text;
        tr.appendChild(cell);
      }});
      tr.dataset.node = id;
      body.appendChild(tr);
    }});
    steps.forEach(function (s) {{
      var item = document.createElement("li");
      item.textContent = s.sentence;
      list.appendChild(item);
    }});
  }}
  function alternativeGrads() {{  // the table's grads: the texts the graph shows now
    document.querySelectorAll("#alternative tbody tr").forEach(function (tr) {{
      var e = view.querySelector('[id="' + tr.dataset.node + '"]'), texts = e ? e.querySelectorAll("text") : [];
      var last = texts.length ? texts[texts.length - 1].textContent : "";
      tr.lastChild.textContent = last.indexOf("grad ") === 0 ? last.slice(5) : "";
    }});
  }}
  function bring() {{  // the step's node (at step 0 the output, where backprop starts) to the middle
    var step = current > 0 ? steps[current - 1] : steps[0];
    bringIntoView(view, step && step.parent);
  }}
  function show(i) {{
    current = Math.max(0, Math.min(last, i));
    var step = apply(current), sentence = document.getElementById("sentence");
    sentence.textContent = step ? step.sentence : {forward_done_js};
    sentence.title = step ? step.exact : "";
    document.getElementById("rule-text").textContent = step ? "rule: " + step.rule : "";
    document.getElementById("rule-math").innerHTML = step ? step.math : "";  // MathML made (and escaped) by Python
    document.body.dataset.node = step ? step.node : "";
    document.body.dataset.parent = step ? step.parent : "";
    slider.value = current;
    document.getElementById("counter").textContent = "step " + current + " of " + last;
    document.getElementById("announce").textContent = "step " + current + " of " + last + ": "
      + (step ? step.spoken || step.sentence : {forward_done_js});
    if (reader) reader.refresh();
    alternativeGrads();
    bring();
  }}
  function remember() {{
    settings.set("layout", layoutChoice.value);
    settings.set("theme", themeChoice.value);
    history.replaceState(null, "", "#" + settings.toString());
  }}
  function play() {{
    var button = document.getElementById("play");
    if (timer) {{ clearInterval(timer); timer = null; button.textContent = "Play"; return; }}
    if (still) return;  // the system asks for reduced motion: no auto-advance (Next steps)
    if (current === last) show(0);
    button.textContent = "Pause";
    timer = setInterval(function () {{ if (current === last) play(); else show(current + 1); }}, 1200);
  }}
  function present(on) {{
    document.body.classList.toggle("presenting", on);
    document.getElementById("present").textContent = on ? "Leave (Esc)" : "Present";
    if (on && !document.fullscreenElement && document.documentElement.requestFullscreen) {{
      document.documentElement.requestFullscreen().catch(function () {{}});  // refused: the page fills the window
    }} else if (!on && document.fullscreenElement) {{
      document.exitFullscreen().catch(function () {{}});
    }}
    redraw();
  }}
  function redraw() {{ draw(); show(current); }}
  function handout() {{  // what prints: the graph with its final grads, then every step, one per line
    var box = document.querySelector("#handout .graph"), v = views[0], page = {{width: 7.5, height: 9}};
    var layout = Object.keys(v.layouts).reduce(function (a, b) {{
      var fits = function (l) {{ return Math.min(page.width / l.width, page.height / l.height); }};
      return fits(v.layouts[b]) > fits(v.layouts[a]) + 1e-9 ? b : a;
    }});
    box.innerHTML = v.layouts[layout].svg;
    backpropSteps(box, v.steps)(v.steps.length);
    box.querySelectorAll(".hot-parent, .hot-node, .hot-edge").forEach(function (e) {{
      e.classList.remove("hot-parent", "hot-node", "hot-edge");
    }});
    box.querySelectorAll("[id]").forEach(function (e) {{ e.removeAttribute("id"); }});  // one id per page
    var list = document.querySelector("#handout ol");
    var lines = [{forward_done_js}.split(". Press")[0] + "."].concat(v.steps.map(function (s) {{
      return s.sentence + "   (rule: " + s.rule + ")";
    }}));
    lines.forEach(function (text) {{
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    }});
  }}
  document.getElementById("prev").onclick = function () {{ show(current - 1); }};
  document.getElementById("next").onclick = function () {{ show(current + 1); }};
  document.getElementById("play").onclick = play;
  if (still) {{
    document.getElementById("play").disabled = true;
    document.getElementById("play").title = "off: your system asks for reduced motion; Next steps one at a time";
  }}
  function table(on) {{
    var box = document.getElementById("alternative"), button = document.getElementById("table");
    box.classList.toggle("shown", on);
    if (on) box.setAttribute("tabindex", "0");  // it scrolls: the keyboard can reach it
    else box.removeAttribute("tabindex");
    view.hidden = on;
    button.setAttribute("aria-expanded", on ? "true" : "false");
    button.textContent = on ? "Graph" : "Table";
  }}
  document.getElementById("table").onclick = function () {{
    table(!document.getElementById("alternative").classList.contains("shown"));
  }};
  document.getElementById("fit").onclick = fit;
  document.getElementById("present").onclick = function () {{
    present(!document.body.classList.contains("presenting"));
  }};
  themeChoice.onchange = function () {{ document.body.dataset.theme = themeChoice.value; remember(); }};
  layoutChoice.onchange = function () {{ remember(); redraw(); }};
  var choice = document.getElementById("example");
  if (choice) choice.onchange = function () {{  // another example's part of the graph, drawn by Python
    chosen = Number(choice.value);
    draw();
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
  document.addEventListener("fullscreenchange", function () {{
    if (!document.fullscreenElement && document.body.classList.contains("presenting")) present(false);
    else redraw();
  }});
  window.addEventListener("resize", function () {{ redraw(); }});
  var keys = {{ArrowRight: 1, PageDown: 1, " ": 1, ArrowLeft: -1, PageUp: -1}};
  document.addEventListener("keydown", function (e) {{
    if (e.target === slider && (e.key === "ArrowRight" || e.key === "ArrowLeft")) return;
    if (e.target.tagName === "SELECT") return;  // its own keys choose an option
    if (e.target.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;  // it presses the button
    if (e.key in keys) {{ e.preventDefault(); show(current + keys[e.key]); }}
    else if (e.key === "Home") {{ e.preventDefault(); show(0); }}
    else if (e.key === "End") {{ e.preventDefault(); show(last); }}
    else if (e.key === "+" || e.key === "=") setZoom(zoom * 1.25);
    else if (e.key === "-") setZoom(zoom / 1.25);
    else if (e.key === "f" || e.key === "F") present(!document.body.classList.contains("presenting"));
    else if (e.key === "Escape" && document.body.classList.contains("presenting")) present(false);
    else if (e.key === "t" || e.key === "T") table(!document.getElementById("alternative").classList.contains("shown"));
  }});
  handout();
  draw();
  show(0);
}})();
</script>
</body>
</html>
"""
