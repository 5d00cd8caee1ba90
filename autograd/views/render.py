"""Draw the graph: micrograd's picture with Graphviz, and files in svg, png or pdf.

Value nodes are records `label | data | grad`; each op is a small ellipse between
its inputs and its result. `graphviz` (the Python package) builds the DOT source;
`render` runs the system's `dot` when it is on PATH, else the `graphviz-pure`
command that the `graphviz-pure` package installs (a self-contained Graphviz, no
root needed). Both are imported or looked up only when something is drawn.
The step-through page, made of these pictures, is in `autograd.views.page`; what is drawn
(the order, names, ids and boxes) is the graph's `Drawing`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from autograd.engine import Value, backward_over, grads_set_aside
from autograd.files import write_atomically
from autograd.views.drawing import Collapse, Drawing, Group, drawing_of, shown_text
from autograd.views.explain import Step
from autograd.views.notation import fixed, notes_box

FILLS = {  # by Drawing.kind; a constant looks like an input ("input or constant" in the page's legend)
    "parameter": "#fde68a",
    "input": "#bfdbfe",
    "constant": "#bfdbfe",
    "intermediate": "#f3f4f6",
    "output": "#bbf7d0",
}
HIGHLIGHT_PARENT = "#f87171"  # the node receiving gradient in a step
HIGHLIGHT_NODE = "#fdba74"  # the node passing it back
FORMATS = ("svg", "png", "pdf")


# Every string that reaches DOT goes through one of these two: escaped for its kind of
# label, stripped of control characters (a NUL ends a C string inside Graphviz; XML,
# hence SVG, allows none of them), and marked `nohtml`, since the graphviz package
# otherwise writes a string that starts with < and ends with > unquoted, as an HTML
# label: a label could then add attributes such as URL=<javascript:...> to the DOT.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _record_text(text: str) -> str:
    """Text that shows as itself inside a record label: \\ { } | < > " and newlines escaped."""
    text = _CONTROL.sub("", shown_text(text)).replace("\\", "\\\\")
    for special in '{}|<>"':
        text = text.replace(special, "\\" + special)
    return text.replace("\n", "\\\\n")  # a field: the whole record label is made graphviz_text


def _plain_text(text: str) -> str:
    """Text for an ordinary (non-record) label: backslash and quote escaped."""
    text = _CONTROL.sub("", shown_text(text)).replace("\\", "\\\\").replace('"', '\\"')
    return graphviz_text(text.replace("\n", "\\\\n"))


def graphviz_text(text: str) -> str:
    """`text` as the graphviz package's NoHtml string: always quoted, never an HTML label."""
    import graphviz

    return graphviz.nohtml(text)


def draw_graph(
    root: Value | Drawing,
    rankdir: str = "LR",
    show_grad: bool = True,
    edge_labels: bool = False,
    highlight: Step | None = None,
    group: Group | None = None,
    max_nodes: int = 500,
    params: Iterable[Value] | None = None,
    collapse: Collapse | None = None,
    focus: Value | None = None,
    notation: str | None = None,
    stacked: bool = False,
    fontname: str = "Helvetica",
):
    """The graph of `root` as a `graphviz.Digraph` that Jupyter (and VS Code, Colab) shows as SVG,
    drawn with the system's `dot` when it is installed, else with `graphviz-pure`.

    edge_labels: write d node / d parent on each edge. highlight: a Step from
    `backward_steps()`, whose edge and nodes get colored. params: the leaves to
    fill as parameters (yellow; other leaves are inputs, blue). group: for each
    node, the labels of the nested boxes to draw it in, outermost first, or None
    (nn's models give both: `draw_graph(out, **model.graph_style())` boxes each
    neuron and layer). collapse: for each node, the name of the one box that stands
    for it and the others of that name, or None; a box shows the values and grads of
    its outputs as vectors (`model.graph_style("layer")`: one box per layer). focus:
    draw only what `focus` is made of and what is made of it (one example's prediction,
    when the loss averages many). notation: "paths" (the labels, the default), "notes"
    (the lecture notes' w⁽¹⁾₁₁, z⁽¹⁾₁, ŷ, L; the labels on hover) or "notes-plain". `root`
    may also be a `Drawing`, which holds params, group, collapse, focus and notation itself.
    stacked: each node's name, data and grad one above the other, packed tighter (what the
    step-through page, the notebook stepper and the Lab draw to fit a screen); else side by
    side, as micrograd draws them.
    """
    try:
        _graph_class()
    except ImportError:
        raise ImportError("drawing needs the graphviz package: pip install graphviz") from None
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    drawing = drawing_of(root, params=params, group=group, collapse=collapse, focus=focus, notation=notation)
    if len(drawing.nodes) > max_nodes:
        raise ValueError(
            f"this graph has {len(drawing.nodes)} value nodes, more than max_nodes={max_nodes}: Graphviz would take "
            "long and the picture would be unreadable. Draw one example instead of a batch, a smaller model, or use "
            "nn's default neurons (one z node each) rather than expand=True; or pass a larger max_nodes"
        )
    return dot_graph(drawing, rankdir, show_grad, edge_labels, highlight, stacked, fontname)


