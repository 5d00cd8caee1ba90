"""Backprop for slides and paper: the step-through as a PDF deck, PNG frames, a GIF, an MP4, a
PowerPoint file, and a handout.

Every format is made from the same pages: the step-through page's steps (the forward pass,
the seed, then every edge; `page.backward_records`), drawn on the graph laid out once by
Graphviz, in the page's colours and names. A page is 16:9 (960 x 540 pt, PowerPoint's
widescreen size) or 4:3: the graph large, its text 14 to 24 pt (a graph too big for that
shows the part around the step: both its nodes if they fit at 9 pt, else the receiving one
whole), the sentence under it in 12 to 24 pt, breaking only at an "=", the rule under that;
above, the counter, the boxes the step is in and a legend. The PDF is vector shapes and
real text; the frames (PNG, GIF, MP4, the PPTX's pictures) are those pages rasterized.

    >>> export_slides(o, "neuron.pdf")                   # one page per step, for Beamer or to present as is
    >>> export_slides(o, "frames", format="png")         # frames/frame-000.png ... at 1920 x 1080
    >>> export_slides(o, "neuron.pptx", format="pptx")   # the counter, sentence and rule editable
"""

from __future__ import annotations

import io
import math
import os
import secrets
import shutil
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from xml.sax.saxutils import escape

from autograd.engine import Value
from autograd.files import write_atomically
from autograd.views.drawing import drawing_of
from autograd.views.notation import notes_box, number
from autograd.views.page import backward_records, layouts, split_options
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
    rasterize,
)
from autograd.views.render import FILLS, HIGHLIGHT_NODE, HIGHLIGHT_PARENT

FORMATS = ("pdf", "png", "gif", "mp4", "pptx", "handout")
ASPECTS = {"16:9": (960.0, 540.0), "4:3": (720.0, 540.0)}  # pt: PowerPoint's slide sizes
PAPERS = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}  # pt, portrait
FORWARD = "The forward pass is done: every grad is 0. Backprop starts at L, with dL/dL = 1."
SLIDE_TEXT = (14, 24)  # pt: the graph's text on a slide, at least (9 when a step's two ends need it) and at most
SENTENCE_SIZES = (24, 22, 20, 18, 16, 14, 12)  # pt: the largest that fits the panel
RULE_SIZE = 18  # pt
INK, MUTED, PANEL = "#111827", "#4b5563", "#f3f4f6"
COLOURS = {"parent": HIGHLIGHT_PARENT, "node": HIGHLIGHT_NODE}


@dataclass
class Frame:
    """One page: the counter, the sentences and rules under the graph, the grads shown, what is highlighted."""

    counter: str
    sentences: list[str]
    rules: list[str]
    grads: dict[str, str]
    hot: dict[str, list[str]] = field(default_factory=dict)
    around: list[str] = field(default_factory=list)  # ids kept in the middle when the graph is larger than the page
    where: str = ""  # the boxes the receiving node is drawn in: "layer 2, neuron 1"


