"""Worksheets and keys written directly as PDF (issue 20): readable on A4 and Letter paper.

The oracles: the exercises' own numbers (Exercise.answers(), formatted by number(); its steps and
seed), the PDFs' text as pypdf reads it back, with each run's size measured as a ruler would (the
font size times the text and page transformations), and the papers' sizes in millimetres and inches.
"""

import re
import subprocess
import sys

import pytest

from autograd import exercises as E
from autograd.exercises import paper
from tests.pdfs import text_runs

pypdf = pytest.importorskip("pypdf")
pytest.importorskip("reportlab")
pytest.importorskip("svglib")

SIZES = {"a4": (210 / 25.4 * 72, 297 / 25.4 * 72), "letter": (8.5 * 72, 11 * 72)}  # pt: ISO 216 and US Letter
TITLE = "CS 101"


def shows_an_exercise(text: str) -> bool:
    """A graph's node, a table's gradient or a step of backward: part of an exercise, not a title."""
    return text.startswith(("data ", "dL/d")) or ".grad " in text


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    """sheets(level, paper): the paths written for that worksheet, made once for the module.

    Level 1: 6 exercises. Level 2: seeds 0 and 4, the second drawn at 9 pt in the key on A4, where
    Graphviz's rounding of the SVG's size to whole points would take its text under 9 pt unless
    the layout measures it. Level 3: a neuron (seed 0) and a 2-2-1 network (seed 1), whose graph
    with grads is taller than a page at 9 pt.
    """
    made = {}

    def sheet(level: int, name: str):
        if (level, name) not in made:
            folder = tmp_path_factory.mktemp(f"level-{level}-{name}")
            seeds = {1: range(6), 2: [0, 4], 3: [0, 1]}[level]
            made[level, name] = E.worksheet(seeds, level, folder, title=TITLE, pdf=True, paper=name)
        return made[level, name]

    return sheet


@pytest.mark.parametrize("name", ["letter", "a4"])
def test_the_pdfs_are_written_beside_the_html_on_the_paper_asked_for(sheets, name):
    written = sheets(1, name)
    assert [p.name for p in written] == ["worksheet.html", "key.html", "worksheet.pdf", "key.pdf"]
    for path in written[2:]:
        for page in pypdf.PdfReader(str(path)).pages:
            box = page.mediabox
            assert float(box.width) == pytest.approx(SIZES[name][0], abs=0.01)
            assert float(box.height) == pytest.approx(SIZES[name][1], abs=0.01)
    assert "<svg" in written[0].read_text()  # the HTML stays as it was


@pytest.mark.parametrize("name", ["letter", "a4"])
def test_six_level_1_exercises_fit_on_two_pages(sheets, name):
    written = sheets(1, name)
    assert len(pypdf.PdfReader(str(written[2])).pages) <= 2


@pytest.mark.parametrize(("level", "name"), [(1, "letter"), (1, "a4"), (2, "a4"), (3, "letter"), (3, "a4")])
def test_all_text_and_the_graphs_text_is_at_least_9_pt_on_paper(sheets, level, name):
    written = sheets(level, name)
    for path in written[2:]:
        runs = [(text, size) for page in text_runs(path) for text, size, _ in page]
        graph = [size for text, size in runs if text.startswith(("data ", "grad "))]  # a node's fields
        assert graph and min(graph) >= 9 - 1e-6, path.name
        assert min(size for _, size in runs) >= 9 - 1e-6, path.name
        if path.name == "key.pdf":
            assert any(text.startswith("grad ") for text, _ in runs)  # the key's graphs show the grads
        else:
            assert not any(text.startswith("grad ") for text, _ in runs)


@pytest.mark.parametrize("name", ["letter", "a4"])
def test_page_one_has_the_title_and_the_name_fields_and_every_page_a_number(sheets, name):
    written = sheets(1, name)
    for path in written[2:]:
        pages = ["\n".join(text for text, _, _ in page) for page in text_runs(path)]
        assert TITLE in pages[0] and "Backprop by hand, level 1" in pages[0]
        for k, page in enumerate(pages, start=1):
            assert f"page {k} of {len(pages)}" in page
    first = [text for text, _, _ in text_runs(written[2])[0]]
    assert {"Name", "Student ID", "Date"} <= set(first)


def test_every_seed_is_on_the_sheet_and_the_key(sheets):
    written = sheets(1, "letter")
    for path in written[2:]:
        text = " ".join(text for page in text_runs(path) for text, _, _ in page)
        for count, seed in enumerate(range(6), start=1):
            assert f"Exercise {count} (level 1, seed {seed})" in text


@pytest.mark.parametrize("level", [1, 3])
@pytest.mark.parametrize("name", ["letter", "a4"])
def test_no_page_holds_only_a_title(sheets, level, name):
    """Every page shows part of an exercise (a graph, a table), and a heading is never the last
    thing on its page: its exercise starts under it."""
    written = sheets(level, name)
    for path in written[2:]:
        for k, page in enumerate(text_runs(path), start=1):
            texts = [text for text, _, _ in page]
            assert any(map(shows_an_exercise, texts)), f"{path.name} page {k}"
            headings = [i for i, t in enumerate(texts) if t.startswith("Exercise ") and ", continued" not in t]
            if headings:
                after = texts[headings[-1] + 1 :]
                assert any(map(shows_an_exercise, after)), f"{path.name} page {k}"