def dot_graph(
    drawing: Drawing,
    rankdir: str = "LR",
    show_grad: bool = True,
    edge_labels: bool = False,
    highlight: Step | None = None,
    stacked: bool = False,
    fontname: str = "Helvetica",
):
    """The DOT of a Drawing (draw_graph without the checks): every node, op, edge and box, with its id."""
    # A record's fields run across the ranks' direction inside { }, along it without: so
    # side by side is { } left to right and none top to bottom, and stacked the other way.
    braces = (rankdir in ("LR", "RL")) != stacked

    def record(fields: list[str]) -> str:
        return graphviz_text("{ " + " | ".join(fields) + " }" if braces else " | ".join(fields))

    root, names, ids, paths = drawing.root, drawing.names, drawing.ids, drawing.paths
    hot_parent = highlight.parent if highlight is not None else None
    hot_node = highlight.node if highlight is not None and not highlight.is_seed else None

    graph = _graph_class()("backprop", graph_attr={"rankdir": rankdir, "fontname": fontname})
    graph.attr("node", fontname=fontname, fontsize="11")
    if stacked:  # packed for a screen: text is what a room reads, the gaps are not
        graph.attr(nodesep="0.12", ranksep="0.22")
        graph.attr("node", margin="0.06,0.02")
    graph.attr("edge", fontname=fontname, fontsize="9")
    boxes: dict[tuple[str, ...], list] = {}  # a box's path -> the statements drawn in it
    inner_boxes: dict[tuple[str, ...], list[tuple[str, ...]]] = {(): []}  # a path -> the boxes inside it

    def place(node: Value, statement: tuple) -> None:
        path = tuple(drawing.group(node) or ()) if drawing.group is not None else ()
        if not path:
            getattr(graph, statement[0])(*statement[1], **statement[2])
            return
        for depth in range(1, len(path) + 1):
            if path[:depth] not in boxes:
                boxes[path[:depth]] = []
                inner_boxes.setdefault(path[: depth - 1], []).append(path[:depth])
        boxes[path].append(statement)

    merged = drawing.boxes
    box_edges: set[tuple[str, str]] = set()
    for node in drawing.nodes:
        if node in merged.box_of:  # drawn as its box, below; only the edges from outside the box here
            box_id = merged.ids[merged.box_of[node]]
            for parent in node.parents:
                if parent not in drawing.drawn:  # outside the focus
                    continue
                source = drawing.shown(parent)
                if source != box_id and (source, box_id) not in box_edges:
                    box_edges.add((source, box_id))
                    graph.edge(source, box_id, id=drawing.edge_id(parent, node, 0))
            continue
        fields = [_record_text(names[node]), f"data {fixed(node.data)}"]
        if show_grad:
            fields.append(f"grad {fixed(node.grad)}")
        style = {"shape": "record", "style": "filled", "fillcolor": FILLS[drawing.kind(node)], "id": ids[node]}
        if names[node] != paths[node]:  # the notes' name on the node, its label on hover
            style["tooltip"] = _plain_text(paths[node])
        if node is hot_parent:
            style.update(fillcolor=HIGHLIGHT_PARENT, penwidth="2.5")
        elif node is hot_node:
            style.update(fillcolor=HIGHLIGHT_NODE, penwidth="2")
        place(node, ("node", (ids[node],), {"label": record(fields), **style}))
        if not node.parents:
            continue
        op_id = ids[node] + "-op"
        op_style = {"shape": "ellipse", "id": op_id, "width": "0.3", "height": "0.3",  # as small as the op's name
                    "style": "filled", "fillcolor": "white", "margin": "0.02"}  # fmt: skip
        place(node, ("node", (op_id,), {"label": _plain_text(str(node.op)), **op_style}))
        graph.edge(op_id, ids[node])
        for i, (parent, local) in enumerate(zip(node.parents, node.locals)):
            if parent not in drawing.drawn:  # outside the focus
                continue
            attrs = {"id": drawing.edge_id(parent, node, i)}
            if edge_labels:
                attrs["label"] = fixed(local)
            if node is hot_node and i == highlight.parent_index:
                attrs.update(color=HIGHLIGHT_PARENT, penwidth="2.5")
            graph.edge(drawing.shown(parent), op_id, **attrs)

    for name, members in merged.members.items():
        fields = [_record_text(name), "out " + merged.text(name, "data")]
        if show_grad:
            fields.append("grad " + merged.text(name, "grad"))
        style = {
            "shape": "record",
            "style": "filled",
            "fillcolor": FILLS["output" if root in members else "intermediate"],
        }
        if hot_parent in members:
            style.update(fillcolor=HIGHLIGHT_PARENT, penwidth="2.5")
        elif hot_node in members:
            style.update(fillcolor=HIGHLIGHT_NODE, penwidth="2")
        graph.node(merged.ids[name], label=record(fields), id=merged.ids[name], **style)

    def draw_box(outside, path: tuple[str, ...], number: str) -> None:
        # Boxes are named by number (a name is written to the DOT and the SVG too); the
        # outermost is dashed, the ones inside it solid.
        with outside.subgraph(name=f"cluster_{number}") as box:
            outermost = len(path) == 1
            title = path[-1] if drawing.notation == "paths" else notes_box(path[-1])
            box.attr(label=_plain_text(title), style="rounded,dashed" if outermost else "rounded",
                     color="#9ca3af" if outermost else "#6b7280", fontsize="10")  # fmt: skip
            for method, args, kwargs in boxes[path]:
                getattr(box, method)(*args, **kwargs)
            for j, inner in enumerate(inner_boxes.get(path, [])):
                draw_box(box, inner, f"{number}_{j}")

    for i, path in enumerate(inner_boxes[()]):
        draw_box(graph, path, str(i))
    return graph