def frames(steps: list[dict], group_by: str = "step") -> list[Frame]:
    """The pages of a deck from the page's records: the forward pass, then each step ("step"), or
    each node when its grad is finished, with every step into it ("node")."""
    if group_by not in ("step", "node"):
        raise ValueError(f"group_by must be 'step' or 'node', got {group_by!r}")
    start = [steps[0]["parent"]] if steps else []
    pages = [Frame("", [FORWARD], [], {}, {}, start)]
    grads: dict[str, str] = {}
    if group_by == "step":
        for step in steps:
            if step["grad"]:
                grads[step["parent"]] = step["grad"]
            hot = {"parent": [step["parent"]], "edge": [step["edge"]] if step["edge"] else []}
            if step["node"] and step["node"] != step["parent"]:
                hot["node"] = [step["node"]]
            around = [step["parent"], *hot.get("node", [])]  # both ends of the step stay in view
            pages.append(Frame("", [step["sentence"]], [step["rule"]], dict(grads), hot, around))
    else:
        last = {step["parent"]: k for k, step in enumerate(steps)}  # a grad is finished after its last step
        into: dict[str, list[dict]] = {}
        for k, step in enumerate(steps):
            into.setdefault(step["parent"], []).append(step)
            if step["grad"]:
                grads[step["parent"]] = step["grad"]
            if last[step["parent"]] != k:
                continue
            received = into[step["parent"]]
            hot = {"parent": [step["parent"]], "edge": [s["edge"] for s in received if s["edge"]],
                   "node": sorted({s["node"] for s in received if s["node"] and s["node"] != s["parent"]})}  # fmt: skip
            rules = list(dict.fromkeys(s["rule"] for s in received))
            said = [s["sentence"] for s in received]
            if len(received) > 1:  # the paths' contributions, added up: the finished grad
                total = " + ".join(s["contribution"] for s in received).replace("+ -", "- ")
                value = received[-1]["value"]
                finished = number(value) if value is not None else "nan"
                said.append(f"{received[-1]['receives']}.grad = {total} = {finished}")
            around = [step["parent"], *hot["node"]]
            pages.append(Frame("", said, rules, dict(grads), hot, around))
    what = "step" if group_by == "step" else "node"
    for k, page in enumerate(pages):
        page.counter = f"{what} {k} of {len(pages) - 1}"
    return pages


