"""Printable worksheets: each exercise's graph and a table to fill in, and the answer key, as HTML
pages to print from the browser and, with pdf=True, as PDFs written directly (A4 or Letter).

On the PDFs' paper the graph's text is 9 to 10 pt (Graphviz draws it 11 pt at scale 1) and every
other text 9 pt or more. Each graph is drawn left to right and top to bottom, and each exercise is
set in the layout and arrangement (the graph above its tables, or beside them) that keeps it on
one page and draws its graph largest, of those the shortest, so that several exercises share a
page where they fit; the sheet is laid out with the graphs' text at most 10, 9.5 or 9 pt,
whichever takes the fewest pages. A graph taller than a page at 9 pt is cut across between two
rows of nodes and goes on over the page.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple
from xml.sax.saxutils import escape

from autograd.exercises.generate import LEVELS, Exercise, exercise, number
from autograd.files import write_atomically
from autograd.views.notation import spoken
from autograd.views.page import GRAPH_A11Y_JS, node_descriptions
from autograd.views.pdf import (
    BOLD,
    FONT,
    GRAPH_FONT,
    GRAPH_TEXT,
    MONO,
    GraphPicture,
    fonts,
    graph_flowable,
    need,
    numbered_canvas,
)
from autograd.views.render import svg
from autograd.views.slides import COLOURS, PAPERS

INSTRUCTIONS = "For each graph, compute dL/d(node) for every node, starting from dL/dL = 1. Write 4 significant digits."
GRAPH_SIZES = (9.0, 10.0)  # pt: the graph's text on paper, at least (the floor) and at most (the sheet's text)
MARGIN, FOOT = 30.0, 36.0  # pt: the page's margins; the foot holds "page k of n"
GAP = 12.0  # pt: between a graph and the tables beside or under it
ANSWER_CELL = (110.0, 24.0)  # pt: the empty cell a student writes a gradient in, wide and tall enough for a pen
STEPS_WIDTH = 300.0  # pt: the narrowest the key's steps are set beside a graph


def worksheet(
    seeds: Sequence[int],
    level: int,
    path: str | Path,
    backend: str = "auto",
    title: str = "",
    pdf: bool = False,
    paper: str = "letter",
) -> tuple[Path, ...]:
    """Write `worksheet.html` (a Name / Student ID / Date header, then each exercise's graph without
    grads and a table to fill in) and `key.html` (the graphs with grads, the answers and backward's
    steps, each sentence beside its rule, none for a constant) into the folder `path`; with
    `pdf=True` also `worksheet.pdf` and `key.pdf`, the same on `paper` ("letter" or "a4"), numbered
    "page k of n". `title`: the course's, at the top of each. Returns the paths written, the HTML
    pair then the PDF pair. Print the HTML from the browser (Ctrl+P; several exercises to a page
    where they fit), the PDFs as they are. Nothing is written unless all of it is ready."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be 'letter' or 'a4', got {paper!r}")
    seeds = list(seeds)
    if not seeds:
        raise ValueError("worksheet needs at least one seed")
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "it is a file, not a folder", str(folder))
    exercises = [exercise(seed, level) for seed in seeds]
    header = (f"{title}: " if title else "") + f"Backprop by hand, level {level}: {LEVELS[level]}"
    files = dict(zip(("worksheet.html", "key.html"), _html(exercises, header, backend)))
    if pdf:
        files.update(zip(("worksheet.pdf", "key.pdf"), _pdfs(exercises, header, paper, backend)))
    folder.mkdir(parents=True, exist_ok=True)
    return tuple(write_atomically(folder / name, data) for name, data in files.items())


def _heading(count: int, ex: Exercise) -> str:
    return f"Exercise {count} (level {ex.level}, seed {ex.seed})"  # the seed: a key matches its sheet


def _key_steps(ex) -> list:
    """backward's steps for the key, without those into a constant (a number of the expression,
    whose gradient nobody asks for)."""
    return [s for s in ex.steps() if s.is_seed or ex.drawing.kind(s.parent) != "constant"]


# --- the HTML pages --------------------------------------------------------------------------


