"""Draw the graph: micrograd's picture with Graphviz, files in svg/png/pdf, and an HTML step-through page.

Value nodes are records `label | data | grad`; each op is a small ellipse between
its inputs and its result. `graphviz` (the Python package) builds the DOT source;
`render` runs the system's `dot` when it is on PATH, else the `graphviz-pure`
command that the `graphviz-pure` package installs (a self-contained Graphviz, no
root needed). Both are imported or looked up only when something is drawn.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from autograd.engine import Value, topological_order
from autograd.explain import Step, node_names
from autograd.files import write_atomically

FILLS = {"parameter": "#fde68a", "input": "#bfdbfe", "intermediate": "#f3f4f6", "output": "#bbf7d0"}
HIGHLIGHT_PARENT = "#f87171"  # the node receiving gradient in a step
HIGHLIGHT_NODE = "#fdba74"  # the node passing it back
PARAMETER_LABEL = re.compile(r"(^|\.)(w\.?\d*|b)$")  # w, w1, b, layers.0.neurons.1.w.0, ....b
NEURON_LABEL = re.compile(r"^(?P<neuron>(?P<layer>.*)\.neurons\.\d+)\.(z|h|w\.\d+|b)$")
FORMATS = ("svg", "png", "pdf")


# Every string that reaches DOT goes through one of these two: escaped for its kind of
# label, stripped of control characters (a NUL ends a C string inside Graphviz; XML,
# hence SVG, allows none of them), and marked `nohtml`, since the graphviz package
# otherwise writes a string that starts with < and ends with > unquoted, as an HTML
# label: a label could then add attributes such as URL=<javascript:...> to the DOT.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _record_text(text: str) -> str:
    """Text that shows as itself inside a record label: \\ { } | < > " and newlines escaped."""
    text = _CONTROL.sub("", text).replace("\\", "\\\\")
    for special in '{}|<>"':
        text = text.replace(special, "\\" + special)
    return text.replace("\n", "\\\\n")  # a field: the whole record label is made graphviz_text


def _plain_text(text: str) -> str:
    """Text for an ordinary (non-record) label: backslash and quote escaped."""
    text = _CONTROL.sub("", text).replace("\\", "\\\\").replace('"', '\\"')
    return graphviz_text(text.replace("\n", "\\\\n"))


def graphviz_text(text: str) -> str:
    """`text` as the graphviz package's NoHtml string: always quoted, never an HTML label."""
    import graphviz

    return graphviz.nohtml(text)