def svg(drawing: Drawing, backend: str = "auto", grads: str = "now", **style) -> str:
    """The drawing as SVG markup to put in a page (from `<svg` on: no XML prolog), with the grads
    as they are now, as after the forward pass ("zero": every grad 0), or as after one backward
    from zero ("backward"); the graph's grads are left as they were. Keyword arguments go to
    draw_graph."""
    if grads not in ("now", "zero", "backward"):
        raise ValueError(f"grads must be 'now', 'zero' or 'backward', got {grads!r}")
    if grads != "now":
        with grads_set_aside(drawing.order, keep=False):
            if grads == "backward":
                backward_over(drawing.order)
            return svg(drawing, backend, **style)
    picture = render_source(draw_graph(drawing, **style).source, "svg", backend).decode()
    return picture[picture.index("<svg") :]


_graph_classes: list[type] = []  # the Digraph subclass, made once graphviz is imported


def _graph_class() -> type:
    """graphviz.Digraph, drawing itself in notebooks with `render_source` (dot, or graphviz-pure
    where there is no dot) instead of the system `dot` alone."""
    if not _graph_classes:
        import graphviz

        class Graph(graphviz.Digraph):
            """A graphviz.Digraph (`.source`, `.pipe`, `.render`) that draws itself without system Graphviz."""

            def _repr_mimebundle_(self, include=None, exclude=None, **_) -> dict:
                wanted = set(["image/svg+xml"] if include is None else include) - set(exclude or ())
                if "image/svg+xml" not in wanted:
                    return {}
                try:
                    return {"image/svg+xml": render_source(self.source, "svg").decode()}
                except (FileNotFoundError, RuntimeError, ValueError) as error:
                    return {"text/plain": f"(this graph could not be drawn: {error})"}

            def __repr__(self) -> str:
                return f"<graph {self.name!r}: {len(self.body)} DOT statements; Jupyter shows the picture>"

            def pipe(self, format: str | None = None, *args, **kwargs):
                if args or set(kwargs) - {"encoding"}:  # another engine, renderer or formatter: Graphviz's own
                    return super().pipe(format, *args, **kwargs)
                picture = render_source(self.source, format or self.format)  # dot, else graphviz-pure
                encoding = kwargs.get("encoding")
                return picture.decode(encoding) if encoding else picture

        _graph_classes.append(Graph)
    return _graph_classes[0]