class Deck:
    """A graph's pages: its layouts (drawn once), the page's records, and the frames made of them."""

    def __init__(self, root: Value, backend: str = "auto", group_by: str = "step", max_steps: int = 5_000, **draw):
        fonts()
        structure, style = split_options(draw)
        self.drawing = drawing_of(root, **structure)
        count = 1 + sum(len(node.parents) for node in self.drawing.order)
        if count > max_steps:  # refused before anything is drawn
            raise ValueError(
                f"backprop on this graph has {count} steps, more than max_steps={max_steps}: a deck that long is "
                "no lecture; draw one example, a smaller model, group_by='node', or pass a larger max_steps"
            )
        style = {"stacked": True, **style, "fontname": GRAPH_FONT}
        self.layouts = layouts(self.drawing, backend, **style)
        self.steps = backward_records(self.drawing, style.get("show_grad", True))
        self.frames = frames(self.steps, group_by)
        by_id = {key: node for node, key in self.drawing.ids.items()}
        for frame in self.frames:
            receiving = by_id.get(frame.hot.get("parent", [""])[0])
            frame.where = self._where(receiving) if receiving is not None else ""
        self.title = self.drawing.title()
        self._pictures: dict[str, GraphPicture] = {}
        self._panels: dict[tuple, float] = {}

    def _where(self, node: Value) -> str:
        """The boxes a node is drawn in, outermost first: "layer 2, neuron 1" (in the drawing's notation)."""
        group = self.drawing.group
        path = list(group(node) or ()) if group is not None else []
        notes = self.drawing.notation != "paths"
        return ", ".join(notes_box(name) if notes else name for name in path)

    def write(self, format: str, path: Path, aspect: str, pixels: tuple[int, int], seconds: float, paper: str) -> Path:
        """The deck in `format` at `path` (export_slides has checked the arguments)."""
        if format == "handout":
            return write_atomically(path, handout(self, paper))
        if format == "pdf":
            return write_atomically(path, self.pdf(ASPECTS[aspect]))
        page = (540.0 * pixels[0] / pixels[1], 540.0)  # pt: the frames' own proportions
        if format == "pptx":
            return write_atomically(path, _pptx(self, page, pixels))
        images = rasterize(self.pdf(page), *pixels)
        if format == "png":
            return _frames_folder(images, path)
        if format == "gif":
            iio = need("imageio.v3", "imageio")
            numpy = need("numpy", "numpy")
            data = iio.imwrite("<bytes>", numpy.stack([numpy.asarray(i) for i in images]), extension=".gif",
                               plugin="pillow", duration=int(seconds * 1000), loop=0)  # fmt: skip
            return write_atomically(path, data)
        return _mp4(images, path, pixels, seconds)

    def picture(self, layout: str) -> GraphPicture:
        if layout not in self._pictures:
            self._pictures[layout] = GraphPicture(self.layouts[layout]["svg"])
        return self._pictures[layout]

    def pick(self, width: float, height: float, floor: float, cap: float) -> tuple[str, float]:
        """The layout for a graph area of width x height pt and the scale to draw it at, as the page's
        LAYOUT_JS picks: whole with text at `floor` pt or more, the largest; else one whose width fits at
        the floor (the window moves down with the steps); else the larger. Text between floor and cap."""

        def score(name: str) -> tuple:
            layout = self.layouts[name]
            fit = min(width / layout["width"], height / layout["height"])
            across = layout["width"] * max(fit, floor / GRAPH_TEXT) <= width
            return (2 if fit * GRAPH_TEXT >= floor else 1 if across else 0, fit)

        name = max(self.layouts, key=score)
        layout = self.layouts[name]
        fit = min(width / layout["width"], height / layout["height"])
        return name, min(max(fit, floor / GRAPH_TEXT), cap / GRAPH_TEXT)

    def pdf(self, size: tuple[float, float], text: bool = True) -> bytes:
        """The deck as PDF, one page of `size` pt per frame; text=False leaves out the sentence, the
        rule and the counter (the PPTX writes them as text over the picture)."""
        canvas_module = need("reportlab.pdfgen.canvas", "reportlab")
        width, height = size
        panel = self.panel_height(size)
        out = io.BytesIO()
        canvas = canvas_module.Canvas(out, pagesize=size, pageCompression=1, initialFontName=FONT)
        canvas.setTitle(f"Backprop step by step: {self.title}")
        canvas.setCreator("backprop-lab (autograd.export_slides)")
        canvas.addPageLabel(0, prefix="0")  # a viewer's page numbers are the steps': 0 the forward pass, then 1...
        canvas.addPageLabel(1, style="D", start=1)
        for frame in self.frames:
            self._top(canvas, frame, width, height, counter=text)
            picture, scale, x, y, window = self.place(frame, size)
            picture.paint(frame.grads, frame.hot, COLOURS)
            picture.draw(canvas, x, y, scale, window)
            canvas.setFillColor(PANEL)
            canvas.rect(0, 0, width, panel, stroke=0, fill=1)
            canvas.setFillColor(HIGHLIGHT_PARENT)
            canvas.rect(0, panel - 3, width, 3, stroke=0, fill=1)
            if text:
                self._panel(canvas, frame, width, panel)
            canvas.showPage()
        canvas.save()
        return out.getvalue()

    def panel_height(self, size: tuple[float, float]) -> float:
        """The sentence's panel, the same on every page of a deck: as tall as its longest sentences at
        24 pt need, with the rule, from a sixth to 30% of the page."""
        if size not in self._panels:
            width, height = size
            tallest = 0.0
            for frame in self.frames:
                paragraphs, font_size = fitted(frame.sentences, width - 48, height * 0.3, MONO, SENTENCE_SIZES[:1])
                tallest = max(tallest, sum(p.wrap(width - 48, height)[1] for p in paragraphs)
                              + font_size * 0.25 * (len(paragraphs) - 1))  # fmt: skip
            self._panels[size] = round(min(max(tallest + 20 + RULE_SIZE + 14, height / 6), height * 0.3))
        return self._panels[size]

    def place(self, frame: Frame, size: tuple[float, float]) -> tuple:
        """Where a frame's graph goes on a page of `size` pt: (picture, scale, x, y, window), the
        window (as GraphPicture.window) None when the whole graph is drawn."""
        width, height = size
        panel = self.panel_height(size)
        area = (24.0, panel + 10.0, width - 48.0, height - panel - 10.0 - 44.0)
        name, scale = self.pick(area[2], area[3], *SLIDE_TEXT)
        picture = self.picture(name)
        box = picture.bounds(frame.around)
        if box is not None:  # both ends of the step in view: smaller, down to 9 pt text, if that is enough
            needed = min(area[2] / max(box[2] - box[0] + 24, 1), area[3] / max(box[3] - box[1] + 24, 1))
            if needed * picture.smallest_text >= 9:  # else the receiving node whole at the deck's size (window)
                scale = min(scale, needed)
        window = picture.window(scale, area[2], area[3], frame.around)
        x = area[0] + (area[2] - window[2] * scale) / 2  # centred where the picture is smaller than the area
        y = area[1] + (area[3] - window[3] * scale) / 2
        whole = window[2] >= picture.width - 1e-6 and window[3] >= picture.height - 1e-6
        return picture, scale, x, y, None if whole else window

    def _top(self, canvas, frame: Frame, width: float, height: float, counter: bool = True) -> None:
        """The counter at the right, where the step is (or the title) at the left, the legend under them."""
        metrics = need("reportlab.pdfbase.pdfmetrics", "reportlab")
        y = height - 24
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 16)
        if counter:
            canvas.drawRightString(width - 24, y, frame.counter)
        room = width - 48 - metrics.stringWidth("step 888 of 888", BOLD, 16) - 24
        canvas.setFont(BOLD if frame.where else FONT, 14)
        canvas.setFillColor(INK if frame.where else MUTED)
        canvas.drawString(24, y, _clipped(f"in {frame.where}" if frame.where else self.title, FONT, 14, room))
        x, y = 24.0, height - 42
        legend = ((HIGHLIGHT_PARENT, "receives gradient", None), (HIGHLIGHT_NODE, "passes it back (dashed)", [3, 1.5]),
                  (FILLS["parameter"], "parameter", None), (FILLS["input"], "input or constant", None),
                  (FILLS["output"], "output", None))  # fmt: skip
        for colour, words, dashes in legend:
            canvas.setFillColor(colour)
            canvas.setStrokeColor(INK)
            canvas.setDash(*(dashes or [1, 0]))
            canvas.rect(x, y - 1, 10, 10, stroke=1, fill=1)
            canvas.setDash(1, 0)
            canvas.setFillColor(INK)
            canvas.setFont(FONT, 12)
            canvas.drawString(x + 14, y, words)
            x += 26 + metrics.stringWidth(words, FONT, 12)

    def _panel(self, canvas, frame: Frame, width: float, panel: float) -> None:
        """The sentences (monospace, the largest size that fits) and the rule under them."""
        rule = "rule: " + "; ".join(frame.rules) if frame.rules else ""
        rule_height = RULE_SIZE + 8 if rule else 0
        room_width, room_height = width - 48, panel - 20 - rule_height
        paragraphs, size = fitted(frame.sentences, room_width, room_height, MONO, SENTENCE_SIZES, breaking=True)
        y = panel - 12
        for paragraph in paragraphs:
            _, h = paragraph.wrap(room_width, room_height)
            paragraph.drawOn(canvas, 24, y - h)
            y -= h + size * 0.25
        if rule:
            canvas.setFillColor(MUTED)
            canvas.setFont(FONT, RULE_SIZE)
            canvas.drawString(24, 12, _clipped(rule, FONT, RULE_SIZE, room_width))