def node_kind(node: Value, root: Value, parameters: set[Value] | None) -> str:
    """'output', 'parameter', 'input' or 'intermediate': it picks the node's fill."""
    if node is root:
        return "output"
    if node.parents:
        return "intermediate"
    if parameters is not None:
        return "parameter" if node in parameters else "input"
    return "parameter" if PARAMETER_LABEL.search(node.label) else "input"


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show_grad: bool = True,
    edge_labels: bool = False,
    highlight: Step | None = None,
    group: bool = True,
    max_nodes: int = 500,
    params: Iterable[Value] | None = None,
):
    """The graph of `root` as a `graphviz.Digraph` (Jupyter shows it as it is).

    edge_labels: write d node / d parent on each edge. highlight: a Step from
    `backward_steps()`, whose edge and nodes get colored. group: draw each nn
    neuron and layer (labels like layers.0.neurons.1.z) as a labelled box.
    params: the parameters, for their fill (by default, leaves labelled like
    weights and biases: w, w1, b, ...w.0, ...b).
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError("drawing needs the graphviz package: pip install graphviz") from None
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"this graph has {len(order)} value nodes, more than max_nodes={max_nodes}: Graphviz would take long "
            "and the picture would be unreadable. Draw one example instead of a batch, a smaller model, or use "
            "nn's default neurons (one z node each) rather than expand=True; or pass a larger max_nodes"
        )
    names = node_names(order)
    ids = {node: f"value-{i}" for i, node in enumerate(order)}
    parameters = None if params is None else set(params)
    hot_parent = highlight.parent if highlight is not None else None
    hot_node = highlight.node if highlight is not None and not highlight.is_seed else None

    graph = graphviz.Digraph("backprop", graph_attr={"rankdir": rankdir, "fontname": "Helvetica"})
    graph.attr("node", fontname="Helvetica", fontsize="11")
    graph.attr("edge", fontname="Helvetica", fontsize="9")
    clusters: dict[str, dict[str, list]] = {}  # layer -> neuron -> [(method, args, kwargs)]

    def place(node: Value, statement: tuple) -> None:
        match = NEURON_LABEL.match(node.label) if group else None
        if match:
            clusters.setdefault(match["layer"], {}).setdefault(match["neuron"], []).append(statement)
        else:
            getattr(graph, statement[0])(*statement[1], **statement[2])

    for node in order:
        fields = [_record_text(names[node]), f"data {node.data:.4f}"]
        if show_grad:
            fields.append(f"grad {node.grad:.4f}")
        fill = FILLS[node_kind(node, root, parameters)]
        style = {"shape": "record", "style": "filled", "fillcolor": fill, "id": ids[node]}
        if node is hot_parent:
            style.update(fillcolor=HIGHLIGHT_PARENT, penwidth="2.5")
        elif node is hot_node:
            style.update(fillcolor=HIGHLIGHT_NODE, penwidth="2")
        place(node, ("node", (ids[node],), {"label": graphviz_text("{ " + " | ".join(fields) + " }"), **style}))
        if not node.parents:
            continue
        op_id = ids[node] + "-op"
        place(node, ("node", (op_id,), {"label": _plain_text(str(node.op)), "shape": "ellipse", "id": op_id,
                                         "style": "filled", "fillcolor": "white", "margin": "0.02"}))  # fmt: skip
        graph.edge(op_id, ids[node])
        for i, (parent, local) in enumerate(zip(node.parents, node.locals)):
            attrs = {"id": f"{ids[parent]}-to-{op_id}-{i}"}
            if edge_labels:
                attrs["label"] = f"{local:.4f}"
            if node is hot_node and i == highlight.parent_index:
                attrs.update(color=HIGHLIGHT_PARENT, penwidth="2.5")
            graph.edge(ids[parent], op_id, **attrs)

    # Clusters are named by number: a name is written to the DOT and the SVG too.
    for i, (layer, neurons) in enumerate(clusters.items()):
        with graph.subgraph(name=f"cluster_{i}") as box:
            box.attr(label=_plain_text(layer), style="rounded,dashed", color="#9ca3af", fontsize="10")
            for j, (neuron, statements) in enumerate(neurons.items()):
                with box.subgraph(name=f"cluster_{i}_{j}") as inner:
                    inner.attr(label=_plain_text(neuron.rsplit(".", 2)[-2] + " " + neuron.rsplit(".", 1)[-1]),
                               style="rounded", color="#6b7280")  # fmt: skip
                    for method, args, kwargs in statements:
                        getattr(inner, method)(*args, **kwargs)
    return graph


# --- rendering to files ----------------------------------------------------------------------------


def renderer(backend: str = "auto") -> list[str]:
    """The command that turns DOT into pictures: 'dot' if on PATH, else 'graphviz-pure'."""
    if backend not in ("auto", "dot", "graphviz-pure"):
        raise ValueError(f"backend must be 'auto', 'dot' or 'graphviz-pure', got {backend!r}")
    candidates = []
    if backend in ("auto", "dot"):
        candidates.append(shutil.which("dot"))
    if backend in ("auto", "graphviz-pure"):
        beside_python = Path(sys.executable).parent / "graphviz-pure"
        candidates += [shutil.which("graphviz-pure"), str(beside_python) if beside_python.exists() else None]
    for command in candidates:
        if command:
            return [command]
    raise FileNotFoundError(
        "no Graphviz renderer found: install the graphviz-pure package (pip install graphviz-pure, no root needed) "
        "or Graphviz itself (apt-get install graphviz, brew install graphviz, or graphviz.org)"
    )


def render_source(source: str, format: str = "svg", backend: str = "auto") -> bytes:
    """Run the renderer on DOT source; the picture's bytes."""
    command = renderer(backend)
    if format == "pdf" and Path(command[0]).name.startswith("graphviz-pure"):
        raise ValueError(
            "graphviz-pure draws svg and png, not pdf: render to .svg or .png, or install Graphviz "
            "(apt-get install graphviz, brew install graphviz) for pdf"
        )
    command = command + [f"-T{format}"]
    result = subprocess.run(command, input=source.encode(), capture_output=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.decode()[:500]}")
    return result.stdout


def render(root: Value, path: str | os.PathLike, format: str | None = None, backend: str = "auto", **draw) -> Path:
    """Draw the graph of `root` into `path` (svg, png or pdf, from the suffix unless `format` says).

    Uses `dot` if it is on PATH, else `graphviz-pure`. With neither, writes the DOT
    source next to `path` (as .gv) and raises an error that says how to get one.
    Keyword arguments go to `draw_graph`.
    """
    path = Path(path)
    format = (format or path.suffix.lstrip(".")).lower()
    if format not in FORMATS:
        raise ValueError(f"can render {', '.join(FORMATS)}; got {format or 'no suffix'!r} for {path}")
    source = draw_graph(root, **draw).source
    try:
        picture = render_source(source, format, backend)
    except FileNotFoundError as error:
        write_atomically(path.with_suffix(".gv"), source.encode())
        raise FileNotFoundError(f"{error}; the DOT source is in {path.with_suffix('.gv')}") from None
    write_atomically(path, picture)
    return path


# --- the step-through page ------------------------------------------------------------------------

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
    saved = [node.grad for node in order]
    frames: list[tuple[str, str, str, str]] = []  # (svg, sentence, node id, parent id)
    try:
        for node in order:
            node.grad = 0.0
        ids = {node: f"value-{i}" for i, node in enumerate(order)}
        first = render_source(draw_graph(root, **draw).source, "svg", backend).decode()
        frames.append((first, "The forward pass is done: every grad is 0. Press Next to start backprop.", "", ""))
        for step in root.backward_steps():
            svg = render_source(draw_graph(root, highlight=step, **draw).source, "svg", backend).decode()
            frames.append((svg, str(step), ids[step.node], ids[step.parent]))
    finally:
        for node, grad in zip(order, saved):
            node.grad = grad
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
