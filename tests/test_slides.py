"""export_slides: the step-through as a PDF deck, PNG frames, a GIF, an MP4, a PPTX and a handout.

The oracles: the step-through page's own records (the same steps, in the same order), the PDF's
text as pypdf and poppler's pdftotext read it (sizes measured as a ruler would: the font size
times the page's transformation), the frames' pixels against where the graph's nodes are drawn,
python-pptx reading the deck back, and imageio-ffmpeg's ffmpeg counting the video's frames.
"""

import math
import random
import re
import shutil
import subprocess

import pytest

import nn
from autograd import Value, export_slides
from autograd.views.page import step_records
from autograd.views.slides import ASPECTS, Deck, export_deck
from tests.graphs import classic_neuron
from tests.pdfs import text_runs

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("reportlab")
pytest.importorskip("svglib")


def weights_of(o: Value) -> list[Value]:
    from autograd import topological_order

    return [n for n in topological_order(o) if n.label in ("w1", "w2", "b")]


def sentences(root: Value, **draw) -> list[str]:
    return [step["sentence"] for step in step_records(root, **draw)["steps"]]


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftotext(path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("no pdftotext here: apt-get install poppler-utils")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def small_mlp() -> tuple[Value, dict]:
    random.seed(0)
    model = nn.MLP(2, [4, 4, 1])
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    return loss, {"notation": "notes", **model.graph_style()}


def test_a_deck_has_a_page_per_step_and_every_sentence_in_order(tmp_path):
    o = classic_neuron()
    said = sentences(o, params=weights_of(o))
    path = export_slides(o, tmp_path / "neuron.pdf", params=weights_of(o))
    reader = pypdf.PdfReader(str(path))
    assert len(reader.pages) == len(said) + 1  # the forward pass, then the page's steps: step 0 to step N
    assert reader.page_labels == [str(k) for k in range(len(said) + 1)]  # a viewer numbers the pages as the steps
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == ASPECTS["16:9"]
    text = squashed(pdftotext(path))
    at = 0
    for sentence in said:  # each one, after the one before
        found = text.find(squashed(sentence), at)
        assert found >= 0, sentence
        at = found
    assert f"step {len(said)} of {len(said)}" in pdftotext(path)


def test_text_is_real_and_large_enough_on_a_16_9_page(tmp_path):
    loss, draw = small_mlp()  # a graph larger than the page: a window of it at the floor
    path = export_slides(loss, tmp_path / "mlp.pdf", **draw)
    pages = text_runs(path)
    assert len(pages) == len(sentences(loss, **draw)) + 1
    for runs in pages:
        sentence = [size for _, size, font in runs if "Mono" in font]
        graph = [size for text, size, font in runs if "Mono" not in font]
        assert sentence and min(sentence) >= 12
        assert graph and min(graph) >= 9
    records = step_records(loss, **draw)["steps"]
    for k, (runs, record) in enumerate(zip(pages[1:], records), start=1):  # the grad the step reached, drawn
        drawn = [text.strip() for text, _, font in runs if "Mono" not in font]
        assert record["grad"] in drawn, f"page {k} does not show {record['grad']}"
    labels = {text for runs in pages for text, _, _ in runs}
    assert any("w⁽¹⁾" in t for t in labels) and any("ŷ" in t for t in labels)  # the notes' names, as text


def test_four_by_three_on_request(tmp_path):
    o = classic_neuron()
    path = export_slides(o, tmp_path / "neuron.pdf", aspect="4:3")
    box = pypdf.PdfReader(str(path)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == (720.0, 540.0)


def test_frames_have_the_size_and_change_only_where_the_step_is(tmp_path):
    numpy = pytest.importorskip("numpy")
    pytest.importorskip("pypdfium2")
    from PIL import Image

    o = classic_neuron()
    deck = Deck(o, params=weights_of(o))
    size = (960, 540)
    folder = deck.write("png", tmp_path / "frames", "16:9", size, 2.0, "letter")
    files = sorted(folder.glob("frame-*.png"))
    assert len(files) == len(deck.frames) == len(deck.steps) + 1
    images = [numpy.asarray(Image.open(f).convert("RGB")).astype(int) for f in files]
    assert all(image.shape == (540, 960, 3) for image in images)
    top, bottom = 40, 540 - 132 - 10  # the graph's area, between the counter and the sentence's panel

    def region(frame) -> numpy.ndarray:
        picture, scale, x, y, window = deck.place(frame, size)
        assert window is None  # the neuron fits whole
        mask = numpy.zeros((540, 960), bool)
        around = 2 + math.ceil(3 * scale)  # the highlight's thick strokes reach past the shapes' outlines
        for key in [k for ids in frame.hot.values() for k in ids]:
            x0, y0, x1, y1 = picture.boxes[key]
            left, right = int(x + x0 * scale) - around, int(x + x1 * scale) + around
            upper, lower = int(540 - (y + y1 * scale)) - around, int(540 - (y + y0 * scale)) + around
            mask[max(upper, 0) : lower, max(left, 0) : right] = True
        return mask

    for k in range(2, len(images)):
        changed = numpy.abs(images[k] - images[k - 1]).sum(axis=2) > 24
        changed[:top] = changed[bottom:] = False
        assert changed.any(), f"frame {k} looks like frame {k - 1}"
        allowed = region(deck.frames[k]) | region(deck.frames[k - 1])
        assert not (changed & ~allowed).any(), f"frame {k} changed outside the step's nodes and edge"


def test_png_needs_a_folder_and_keeps_other_files(tmp_path):
    o = classic_neuron()
    (tmp_path / "a file").write_text("x")
    with pytest.raises(NotADirectoryError, match="folder"):
        export_slides(o, tmp_path / "a file", format="png", size=(320, 180))
    folder = tmp_path / "frames"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "frame-999.png").write_bytes(b"an old frame")
    export_slides(o, folder, format="png", size=(320, 180))
    names = sorted(p.name for p in folder.iterdir())
    assert "notes.txt" in names and "frame-999.png" not in names
    assert names.count("notes.txt") == 1 and len(names) == 1 + len(sentences(o)) + 1


def test_the_gif_loops_with_a_frame_per_step(tmp_path):
    pytest.importorskip("imageio")
    from PIL import Image

    o = classic_neuron()
    path = export_slides(o, tmp_path / "neuron.gif", format="gif", seconds=1.5, size=(480, 270))
    with Image.open(path) as gif:
        assert gif.n_frames == len(sentences(o)) + 1
        assert gif.size == (480, 270)
        assert gif.info["duration"] == 1500 and gif.info["loop"] == 0


def test_the_mp4_opens_with_its_frames_and_duration(tmp_path):
    ffmpeg = pytest.importorskip("imageio_ffmpeg")
    o = classic_neuron()
    path = export_slides(o, tmp_path / "neuron.mp4", format="mp4", seconds=2, size=(640, 360))
    frames, seconds = ffmpeg.count_frames_and_secs(str(path))
    steps = len(sentences(o)) + 1
    assert frames == steps and seconds == pytest.approx(2 * steps, abs=0.05)
    probe = subprocess.run([ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True)
    assert "h264" in probe.stderr and "640x360" in probe.stderr


def test_the_pptx_has_a_slide_per_step_the_sentence_as_text_the_rule_in_the_notes(tmp_path):
    pptx = pytest.importorskip("pptx")
    o = classic_neuron()
    path = export_slides(o, tmp_path / "neuron.pptx", format="pptx", size=(960, 540))
    records = step_records(o)["steps"]
    deck = pptx.Presentation(str(path))
    assert len(deck.slides) == len(records) + 1
    assert (deck.slide_width.pt, deck.slide_height.pt) == pytest.approx(ASPECTS["16:9"])
    for slide, record in zip(list(deck.slides)[1:], records):
        kinds = [shape.shape_type for shape in slide.shapes]
        picture, box = pptx.enum.shapes.MSO_SHAPE_TYPE.PICTURE, pptx.enum.shapes.MSO_SHAPE_TYPE.TEXT_BOX
        assert kinds == [picture, box, box, box]  # the frame; the counter, the sentence and the rule as text
        counter, sentence, rule = (shape.text_frame for shape in list(slide.shapes)[1:])
        assert sentence.text == record["sentence"] and rule.text == f"rule: {record['rule']}"
        assert counter.text.startswith("step ") and counter.text.endswith(f" of {len(records)}")
        assert all(run.font.size is not None for p in sentence.paragraphs for run in p.runs)  # set on the runs
        assert f"rule: {record['rule']}" in slide.notes_slide.notes_text_frame.text


def test_group_by_node_gives_a_page_per_finished_grad(tmp_path):
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    f = (a * b) * (a + b)  # a and b each receive two contributions
    f.label = "f"
    records = step_records(f)["steps"]
    path = export_slides(f, tmp_path / "f.pdf", group_by="node")
    pages = pypdf.PdfReader(str(path)).pages
    receivers = list(dict.fromkeys(r["parent"] for r in reversed(records)))  # each node once
    assert len(pages) == 1 + len(receivers) < 1 + len(records)
    text = squashed(pdftotext(path))
    for record in records:
        assert squashed(record["sentence"]) in text
    deck = Deck(f, group_by="node")
    sums = [frame.sentences[-1] for frame in deck.frames[1:] if len(frame.sentences) > 1]
    assert sum(len(frame.sentences) for frame in deck.frames[1:]) == len(records) + len(sums)
    f.backward()  # the added-up contributions are the finished grads
    # By hand, with d = a*b = -6, e = a + b = -1, f = d*e: a gets e·b = 3 and d·1 = -6; b gets e·a = -2 and d·1 = -6.
    terms = {"a": {3.0, -6.0}, "b": {-2.0, -6.0}}
    for line in sums:
        name, rest = line.split(".grad = ")
        added, total = rest.rsplit(" = ", 1)
        parts = [float(t) for t in added.replace(" - ", " + -").split(" + ")]
        assert set(parts) == terms[name] and float(total) == {"a": a, "b": b}[name].grad == sum(parts)
    for line in sums:
        assert squashed(line) in text


def test_the_handout_has_the_graph_then_a_row_per_step(tmp_path):
    o = classic_neuron()
    records = step_records(o)["steps"]
    path = export_slides(o, tmp_path / "handout.pdf", format="handout", paper="a4")
    reader = pypdf.PdfReader(str(path))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((841.89, 595.28), abs=0.01)  # A4, landscape
    first = reader.pages[0].extract_text()
    assert "x1*w1" in first and "grad -1.5000" in first  # the graph, with backward's grads
    text = squashed(pdftotext(path))
    for column in ("step", "node", "sentence", "rule", "local", "upstream", "contribution"):
        assert column in text
    monospace = squashed("".join(t for runs in text_runs(path) for t, _, font in runs if "Mono" in font))
    at = 0
    for record in records:  # the sentence column, row after row
        at = monospace.index(squashed(record["sentence"]), at)
    for runs in text_runs(path):
        assert min(size for _, size, _ in runs) >= 9  # paper: nothing under 9 pt


def test_bad_arguments_are_refused_before_anything_is_written(tmp_path):
    o = classic_neuron()
    refused = [
        ({"format": "docx"}, "format must be one of"),
        ({"aspect": "21:9"}, "aspect"),
        ({"paper": "legal"}, "paper"),
        ({"seconds": 0}, "seconds"),
        ({"seconds": float("nan")}, "seconds"),
        ({"size": (1920, 1081)}, "even"),
        ({"group_by": "layer"}, "group_by"),
        ({"colour": "red"}, "unexpected drawing option"),
    ]
    for kwargs, message in refused:
        with pytest.raises((ValueError, TypeError), match=message):
            export_slides(o, tmp_path / "x.pdf", **kwargs)
    with pytest.raises(IsADirectoryError):
        export_slides(o, tmp_path, format="pdf")
    with pytest.raises(ValueError, match="max_steps"):
        export_slides(o, tmp_path / "x.pdf", max_steps=3)
    assert list(tmp_path.iterdir()) == []


def test_a_missing_package_says_how_to_install_it(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pptx", None)  # what a machine without python-pptx gives: ImportError
    with pytest.raises(ImportError, match=r"pip install 'backprop-lab\[slides\]'.*python-pptx"):
        export_slides(classic_neuron(), tmp_path / "x.pptx", format="pptx")
    assert not (tmp_path / "x.pptx").exists()


def test_grads_are_left_as_they_were(tmp_path):
    o = classic_neuron()
    o.backward()
    before = {n.label: n.grad for n in __import__("autograd").topological_order(o)}
    export_slides(o, tmp_path / "x.pdf")
    assert {n.label: n.grad for n in __import__("autograd").topological_order(o)} == before


def test_export_deck_and_the_command_lines_write_every_format(tmp_path):
    o = classic_neuron()
    written = export_deck(o, tmp_path / "deck", "neuron")
    names = ["neuron.pdf", "neuron-4x3.pdf", "neuron-handout.pdf", "neuron.pptx", "neuron.gif", "neuron.mp4"]
    assert sorted(p.name for p in written) == sorted(names + ["neuron-frames"])
    from autograd.views.cli import main as cli

    assert cli(["x*y + y", "x=2", "y=3", "--slides", str(tmp_path / "xy.pdf")]) == 0
    assert len(pypdf.PdfReader(str(tmp_path / "xy.pdf")).pages) == 1 + 1 + 4  # forward, seed, the four edges
    assert cli(["x*y", "x=2", "y=3", "--slides", str(tmp_path / "xy.docx")]) == 2
    from demos import neuron

    result = neuron.common.main(neuron.run, neuron.__doc__, ["--out", str(tmp_path / "out"), "--slides",
                                                             str(tmp_path / "slides")])  # fmt: skip
    assert (tmp_path / "slides" / "neuron.pdf").exists() and (tmp_path / "slides" / "neuron.mp4").exists()
    assert len(result["files"]) == 2 + 7