def at_equals(sentence: str) -> str:
    """The sentence with its lines breaking only before an " = " (the spaces inside each side are
    no-break spaces): the symbols on one line, the numbers on the next, never "1 *" then "0.5"."""
    return " = ".join(part.replace(" ", "\u00a0") for part in sentence.split(" = "))


def fitted(texts: list[str], width: float, height: float, font: str, sizes, breaking: bool = False):
    """Paragraphs of `texts` at the largest of `sizes` whose total height fits; at the smallest, the
    texts that fit and a last line saying how many more there are. (paragraphs, size)."""
    platypus = need("reportlab.platypus", "reportlab")
    styles = need("reportlab.lib.styles", "reportlab")
    shaped = at_equals if breaking else (lambda text: text)

    def made(size: float, chosen: list[str]) -> tuple[list, float]:
        style = styles.ParagraphStyle("s", fontName=font, fontSize=size, leading=size * 1.2, textColor=INK)
        paragraphs = [platypus.Paragraph(escape(shaped(t)), style) for t in chosen]
        total = sum(p.wrap(width, height)[1] for p in paragraphs) + size * 0.25 * (len(paragraphs) - 1)
        return paragraphs, total

    for size in sizes:
        paragraphs, total = made(size, texts)
        if total <= height:
            return paragraphs, size
    size = sizes[-1]
    for keep in range(len(texts) - 1, 0, -1):
        paragraphs, total = made(size, texts[:keep] + [f"... and {len(texts) - keep} more steps (see the handout)"])
        if total <= height:
            return paragraphs, size
    return made(size, texts[:1])[0], size