def _html(exercises: list[Exercise], header: str, backend: str) -> tuple[bytes, bytes]:
    """worksheet.html and key.html."""
    sheets, keys = [], []
    for count, ex in enumerate(exercises, start=1):
        blank = svg(ex.drawing, backend, show_grad=False)
        solved = svg(ex.drawing, backend, grads="backward")
        heading = _heading(count, ex)
        forward = "".join(f"<li><code>{html.escape(line)}</code></li>" for line in ex.forward_lines())
        rows = "".join(  # a blank to write in on paper, a labelled box to type in on screen
            f"<tr><th scope='row'><code>dL/d{html.escape(n)}</code></th><td class='blank'><input "
            f"aria-label='exercise {count}: dL/d{html.escape(n)}, the gradient of L with respect to "
            f"{html.escape(spoken(n))}'></td></tr>"
            for n in ex.order()
        )
        walk = html.escape(json.dumps(node_descriptions(ex.drawing), ensure_ascii=False), quote=True)
        sheets.append(
            f"<section aria-labelledby='ex-{count}'><h2 id='ex-{count}'>{heading}</h2>"
            f"<div class='graph' data-nodes=\"{walk}\">{_described(blank, count)}</div>"
            f"<ol class='forward'>{forward}</ol>"
            f"<table><tr><th scope='col'>gradient</th><th scope='col'>your answer</th></tr>{rows}</table></section>"
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
            f"<section><h2>{heading}: answers</h2><div class='graph' data-nodes=\"{walk}\">"
            f"{_described(solved, count, True)}</div>"
            f"<table><tr><th>gradient</th><th>answer</th></tr>{key_rows}</table>"
            f"<table class='steps'><tr><th>step</th><th>backward</th><th>rule</th></tr>{steps}</table></section>"
        )
    student = (
        "<div class='student'>"
        + "".join(
            f"<label>{field}<input name='{field.lower().replace(' ', '-')}'></label>"
            for field in ("Name", "Student ID", "Date")
        )  # fmt: skip
        + f"</div><p>{html.escape(INSTRUCTIONS)}</p>"
    )
    return _page(header, student + "".join(sheets)).encode(), _page(header + ": answer key", "".join(keys)).encode()