@pytest.mark.parametrize("name", ["letter", "a4"])
def test_the_key_has_each_answer_once_as_the_engine_computes_it(sheets, name):
    for level, seeds in ((1, range(6)), (3, [0, 1])):
        texts = [text for page in text_runs(sheets(level, name)[3]) for text, _, _ in page]
        cells = [(a, b) for a, b in zip(texts, texts[1:]) if re.fullmatch(r"dL/d\w+", a)]  # gradient | answer
        expected = []
        for seed in seeds:
            ex = E.exercise(seed, level)
            answers = ex.answers()
            expected += [(f"dL/d{name}", E.number(answers[name])) for name in ex.order()]
        assert sorted(cells) == sorted(expected)


@pytest.mark.parametrize("name", ["letter", "a4"])
def test_the_key_has_its_steps_with_their_rules_none_into_a_constant_and_no_minus_zero(sheets, name):
    written = sheets(3, name)
    sheet = " ".join(text for page in text_runs(written[2]) for text, _, _ in page)
    runs = [text for page in text_runs(written[3]) for text, _, _ in page]
    key = squashed(" ".join(runs))
    assert "-0.0000" not in sheet and "-0.0000" not in key
    skipped = 0
    for seed in (0, 1):
        ex = E.exercise(seed, 3)
        for step in ex.steps():
            into_constant = not step.is_seed and ex.drawing.kind(step.parent) == "constant"
            skipped += into_constant
            assert (squashed(str(step)) in key) != into_constant, str(step)
            if not into_constant:
                assert squashed(step.rule) in key
    assert skipped  # the level-3 graphs subtract y: a constant -1 that the key leaves out
    assert not any(re.match(r"\(?-?\d[\d.]*\)?\.grad \+=", text) for text in runs)  # a constant's name: a number


def test_a_graph_taller_than_a_page_goes_on_over_the_page_at_9_pt():
    """The 2-2-1 network's graph with grads, top to bottom, is 924 pt tall at scale 1: 756 pt at 9 pt,
    more than Letter's 726 pt frame. It is cut between two rows of nodes and goes on overleaf."""
    from autograd.views.pdf import fonts

    fonts()
    ex = E.exercise(1, 3)
    graph = paper._graphs(ex, "auto", grads="backward")["TB"]
    cut = paper._cut(graph, 9 / 11, "Exercise 1", 726.0)[0]
    top, _, caption, rest = cut.split(552.0, 500.0)
    assert top.height <= 500.0 and top.height + rest.height == pytest.approx(cut.height)
    at = rest.window[1] + rest.window[3]  # where it was cut, in the picture's points
    assert not any(box[1] < at < box[3] for box in graph.nodes)  # through no node
    assert "continued" in caption.text


def test_a_bad_paper_is_refused_and_nothing_is_written(tmp_path):
    with pytest.raises(ValueError, match=r"paper must be 'letter' or 'a4', got 'a5'"):
        E.worksheet([1], 1, tmp_path / "out", pdf=True, paper="a5")
    assert not (tmp_path / "out").exists()


def test_nothing_is_written_when_the_pdfs_cannot_be_made(tmp_path, monkeypatch):
    def broken(*args):
        raise ImportError("slides and PDFs need the reportlab package")

    monkeypatch.setattr(paper, "_pdfs", broken)
    with pytest.raises(ImportError):
        E.worksheet([1], 1, tmp_path / "out", pdf=True)
    assert not (tmp_path / "out").exists()


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "autograd.exercises", *args], capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def test_the_cli_writes_the_pdfs_and_refuses_a_bad_paper(tmp_path):
    result = run_cli("--worksheet", "1", "--out", str(tmp_path), "--pdf", "--paper", "a4")
    assert result.returncode == 0, result.stderr
    for name in ("worksheet.html", "key.html", "worksheet.pdf", "key.pdf"):
        assert str(tmp_path / name) in result.stdout
    box = pypdf.PdfReader(str(tmp_path / "key.pdf")).pages[0].mediabox
    assert float(box.width) == pytest.approx(SIZES["a4"][0], abs=0.01)
    bad = run_cli("--worksheet", "2", "--out", str(tmp_path / "bad"), "--pdf", "--paper", "a5")
    assert bad.returncode == 2 and "invalid choice: 'a5'" in bad.stderr and "'a4', 'letter'" in bad.stderr
    alone = run_cli("--worksheet", "2", "--out", str(tmp_path / "bad"), "--paper", "a4")
    assert alone.returncode == 2 and "add --pdf" in alone.stderr
    assert not (tmp_path / "bad").exists()


def test_each_blank_is_a_form_field_named_for_a_screen_reader(tmp_path):
    sheet = E.worksheet([4, 5], 2, tmp_path, pdf=True)[2]
    fields = pypdf.PdfReader(str(sheet)).get_fields()
    wanted = [(seed, name) for seed in (4, 5) for name in E.exercise(seed, 2).order()]
    assert len(fields) == len(wanted) and len({f["/T"] for f in fields.values()}) == len(wanted)
    said = sorted(f["/TU"] for f in fields.values())
    assert said == sorted(f"seed {seed}: dL/d{name}, the gradient of L with respect to {name}" for seed, name in wanted)