def _clipped(text: str, font: str, size: float, width: float) -> str:
    metrics = need("reportlab.pdfbase.pdfmetrics", "reportlab")
    while text and metrics.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def export_slides(
    root: Value,
    path: str | os.PathLike,
    format: str = "pdf",
    aspect: str = "16:9",
    size: tuple[int, int] | None = None,
    seconds: float = 4.0,
    group_by: str = "step",
    paper: str = "letter",
    backend: str = "auto",
    max_steps: int = 5_000,
    **draw,
) -> Path:
    """Write the step-through of `root`'s backprop as slides; the path written.

    format: "pdf" (one vector page per step, `aspect` "16:9" or "4:3"), "png" (`path` a folder of
    frame-000.png, frame-001.png ... of `size` pixels, default 1920 x 1080; 1440 x 1080 for 4:3),
    "gif" (looping, `seconds` per step, 4 by default; 1280 x 720 by default), "mp4" (H.264,
    `seconds` per step, one frame each), "pptx" (a slide per step: the frame as a picture; the
    counter, the sentence and the rule as text; every digit in the speaker notes) or "handout" (a
    PDF on `paper`, "letter" or "a4": the graph with every grad, then a table of the steps).
    group_by: "step", or "node" (one page per node, when its grad is finished, with every step
    into it and their sum: shorter decks for long graphs). Keyword
    arguments go to draw_graph (`**model.graph_style()`, notation="notes", ...). The graph's
    grads are left as they were; nothing is written unless all of it is.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    if aspect not in ASPECTS:
        raise ValueError(f"aspect must be '16:9' or '4:3', got {aspect!r}")
    if paper not in PAPERS:
        raise ValueError(f"paper must be 'letter' or 'a4', got {paper!r}")
    _check_seconds(seconds)
    pixels = _size(size, format, aspect)
    path = Path(path)
    _check_target(path, format)
    deck = Deck(root, backend, group_by, max_steps, **draw)
    return deck.write(format, path, aspect, pixels, seconds, paper)


def export_deck(
    root: Value, folder: str | os.PathLike, name: str = "backprop", backend: str = "auto", seconds: float = 4.0, **draw
) -> list[Path]:
    """Every format of export_slides in `folder`, from one layout of the graph: name.pdf (16:9),
    name-4x3.pdf, name-handout.pdf, name.pptx, name.gif, name.mp4 and the PNG frames in name-frames/.
    What `python -m autograd ... --slides DIR` and the demos' --slides DIR write."""
    folder = check_deck_folder(folder)
    _check_seconds(seconds)
    folder.mkdir(parents=True, exist_ok=True)
    deck = Deck(root, backend, **draw)
    written = []
    for format, aspect, file in (("pdf", "16:9", f"{name}.pdf"), ("pdf", "4:3", f"{name}-4x3.pdf"),
                                 ("handout", "16:9", f"{name}-handout.pdf"), ("pptx", "16:9", f"{name}.pptx"),
                                 ("gif", "16:9", f"{name}.gif"), ("mp4", "16:9", f"{name}.mp4"),
                                 ("png", "16:9", f"{name}-frames")):  # fmt: skip
        written.append(deck.write(format, folder / file, aspect, _size(None, format, aspect), seconds, "letter"))
    return written