# --- rendering to files ----------------------------------------------------------------------------


def renderers(backend: str = "auto") -> list[list[str]]:
    """The commands that turn DOT into pictures, in the order they are tried: 'dot' if on PATH,
    then 'graphviz-pure' (backend='auto'), or only the one named."""
    if backend not in ("auto", "dot", "graphviz-pure"):
        raise ValueError(f"backend must be 'auto', 'dot' or 'graphviz-pure', got {backend!r}")
    candidates = []
    if backend in ("auto", "dot"):
        candidates.append(shutil.which("dot"))
    if backend in ("auto", "graphviz-pure"):
        beside_python = Path(sys.executable).parent / "graphviz-pure"
        pure = shutil.which("graphviz-pure") or (str(beside_python) if beside_python.exists() else None)
        candidates.append(pure)
    found = [[command] for command in candidates if command]
    if not found:
        raise FileNotFoundError(
            "no Graphviz renderer found: install the graphviz-pure package (pip install graphviz-pure, no root "
            "needed) or Graphviz itself (apt-get install graphviz, brew install graphviz, or graphviz.org)"
        )
    return found


def renderer(backend: str = "auto") -> list[str]:
    """The command tried first: 'dot' if on PATH, else 'graphviz-pure'."""
    return renderers(backend)[0]


def _is_pure(command: list[str]) -> bool:
    return Path(command[0]).name.startswith("graphviz-pure")


def renderer_for(format: str, backend: str = "auto") -> list[list[str]]:
    """The commands that can draw `format`; a ValueError for pdf with only graphviz-pure, which cannot."""
    commands = [c for c in renderers(backend) if format != "pdf" or not _is_pure(c)]
    if not commands:
        raise ValueError(
            "graphviz-pure draws svg and png, not pdf: render to .svg or .png, or install Graphviz "
            "(apt-get install graphviz, brew install graphviz) for pdf"
        )
    return commands


def render_source(source: str, format: str = "svg", backend: str = "auto") -> bytes:
    """Run the renderer on DOT source; the picture's bytes. With backend='auto', a `dot` that is
    there but fails (a half-installed Graphviz: `Format: "svg" not recognized`) gives way to
    graphviz-pure; the error names every renderer that failed."""
    failures = []
    for command in renderer_for(format, backend):
        result = subprocess.run(command + [f"-T{format}"], input=source.encode(), capture_output=True, timeout=120)
        if result.returncode == 0:
            return result.stdout
        failures.append(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.decode()[:500]}")
    raise RuntimeError("; then ".join(failures))


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