def _described(picture: str, count: int, solved: bool = False) -> str:
    """The graph's SVG with a name (its nodes' titles, value-3, taken out; the page's script makes
    each node a named stop for the arrow keys): the forward pass listed beside it, or the answers,
    say in words what it draws."""
    what = "with every gradient; the answers and steps follow" if solved else "its nodes are listed below it"
    picture = re.sub(r"<title>[^<]*</title>", "", picture)
    return picture.replace("<svg ", f"<svg role='group' aria-label='the graph of exercise {count}, {what}' ", 1)


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
  td.blank input {{ width: 100%; border: 0; font: inherit; background: transparent; box-sizing: border-box; }}
  table.steps td, table.steps th {{ font-size: .8rem; padding: 1px 6px; }}
  .student {{ display: flex; gap: 2rem; margin: .5rem 0 1rem 0; }}
  .student label {{ flex: 1; display: flex; gap: .4rem; align-items: end; font-size: .9rem; }}
  .student input {{ flex: 1; border: 0; border-bottom: 1px solid #111; font: inherit; background: transparent; }}
  input:focus-visible, svg .node:focus {{ outline: 3px solid #1d4ed8; }}
  @media print {{ svg .node:focus {{ outline: none; }} }}
  @page {{ margin: 1.5cm; @bottom-center {{ content: "page " counter(page) " of " counter(pages); font-size: 9pt; }} }}
  @media print {{ section {{ page-break-after: always; }} body {{ margin: 0; }} }}
</style></head>
<body><h1>{html.escape(title)}</h1>
{body}
<script>
{GRAPH_A11Y_JS}
document.querySelectorAll(".graph[data-nodes]").forEach(function (box) {{  // each graph walked by the arrow keys
  var svg = box.querySelector("svg"), named = svg.getAttribute("aria-label");
  accessibleGraph(box, JSON.parse(box.dataset.nodes), [], null);
  svg.setAttribute("aria-label", named + "; arrow keys move along its edges");
}});
</script>
</body></html>
"""


# --- the PDFs --------------------------------------------------------------------------------

_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"\s+viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


class _Graph:
    """A Graphviz SVG: its size in pt, read from its markup, and its shapes, parsed when first needed
    (only the layout a sheet uses is parsed)."""

    def __init__(self, markup: str) -> None:
        size = _SIZE.search(markup)
        if size is None:
            raise ValueError(f"expected Graphviz's SVG, with its size in pt and a view box; got {markup[:80]!r}")
        width, height, box_width, box_height = map(float, size.groups())
        self.markup, self.width, self.height = markup, width, height
        self._picture: GraphPicture | None = None
        # The size is the view box's rounded to whole points, and svglib fits the box into it: the
        # text is GRAPH_TEXT times this (within a hair of 1), times the scale it is drawn at.
        self.text = GRAPH_TEXT * min(width / box_width, height / box_height)

    @property
    def picture(self) -> GraphPicture:
        if self._picture is None:
            self._picture = GraphPicture(self.markup)
        return self._picture

    @property
    def nodes(self) -> list[tuple[float, float, float, float]]:
        """The boxes of the nodes and ops (Drawing.ids: value-3, its op value-3-op), not the edges'."""
        return [box for key, box in self.picture.boxes.items() if key.startswith("value-") and "-to-" not in key]


class _Arrangement(NamedTuple):
    """A way to set an exercise under its heading."""

    across: Callable[[float], float]  # the frame's width -> the room across for the graph
    alone: bool  # the graph stands alone in the flow, so it can be cut over a page
    arrange: Callable[[list, float], list]  # (the graph's flowables, the frame's width) -> the exercise's


class _Item(NamedTuple):
    """An exercise on a sheet: its heading there, its name (for captions), its graph both ways, its arrangements."""

    heading: str
    name: str
    graphs: dict[str, _Graph]
    arrangements: list[_Arrangement]


def _pdfs(
    exercises: list[Exercise], header: str, paper: str, backend: str, student: tuple[str, str] | None = None
) -> tuple[bytes, bytes]:
    """worksheet.pdf and key.pdf: the HTML pages' exercises, laid out for `paper`; `student`, (name, id),
    is printed on the sheet's Name and Student ID lines and under the key's title."""
    platypus = need("reportlab.platypus", "reportlab")
    fonts()
    styles = _styles()
    sheet, key = [], []
    for count, ex in enumerate(exercises, start=1):
        heading = _heading(count, ex)
        sheet.append(_Item(heading, heading, _graphs(ex, backend, show_grad=False), _sheet_arrangements(ex, styles)))
        key.append(_Item(f"{heading}: answers", heading, _graphs(ex, backend, grads="backward"),
                         _key_arrangements(ex, styles)))  # fmt: skip

    def sheet_top() -> list:
        widths = [36, 0, 18, 64, 120, 18, 32, 100]  # each label, its line, a gap; the name's line takes what is left
        widths[1] = _frame(paper)[0] - sum(widths)
        name, number = (platypus.Paragraph(escape(part), styles["text"]) for part in student) if student else ("", "")
        fields = platypus.Table([["Name", name, "", "Student ID", number, "", "Date", ""]], colWidths=widths,
                                rowHeights=[28])  # fmt: skip
        fields.setStyle(platypus.TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, 10), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            *(("LINEBELOW", (c, 0), (c, 0), 0.8, "#111111") for c in (1, 4, 7)),
        ]))  # fmt: skip
        return [platypus.Paragraph(escape(header), styles["title"]), fields, platypus.Spacer(1, 8),
                platypus.Paragraph(escape(INSTRUCTIONS), styles["text"])]  # fmt: skip

    def key_top() -> list:
        title = [platypus.Paragraph(escape(header + ": answer key"), styles["title"])]
        if student:
            title.append(platypus.Paragraph(escape(f"for {student[0]} (student ID {student[1]})"), styles["text"]))
        return title

    return (
        _document(sheet_top, sheet, paper, f"{header} (worksheet)"),
        _document(key_top, key, paper, f"{header} (answer key)"),
    )


def _graphs(ex: Exercise, backend: str, **style) -> dict[str, _Graph]:
    """The exercise's graph drawn left to right and top to bottom (stacked records, in the PDF's font)."""
    return {
        rankdir: _Graph(svg(ex.drawing, backend, rankdir=rankdir, stacked=True, fontname=GRAPH_FONT, **style))
        for rankdir in ("LR", "TB")
    }


def _document(top: Callable[[], list], items: list[_Item], paper: str, title: str) -> bytes:
    """The PDF of the items under the page's header `top()`, numbered: laid out with the graphs' text
    at most 10 pt, or 9.5, or 9, whichever makes the fewest pages (of those, the largest text)."""
    floor, largest = GRAPH_SIZES
    pages = {cap: _build(_story(top, items, paper, cap), paper, title, sketch=True)[1] for cap in (largest, floor)}
    if pages[largest] > pages[floor]:  # between the two, it may take no more pages than the floor does
        middle = (largest + floor) / 2
        pages[middle] = _build(_story(top, items, paper, middle), paper, title, sketch=True)[1]
    best = min(pages, key=lambda cap: (pages[cap], -cap))
    return _build(_story(top, items, paper, best), paper, title, sketch=False)[0]


def _story(top: Callable[[], list], items: list[_Item], paper: str, cap: float) -> list:
    platypus = need("reportlab.platypus", "reportlab")
    styles = _styles()
    width, height = _frame(paper)
    story = []
    for count, item in enumerate(items):
        title = [platypus.Paragraph(escape(item.heading), styles["heading"]), platypus.Spacer(1, 4)]
        above = top() if count == 0 else []
        room = height - _height(above + title, width) - (styles["heading"].spaceBefore if above else 0)
        body = _arranged(item, width, room, height, cap)
        # An exercise is kept on one page, with the page's header if it is the first (no page holds
        # only a title); one longer than a page keeps its heading with its graph, and the rest follows.
        kept = body if _height(body, width) <= height else body[:1]
        story += [platypus.KeepTogether([*above, *title, *kept]), *body[len(kept) :]]
    return story


def _frame(paper: str) -> tuple[float, float]:
    """The width and height (pt) that the margins leave of a page of `paper`."""
    page_width, page_height = PAPERS[paper]
    return page_width - 2 * MARGIN, page_height - MARGIN - FOOT


def _build(story: list, paper: str, title: str, sketch: bool) -> tuple[bytes, int]:
    """The PDF of a story and its number of pages; a sketch leaves the graphs out (to count pages fast)."""
    platypus = need("reportlab.platypus", "reportlab")
    width, height = _frame(paper)
    out = io.BytesIO()
    document = platypus.BaseDocTemplate(out, pagesize=PAPERS[paper], title=title, invariant=True,
                                        creator="backprop-lab (autograd.exercises.worksheet)")  # fmt: skip
    frame = platypus.Frame(MARGIN, FOOT, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([platypus.PageTemplate("page", [frame])])
    document.build(story, canvasmaker=_sketch_canvas() if sketch else numbered_canvas(FONT, 9))
    return out.getvalue(), document.page


def _styles() -> dict:
    """The PDFs' text: nothing under 9 pt."""
    style = need("reportlab.lib.styles", "reportlab").ParagraphStyle
    return {
        "title": style("title", fontName=BOLD, fontSize=14, leading=18),
        "heading": style("heading", fontName=BOLD, fontSize=11, leading=14, spaceBefore=16),
        "text": style("text", fontName=FONT, fontSize=10, leading=13),
        "cell": style("cell", fontName=FONT, fontSize=9, leading=11),
        "mono": style("mono", fontName=MONO, fontSize=10, leading=12.5),
        "small mono": style("small mono", fontName=MONO, fontSize=9, leading=11),
        "caption": style("caption", fontName=FONT, fontSize=9, leading=12, textColor="#4b5563"),
    }


def _height(flowables: list, width: float) -> float:
    return sum(f.wrap(width, 1e6)[1] for f in flowables)


def _arranged(item: _Item, width: float, room: float, page: float, cap: float) -> list:
    """An exercise's flowables under its heading: of the layouts (LR, TB) and arrangements whose graph,
    with its text at 9 pt or more, fits `room` pt (alone, or beside its tables), the one (1) whose
    whole exercise fits `room`, (2) that draws the graph largest, up to `cap` pt, (3) the shortest.
    Where none fits the first page's room under its header, one whose graph fits a whole `page`
    alone in the flow (it starts under the header and goes on over the page). Where none fits a
    page, the layout that needs the least, at 9 pt, cut over the pages."""
    for space in dict.fromkeys((room, page)):
        options = []
        for name, graph in item.graphs.items():
            for arrangement in item.arrangements:
                if space != room and not arrangement.alone:
                    continue
                fit = min(arrangement.across(width) / graph.width, space / graph.height)
                if fit * graph.text < GRAPH_SIZES[0]:
                    continue
                scale = min(fit, cap / graph.text)
                flowables = arrangement.arrange(_cut(graph, scale, item.name, page), width)
                tall = _height(flowables, width)
                # the graph, alone or beside its tables, must fit; tables after it go on over the page
                if arrangement.alone or _height(flowables[:1], width) <= space + 1e-6:
                    options.append((tall <= space + 1e-6, round(scale * graph.text, 1), -tall, name, flowables))
        if options:
            return max(options, key=lambda option: option[:3])[4]
    graph = max(item.graphs.values(), key=lambda g: min(width / g.width, page / g.height) * g.text)
    alone = next(arrangement for arrangement in item.arrangements if arrangement.alone)
    return alone.arrange(_cut(graph, GRAPH_SIZES[0] / graph.text, item.name, page, across=width), width)


def _cut(graph: _Graph, scale: float, heading: str, page: float, across: float = float("inf")) -> list:
    """The graph at `scale` as flowables that cut it across, between two rows of nodes, where it is
    taller than the room left on a page; wider than `across` pt, it is cut along first, into strips
    one under the other, each as wide as fits."""
    platypus = need("reportlab.platypus", "reportlab")
    flowable = _flowable_class()
    strips, x0 = [], 0.0
    while x0 < graph.width - 1e-6:
        reach = x0 + across / scale
        x1 = graph.width if reach >= graph.width else max(_gaps(graph.nodes, 0, x0, reach), default=reach)
        strips.append((x0, 0.0, x1 - x0, graph.height))
        x0 = x1
    flowables = []
    for k, window in enumerate(strips, start=1):
        if len(strips) > 1:
            words = f"{heading}: the graph, part {k} of {len(strips)} from the left"
            flowables.append(platypus.Paragraph(escape(words), _styles()["caption"]))
        flowables.append(flowable(graph, scale, window, heading, page))
    return flowables


def _gaps(boxes: list[tuple], axis: int, low: float, high: float) -> list[float]:
    """Where a cut of the picture across `axis` (0: at an x, 1: at a y) between low and high crosses
    no node: the middle of each gap between the boxes."""
    spans = sorted((box[axis], box[axis + 2]) for box in boxes if box[axis + 2] > low and box[axis] < high)
    gaps, reached = [], low
    for start, end in spans:
        if start > reached:
            gaps.append((reached + start) / 2)
        reached = max(reached, end)
    return [g for g in gaps if low < g < high]


_classes: dict[str, type] = {}  # reportlab's subclasses, made once reportlab is imported


def _flowable_class() -> type:
    if "graph" not in _classes:
        platypus = need("reportlab.platypus", "reportlab")

        class CutGraph(platypus.Flowable):
            """A window (x0, y0, w, h in the picture's points) of a graph at `scale`. split() cuts it
            between two rows of nodes to fill the room left on a page; the rest goes on at the next
            page's top, under a caption."""

            def __init__(self, graph, scale, window, heading, page):
                super().__init__()
                self.graph, self.scale, self.window, self.heading, self.page = graph, scale, window, heading, page
                self.width, self.height = window[2] * scale, window[3] * scale

            def wrap(self, available_width, available_height):
                return self.width, self.height

            def split(self, available_width, available_height):
                x0, y0, w, h = self.window
                top, room = y0 + h, available_height / self.scale
                inside = [box for box in self.graph.nodes if box[2] > x0 and box[0] < x0 + w]
                at = min((g for g in _gaps(inside, 1, y0, top) if top - g <= room), default=None)
                if at is None:  # no clean cut in reach: move it whole if a page holds it, else cut at the room
                    if self.height <= self.page or available_height < 72:
                        return []
                    at = top - room
                words = f"{self.heading}: the graph, continued"
                return [CutGraph(self.graph, self.scale, (x0, at, w, top - at), self.heading, self.page),
                        platypus.PageBreak(), platypus.Paragraph(escape(words), _styles()["caption"]),
                        CutGraph(self.graph, self.scale, (x0, y0, w, at - y0), self.heading, self.page)]  # fmt: skip

            def draw(self):
                if not getattr(self.canv, "sketch", False):
                    picture = self.graph.picture
                    graph_flowable(picture, self.scale, self.window, colours=COLOURS).drawOn(self.canv, 0, 0)

        _classes["graph"] = CutGraph
    return _classes["graph"]


def _field_class() -> type:
    if "field" not in _classes:
        platypus = need("reportlab.platypus", "reportlab")

        class AnswerField(platypus.Flowable):
            """A blank to write in: on paper nothing but the cell's lines; on screen a form field, named
            for a screen reader ("exercise 2: dL/da, the gradient of L with respect to a")."""

            def __init__(self, name: str, tooltip: str, width: float, height: float):
                super().__init__()
                self.name, self.tooltip, self.width, self.height = name, tooltip, width, height

            def wrap(self, available_width, available_height):
                return self.width, self.height

            def draw(self):
                if not getattr(self.canv, "sketch", False):
                    self.canv.acroForm.textfield(name=self.name, tooltip=self.tooltip, x=0, y=0, width=self.width,
                                                 height=self.height, borderWidth=0, fillColor=None, relative=True,
                                                 fontSize=10, maxlen=40)  # fmt: skip

        _classes["field"] = AnswerField
    return _classes["field"]


_fields = itertools.count(1)  # form fields' names are unique in a PDF


def _sketch_canvas() -> type:
    """A Canvas on which the graphs are not drawn: to count a layout's pages."""
    if "sketch" not in _classes:
        canvas = need("reportlab.pdfgen.canvas", "reportlab")
        _classes["sketch"] = type("SketchCanvas", (canvas.Canvas,), {"sketch": True})
    return _classes["sketch"]


def _plain(table):
    """A table used to place things: no lines, no padding, tops level, at the left."""
    platypus = need("reportlab.platypus", "reportlab")
    table.hAlign = "LEFT"
    table.setStyle(platypus.TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        *((side, (0, 0), (-1, -1), 0) for side in ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")),
    ]))  # fmt: skip
    return table


def _column(items: list, width: float):
    """Flowables one above the other, as one cell."""
    platypus = need("reportlab.platypus", "reportlab")
    return _plain(platypus.Table([[item] for item in items], colWidths=[width]))


def _side_by_side(left, left_width: float, right, right_width: float):
    """Two flowables in a row, GAP apart."""
    platypus = need("reportlab.platypus", "reportlab")
    return _plain(platypus.Table([[left, right]], colWidths=[left_width + GAP, right_width]))


def _grid(names: list[str], cells: Callable[[str], list], head: list[str], widths: list[float], pairs: int,
          row_height: float | None = None):  # fmt: skip
    """A row of `cells` per name, in `pairs` groups of columns side by side, read down the first group
    then the next (backprop's order)."""
    per = -(-len(names) // pairs)
    rows = []
    for r in range(per):
        row = []
        for p in range(pairs):
            k = p * per + r
            row += cells(names[k]) if k < len(names) else [""] * len(head)
        rows.append(row)
    return _ruled(rows, head * pairs, widths * pairs, row_height)


def _ruled(rows: list[list], head: list[str], widths: list[float], row_height: float | None = None):
    """A table with lines, its `head` in bold on a grey row, repeated on each page it runs over."""
    platypus = need("reportlab.platypus", "reportlab")
    cell = _styles()["cell"]
    rows = [[platypus.Paragraph(f"<b>{escape(words)}</b>", cell) for words in head], *rows]
    heights = [16.0] + [row_height] * (len(rows) - 1) if row_height else None
    table = platypus.Table(rows, colWidths=widths, rowHeights=heights, repeatRows=1, hAlign="LEFT")
    table.setStyle(platypus.TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, "#6b7280"), ("BACKGROUND", (0, 0), (-1, 0), "#f3f4f6"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))  # fmt: skip
    return table


def _text_width(lines: list[str], font: str, size: float) -> float:
    metrics = need("reportlab.pdfbase.pdfmetrics", "reportlab")
    return max((metrics.stringWidth(line, font, size) for line in lines), default=0.0)


def _sheet_arrangements(ex: Exercise, styles: dict) -> list[_Arrangement]:
    """The worksheet's ways to set an exercise: the graph above the forward pass and the table to fill
    in (those side by side); the graph beside them; or the graph above the forward pass, the table beside."""
    platypus = need("reportlab.platypus", "reportlab")
    lines, names = ex.forward_lines(), ex.order()
    forward_width = _text_width(lines, MONO, 10) + 2
    widths = [max(_text_width([f"dL/d{name}" for name in names], MONO, 10) + 14, 64.0), ANSWER_CELL[0]]
    pair = sum(widths)
    forward_height = len(lines) * styles["mono"].leading

    def forward():
        return _column([platypus.Paragraph(escape(line), styles["mono"]) for line in lines], forward_width)

    def field(name: str):
        said = f"seed {ex.seed}: dL/d{name}, the gradient of L with respect to {spoken(name)}"
        return _field_class()(f"answer-{next(_fields)}", said, ANSWER_CELL[0] - 12, ANSWER_CELL[1] - 6)

    def blanks(pairs: int):
        cells = lambda name: [platypus.Paragraph(escape(f"dL/d{name}"), styles["mono"]), field(name)]  # noqa: E731
        return _grid(names, cells, ["gradient", "your answer"], widths, pairs, ANSWER_CELL[1])

    def below(graph: list, width: float) -> list:
        most = int((width - forward_width - GAP) // pair)
        if most < 1:  # no room beside the forward pass: the table under it
            return [*graph, platypus.Spacer(1, 6), forward(), platypus.Spacer(1, 6), blanks(1)]
        # as few groups of columns as make the table no taller than the forward pass
        pairs = next((p for p in range(1, most) if 16 + -(-len(names) // p) * ANSWER_CELL[1] <= forward_height), most)
        return [*graph, platypus.Spacer(1, 6), _side_by_side(forward(), forward_width, blanks(pairs), pairs * pair)]

    def beside(graph: list, width: float) -> list:
        text = width - GAP - graph[0].width
        column = _column([forward(), platypus.Spacer(1, 6), blanks(1)], text)
        return [_side_by_side(graph[0], graph[0].width, column, text)]

    def above_forward(graph: list, width: float) -> list:
        left = max(graph[0].width, forward_width)
        return [_side_by_side(_column([graph[0], platypus.Spacer(1, 6), forward()], left), left, blanks(1), pair)]

    return [
        _Arrangement(lambda width: width, True, below),
        _Arrangement(lambda width: width - GAP - max(forward_width, pair), False, beside),
        _Arrangement(lambda width: width - GAP - pair if forward_width <= width - GAP - pair else 0.0, False,
                     above_forward),
    ]  # fmt: skip


def _key_arrangements(ex: Exercise, styles: dict) -> list[_Arrangement]:
    """The key's ways to set an exercise: the graph above its answers and steps; the answers beside
    the graph, the steps under both; or the answers and the steps beside the graph."""
    platypus = need("reportlab.platypus", "reportlab")
    names, answers, steps = ex.order(), ex.answers(), _key_steps(ex)
    widths = [max(_text_width([f"dL/d{name}" for name in names], MONO, 10) + 14, 64.0),
              max(_text_width([number(answers[n]) for n in names], FONT, 10) + 14, 56.0)]  # fmt: skip
    pair = sum(widths)
    rule_width = _text_width([s.rule for s in steps], FONT, 9) + 14

    def answer_table(pairs: int):
        cells = lambda name: [platypus.Paragraph(escape(f"dL/d{name}"), styles["mono"]),  # noqa: E731
                              platypus.Paragraph(escape(number(answers[name])), styles["text"])]  # fmt: skip
        return _grid(names, cells, ["gradient", "answer"], widths, pairs)

    def step_table(width: float):
        rule = min(rule_width, 0.4 * (width - 34))
        rows = [[platypus.Paragraph(str(k), styles["cell"]), platypus.Paragraph(escape(str(s)), styles["small mono"]),
                 platypus.Paragraph(escape(s.rule), styles["cell"])] for k, s in enumerate(steps, start=1)]  # fmt: skip
        # a page break rather than the table's head and a row or two at a page's foot
        return [platypus.CondPageBreak(80), _ruled(rows, ["step", "backward", "rule"], [34, width - 34 - rule, rule])]

    def below(graph: list, width: float) -> list:
        pairs = max(1, min(int(width // pair), -(-len(names) // 4)))
        answers = _column([answer_table(pairs)], pairs * pair)  # one cell: not a row of it over the page
        return [*graph, platypus.Spacer(1, 6), answers, platypus.Spacer(1, 6), *step_table(width)]

    def beside(graph: list, width: float) -> list:
        return [_side_by_side(graph[0], graph[0].width, answer_table(1), pair), platypus.Spacer(1, 6),
                *step_table(width)]  # fmt: skip

    def beside_all(graph: list, width: float) -> list:
        text = width - GAP - graph[0].width
        column = _column([answer_table(1), platypus.Spacer(1, 6), step_table(text)[1]], text)
        return [_side_by_side(graph[0], graph[0].width, column, text)]

    return [
        _Arrangement(lambda width: width, True, below),
        _Arrangement(lambda width: width - GAP - pair, False, beside),
        _Arrangement(lambda width: width - GAP - max(pair, STEPS_WIDTH), False, beside_all),
    ]