def check_deck_folder(folder: str | os.PathLike) -> Path:
    """The folder for export_deck, checked (not a file; every package there) before anything is drawn."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(20, "slides go in a folder, and this is a file", str(folder))
    for format in FORMATS:
        for module, package in _NEEDS[format]:
            need(module, package)
    return folder


def _check_seconds(seconds: float) -> None:
    if isinstance(seconds, bool) or not (isinstance(seconds, (int, float)) and 0.1 <= seconds <= 60):
        raise ValueError(f"seconds (per step) must be a number from 0.1 to 60, got {seconds!r}")


def _check_target(path: Path, format: str) -> None:
    if format == "png" and path.exists() and not path.is_dir():
        raise NotADirectoryError(20, "png frames go in a folder, and this is a file", str(path))
    if format != "png" and path.is_dir():
        raise IsADirectoryError(21, f"a {format} deck is a file, and this is a folder", str(path))
    for module, package in _NEEDS[format]:
        need(module, package)  # before any drawing: the message, not a traceback halfway


_NEEDS = {
    "pdf": [("reportlab", "reportlab"), ("svglib", "svglib")],
    "handout": [("reportlab", "reportlab"), ("svglib", "svglib")],
    "png": [("reportlab", "reportlab"), ("svglib", "svglib"), ("pypdfium2", "pypdfium2")],
    "gif": [("reportlab", "reportlab"), ("svglib", "svglib"), ("pypdfium2", "pypdfium2"), ("imageio", "imageio")],
    "mp4": [("reportlab", "reportlab"), ("svglib", "svglib"), ("pypdfium2", "pypdfium2"),
            ("imageio_ffmpeg", "imageio-ffmpeg")],
    "pptx": [("reportlab", "reportlab"), ("svglib", "svglib"), ("pypdfium2", "pypdfium2"), ("pptx", "python-pptx")],
}  # fmt: skip


def _size(size, format: str, aspect: str) -> tuple[int, int]:
    if size is None:
        if format == "gif":
            return (1280, 720) if aspect == "16:9" else (960, 720)
        return (1920, 1080) if aspect == "16:9" else (1440, 1080)
    if not (isinstance(size, (tuple, list)) and len(size) == 2 and all(isinstance(n, int) for n in size)):
        raise ValueError(f"size must be (width, height) in pixels, got {size!r}")
    width, height = size
    if not (160 <= width <= 7680 and 90 <= height <= 4320 and width % 2 == 0 and height % 2 == 0):
        raise ValueError(f"size must be even numbers of pixels from 160 x 90 to 7680 x 4320, got {width} x {height}")
    return width, height


def _frames_folder(images: list, folder: Path) -> Path:
    """The frames as folder/frame-000.png ...: each file whole, the old frames beyond the new count removed."""
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f".frames.{secrets.token_hex(4)}.writing"
    staging.mkdir()
    try:
        names = []
        for k, image in enumerate(images):
            name = f"frame-{k:03d}.png"
            image.save(staging / name, optimize=False)
            names.append(name)
        for name in names:
            os.replace(staging / name, folder / name)
        for old in folder.glob("frame-*.png"):
            if old.name not in names:
                old.unlink()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


def _mp4(images: list, path: Path, pixels: tuple[int, int], seconds: float) -> Path:
    """H.264 in MP4 with imageio-ffmpeg's own ffmpeg: one frame per step, each `seconds` long."""
    ffmpeg = need("imageio_ffmpeg", "imageio-ffmpeg")
    temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.mp4"
    rate = 1 / Fraction(seconds).limit_denominator(1000)
    try:
        settings = ["-crf", "20", "-preset", "veryfast", "-movflags", "+faststart"]
        writer = ffmpeg.write_frames(str(temporary), pixels, fps=rate, codec="libx264", pix_fmt_out="yuv420p",
                                     macro_block_size=2, quality=None, ffmpeg_log_level="error",
                                     output_params=settings)  # fmt: skip
        writer.send(None)
        for image in images:
            writer.send(image.tobytes())
        writer.close()
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _pptx(deck: Deck, page: tuple[float, float], pixels: tuple[int, int]) -> bytes:
    """A slide per frame: the frame without its texts as the picture; the counter, the sentence and
    the rule as text boxes over it (editable, and in the outline); every digit in the speaker notes."""
    pptx = need("pptx", "python-pptx")
    util = need("pptx.util", "python-pptx")
    dml = need("pptx.dml.color", "python-pptx")
    width, height = page
    images = rasterize(deck.pdf(page, text=False), *pixels)
    panel = deck.panel_height(page)
    presentation = pptx.Presentation()
    presentation.slide_width, presentation.slide_height = util.Pt(width), util.Pt(height)
    blank = presentation.slide_layouts[6]
    exact = [""] + [step["exact"] for step in deck.steps]

    def text_box(slide, x, y, w, h, lines, size, font, colour, bold=False, right=False):
        box = slide.shapes.add_textbox(util.Pt(x), util.Pt(y), util.Pt(w), util.Pt(h))
        frame = box.text_frame
        frame.word_wrap = True
        for j, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if j == 0 else frame.add_paragraph()
            if right:
                paragraph.alignment = pptx.enum.text.PP_ALIGN.RIGHT
            run = paragraph.add_run()  # the font on the run: PowerPoint keeps it when the text is edited
            run.text = line
            run.font.size, run.font.name, run.font.bold = util.Pt(size), font, bold
            run.font.color.rgb = dml.RGBColor.from_string(colour[1:])
        return box

    for k, (frame, image) in enumerate(zip(deck.frames, images)):
        slide = presentation.slides.add_slide(blank)
        picture = io.BytesIO()
        image.save(picture, format="PNG")
        picture.seek(0)
        shape = slide.shapes.add_picture(picture, 0, 0, presentation.slide_width, presentation.slide_height)
        shape.name = f"graph, {frame.counter}"
        shape._element.nvPicPr.cNvPr.set("descr", f"The graph at {frame.counter}: {frame.sentences[0]}")
        text_box(slide, width - 224, 8, 200, 28, [frame.counter], 16, "Calibri", INK, bold=True, right=True)
        rule_room = RULE_SIZE + 14 if frame.rules else 0
        _, size = fitted(frame.sentences, width - 48, panel - 20 - rule_room, MONO, SENTENCE_SIZES, breaking=True)
        text_box(slide, 24, height - panel + 6, width - 48, panel - 12 - rule_room, frame.sentences, size,
                 "Consolas", INK)  # fmt: skip
        if frame.rules:
            rule = "rule: " + "; ".join(frame.rules)
            text_box(slide, 24, height - rule_room - 6, width - 48, rule_room, [rule], RULE_SIZE, "Calibri", MUTED)
        notes = ["rule: " + "; ".join(frame.rules)] if frame.rules else []
        if len(frame.sentences) == 1 and k < len(exact) and exact[k]:
            notes.append("every digit: " + exact[k])
        slide.notes_slide.notes_text_frame.text = "\n".join(notes) or frame.sentences[0]
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


