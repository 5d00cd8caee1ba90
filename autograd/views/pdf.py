"""Graphs on paper and on slides: the fonts, and a graph drawn once that each step recolours.

reportlab writes the PDFs (vector shapes, real text that pdftotext finds), svglib turns
Graphviz's SVG into reportlab's shapes, once per layout, and pypdfium2 turns pages into
pictures. The text is DejaVu, as matplotlib (a dependency) ships it, embedded in every
PDF, and Graphviz measures the same font when it lays the graph out: a deck or a sheet
looks the same on every machine. These packages are imported only when a PDF or a frame
is made; `pip install 'backprop-lab[slides]'` installs them.
"""

from __future__ import annotations

import importlib
import io
import os
from collections.abc import Iterable

FONT, BOLD, MONO = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"
GRAPH_FONT = "DejaVu Sans"  # the fontname given to Graphviz: it lays the text out in the font the PDF draws
GRAPH_TEXT = 11  # pt: Graphviz draws node text 11 units tall, and a unit is a point
_FILES = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", MONO: "DejaVuSansMono.ttf"}


def need(module: str, package: str, what: str = "slides and PDFs"):
    """Import `module`, or say which package to install for `what`."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{what} need the {package} package: pip install 'backprop-lab[slides]' (or pip install {package})"
        ) from None


_registered: list[bool] = []


def fonts() -> None:
    """Register DejaVu (from matplotlib's files) with reportlab, and as the SVG's font with svglib."""
    if _registered:
        return
    import matplotlib

    ttfonts = need("reportlab.pdfbase.ttfonts", "reportlab")
    pdfmetrics = need("reportlab.pdfbase.pdfmetrics", "reportlab")
    svg_fonts = need("svglib.fonts", "svglib")
    folder = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "fonts", "ttf")
    for name, file in _FILES.items():
        pdfmetrics.registerFont(ttfonts.TTFont(name, os.path.join(folder, file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
    svg_fonts.register_font(GRAPH_FONT, os.path.join(folder, _FILES[FONT]), rlgFontName=FONT)
    svg_fonts.register_font(GRAPH_FONT, os.path.join(folder, _FILES[BOLD]), weight="bold", rlgFontName=BOLD)
    _registered.append(True)


class GraphPicture:
    """A Graphviz SVG (drawn with fontname=GRAPH_FONT) as reportlab shapes, parsed once.

    `paint` sets the grads a step has reached and highlights its nodes and edge, as the
    step-through page's script does to its SVG; `draw` puts the picture (or a window of it)
    on a reportlab canvas. `boxes` holds each node's and edge's bounds, in points from the
    picture's lower left corner.
    """

    def __init__(self, markup: str) -> None:
        fonts()
        svglib = need("svglib.svglib", "svglib")
        shapes = need("reportlab.graphics.shapes", "reportlab")
        self._shapes = shapes
        self.drawing = svglib.svg2rlg(io.StringIO(markup))
        self.width, self.height = float(self.drawing.width), float(self.drawing.height)
        self.items: dict[str, object] = {}
        self.boxes: dict[str, tuple[float, float, float, float]] = {}
        self._walk(self.drawing, (1, 0, 0, 1, 0, 0))
        self._grad_texts = {}  # a node's id -> the String of its grad field (a record's last)
        for key, item in self.items.items():
            if key.startswith("a_"):  # the link Graphviz wraps round a node with a tooltip: the node's own text
                continue
            inner = [i for i in self._leaves(item, shapes.Group) if i is not item and getattr(i, "svgid", None)]
            texts = list(self._leaves(item, shapes.String))
            if texts and all(i.svgid.startswith("a_") for i in inner):  # a node or an edge, not the graph or a box
                self._grad_texts[key] = texts[-1]
        self._initial = {key: text.text for key, text in self._grad_texts.items()}
        sizes = [text.fontSize for text in self._leaves(self.drawing, shapes.String)]
        self.smallest_text = min(sizes, default=GRAPH_TEXT)  # pt at scale 1: a box's title is 10, an edge's label 9
        self._undo: list[tuple[object, str, object]] = []

    def _walk(self, group, outer) -> None:
        shapes = self._shapes
        for item in getattr(group, "contents", ()):
            key = getattr(item, "svgid", None)
            if key and isinstance(item, shapes.Group):
                self.items[key] = item
                x0, y0, x1, y1 = item.getBounds()
                corners = [shapes.transformPoint(outer, p) for p in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
                xs, ys = [p[0] for p in corners], [p[1] for p in corners]
                self.boxes[key] = (min(xs), min(ys), max(xs), max(ys))
            if isinstance(item, shapes.Group):
                self._walk(item, shapes.mmult(outer, item.transform))

    def _leaves(self, item, kind) -> Iterable:
        if isinstance(item, kind):
            yield item
        for inner in getattr(item, "contents", ()):
            yield from self._leaves(inner, kind)

    def _set(self, shape, attribute: str, value) -> None:
        self._undo.append((shape, attribute, getattr(shape, attribute)))
        setattr(shape, attribute, value)

    def paint(self, grads: dict[str, str], hot: dict[str, Iterable[str]], colours: dict[str, str]) -> None:
        """Show the grads `grads` ({node id: its grad field's text}; the others as drawn) and highlight
        the ids in hot["parent"], hot["node"] and hot["edge"] with colours["parent"] and ["node"]."""
        colors = need("reportlab.lib.colors", "reportlab")
        shapes = self._shapes
        for shape, attribute, value in reversed(self._undo):
            setattr(shape, attribute, value)
        self._undo.clear()
        for key, text in self._grad_texts.items():
            wanted = grads.get(key, self._initial[key])
            if text.text != wanted:
                self._set(text, "text", wanted)
        for kind, width, dashes in (("node", 2.0, [5, 2.5]), ("parent", 2.5, None)):  # dashed: not colour alone
            fill = colors.HexColor(colours[kind])
            for key in hot.get(kind, ()):
                for shape in self._leaves(self.items.get(key), (shapes.Polygon, shapes.Path)):
                    if getattr(shape, "fillColor", None) is not None:
                        self._set(shape, "fillColor", fill)
                        self._set(shape, "strokeWidth", width)
                        self._set(shape, "strokeDashArray", dashes)
        line = colors.HexColor(colours["parent"])
        for key in hot.get("edge", ()):
            for shape in self._leaves(self.items.get(key), (shapes.Polygon, shapes.Path)):
                self._set(shape, "strokeColor", line)
                self._set(shape, "strokeWidth", 3)
                self._set(shape, "strokeLineJoin", 1)  # round: no miter spike at the arrow's tip
                if isinstance(shape, shapes.Polygon):
                    self._set(shape, "fillColor", line)

    def draw(self, canvas, x: float, y: float, scale: float, window: tuple[float, float, float, float] | None = None):
        """Draw the picture with its lower left corner at (x, y) of the canvas, `scale` times its size;
        or only `window` (x0, y0, width, height, in the picture's points), clipped, with its lower
        left corner at (x, y)."""
        render_pdf = need("reportlab.graphics.renderPDF", "reportlab")
        canvas.saveState()
        if window is not None:
            wx, wy, ww, wh = window
            path = canvas.beginPath()
            path.rect(x, y, ww * scale, wh * scale)
            canvas.clipPath(path, stroke=0, fill=0)
            x, y = x - wx * scale, y - wy * scale
        canvas.translate(x, y)
        canvas.scale(scale, scale)
        render_pdf.draw(self.drawing, canvas, 0, 0)
        canvas.restoreState()

    def bounds(self, ids) -> tuple[float, float, float, float] | None:
        """The box around the shapes of `ids` (the ones drawn), or None."""
        boxes = [self.boxes[key] for key in ids if key in self.boxes]
        if not boxes:
            return None
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

    def window(self, scale: float, width: float, height: float, around=()) -> tuple:
        """The part of the picture, `width` x `height` points on the page at `scale`, with the shapes of
        the ids `around` as near its middle as the picture's edges allow (its whole width or height
        when it fits that way); when they do not all fit, the first of them whole, the window moved
        as far toward the others as it can: (x0, y0, w, h) in the picture's points."""
        w, h = min(self.width, width / scale), min(self.height, height / scale)
        box, first = self.bounds(around), self.bounds(list(around)[:1])
        cx, cy = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else (self.width / 2, self.height)
        if first is not None:  # keep the first whole: its centre within reach of the window's middle
            reach_x = max(0.0, (w - (first[2] - first[0])) / 2 - 6)
            reach_y = max(0.0, (h - (first[3] - first[1])) / 2 - 6)
            fx, fy = (first[0] + first[2]) / 2, (first[1] + first[3]) / 2
            cx, cy = min(max(cx, fx - reach_x), fx + reach_x), min(max(cy, fy - reach_y), fy + reach_y)
        x0 = min(max(cx - w / 2, 0.0), self.width - w)
        y0 = min(max(cy - h / 2, 0.0), self.height - h)
        return (x0, y0, w, h)


def rasterize(pdf: bytes, width: int, height: int) -> list:
    """Each page of `pdf` as a PIL image exactly width x height pixels (pypdfium2)."""
    pdfium = need("pypdfium2", "pypdfium2", "PNG, GIF, MP4 and PPTX frames")
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            page_width, page_height = page.get_size()
            image = page.render(scale=width / page_width, draw_annots=False).to_pil().convert("RGB")
            if image.size != (width, height):  # a pixel of rounding: the page's proportions are the size's
                image = image.resize((width, height))
            images.append(image)
            page.close()
        return images
    finally:
        document.close()


_classes: dict[str, type] = {}  # reportlab's subclasses, made once reportlab is imported


def graph_flowable(picture: GraphPicture, scale: float, window=None, grads=None, hot=None, colours=None):
    """The picture (or a `window` of it), `scale` times its size, as a platypus flowable, with `grads`
    and `hot` painted on it just before it is drawn (a picture serves many flowables)."""
    if "flowable" not in _classes:
        platypus = need("reportlab.platypus", "reportlab")

        class GraphFlowable(platypus.Flowable):
            def __init__(self, picture, scale, window, grads, hot, colours):
                super().__init__()
                self.picture, self.scale, self.window = picture, scale, window
                self.grads, self.hot, self.colours = grads, hot, colours
                self.width = (window[2] if window else picture.width) * scale
                self.height = (window[3] if window else picture.height) * scale

            def wrap(self, available_width, available_height):
                return self.width, self.height

            def draw(self):
                self.picture.paint(self.grads, self.hot, self.colours)
                self.picture.draw(self.canv, 0, 0, self.scale, self.window)

        _classes["flowable"] = GraphFlowable
    return _classes["flowable"](picture, scale, window, grads or {}, hot or {}, colours or {})


def numbered_canvas(font: str = FONT, size: float = 9):
    """A reportlab Canvas class that writes "page k of n" at the foot of every page (canvasmaker=)."""
    key = f"numbered {font} {size}"
    if key not in _classes:
        canvas_module = need("reportlab.pdfgen.canvas", "reportlab")

        class NumberedCanvas(canvas_module.Canvas):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._pages: list[dict] = []

            def showPage(self):  # keep the page; number them all once the count is known
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                count = len(self._pages)
                for k, state in enumerate(self._pages, start=1):
                    self.__dict__.update(state)
                    self.setFont(font, size)
                    self.setFillColor("#374151")
                    self.drawCentredString(self._pagesize[0] / 2, 20, f"page {k} of {count}")
                    super().showPage()
                super().save()

        _classes[key] = NumberedCanvas
    return _classes[key]