HANDOUT_COLUMNS = ("step", "node", "from", "sentence", "rule", "local", "upstream", "contribution", "grad after")


def handout(deck: Deck, paper: str = "letter") -> bytes:
    """A PDF for students to follow on paper (landscape): the graph with every grad, at 9 pt text
    or more (over several pages if it must), then every step in a table of HANDOUT_COLUMNS: who
    receives, from whom, the sentence, the rule, the three numbers and the grad after the step."""
    platypus = need("reportlab.platypus", "reportlab")
    styles = need("reportlab.lib.styles", "reportlab")
    colors = need("reportlab.lib.colors", "reportlab")
    height, width = PAPERS[paper]  # landscape
    margin = 36.0
    frame_width, frame_height = width - 2 * margin, height - 2 * margin - 12
    title_style = styles.ParagraphStyle("t", fontName=BOLD, fontSize=15, leading=19, spaceAfter=6)
    cell = styles.ParagraphStyle("c", fontName=FONT, fontSize=9, leading=11)
    mono = styles.ParagraphStyle("m", fontName=MONO, fontSize=9, leading=11)
    story = [platypus.Paragraph(escape(f"Backprop step by step: {deck.title}"), title_style)]
    caption = styles.ParagraphStyle("p", fontName=FONT, fontSize=10, leading=13, textColor=MUTED)
    graph_height = frame_height - 12 - 25 - 13  # the frame's padding, the title, a caption
    name, scale = deck.pick(frame_width - 12, graph_height, 9, 14)
    picture = deck.picture(name)
    final = {}
    for step in deck.steps:
        if step["grad"]:
            final[step["parent"]] = step["grad"]
    tiles = _tiles(picture, scale, frame_width - 12, graph_height)
    for k, window in enumerate(tiles, start=1):
        tile = graph_flowable(picture, scale, window, final, {}, COLOURS)
        if len(tiles) > 1:  # the caption on its tile's page
            words = f"The graph after backward, part {k} of {len(tiles)} (by rows from the top, each left to right)"
            tile = platypus.KeepTogether([platypus.Paragraph(words, caption), tile])
        story.append(tile)
    story.append(platypus.Spacer(1, 12))
    rows = [[platypus.Paragraph(f"<b>{c}</b>", cell) for c in HANDOUT_COLUMNS]]
    for k, step in enumerate(deck.steps, start=1):
        texts = [str(k), step["receives"], step["from"], step["sentence"], step["rule"], step["local"],
                 step["upstream"], step["contribution"], step["grad"].removeprefix("grad ")]  # fmt: skip
        rows.append([platypus.Paragraph(escape(t), mono if c == 3 else cell) for c, t in enumerate(texts)])
    widths = [30, 60, 60, 0, 112, 46, 58, 70, 50]
    widths[3] = frame_width - sum(widths)
    table = platypus.Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(platypus.TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9ca3af")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(PANEL)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    story.append(table)
    out = io.BytesIO()
    document = platypus.SimpleDocTemplate(out, pagesize=(width, height), leftMargin=margin, rightMargin=margin,
                                          topMargin=margin, bottomMargin=margin + 12,
                                          title=f"Backprop step by step: {deck.title} (handout)")  # fmt: skip
    document.build(story, canvasmaker=numbered_canvas(FONT, 9))
    return out.getvalue()


def _tiles(picture: GraphPicture, scale: float, width: float, height: float) -> list[tuple | None]:
    """The windows that cover the picture at `scale` in pages of width x height pt (None: it fits
    whole), all of one size, so that none is a sliver: by rows from the top, each left to right."""
    w, h = width / scale, height / scale
    if picture.width <= w + 1e-6 and picture.height <= h + 1e-6:
        return [None]
    columns, rows = max(1, math.ceil(picture.width / w - 1e-9)), max(1, math.ceil(picture.height / h - 1e-9))
    tile_width, tile_height = picture.width / columns, picture.height / rows
    return [(c * tile_width, picture.height - (r + 1) * tile_height, tile_width, tile_height)
            for r in range(rows) for c in range(columns)]  # fmt: skip
