"""The step-through page in a real headless browser: Debian's chromium, driven by Playwright.

Pages are served on 127.0.0.1; a request to any other host is blocked and fails the test."""

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from autograd.views.page import export_html
from autograd.views.render import HIGHLIGHT_PARENT
from tests.graphs import classic_neuron
from tests.test_explain import NEURON_STEPS


@pytest.fixture
def browser(chromium):
    """The session's chromium (tests/conftest.py); each test opens its own pages."""
    return chromium


@pytest.fixture
def serve(tmp_path):
    """serve(path) -> (page URL, requests to other hosts): tmp_path served on 127.0.0.1."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield lambda path: f"http://127.0.0.1:{server.server_port}/{path.relative_to(tmp_path)}"
    server.shutdown()
    server.server_close()


def open_page(browser, url, elsewhere, viewport=(1600, 700)):
    """A new page at `url` whose requests to any host but 127.0.0.1 are blocked and recorded."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})

    def only_loopback(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(url)
    return page


def highlighted_fill(page, element_id: str) -> str:
    """The fill the browser paints a record's shape with (CSS classes override the SVG's own)."""
    return page.evaluate(
        "id => getComputedStyle(document.getElementById(id).querySelector('polygon, path')).fill", element_id
    )


def grad_text(page, element_id: str) -> str:
    return page.evaluate(
        "id => [...document.getElementById(id).querySelectorAll('text')].pop().textContent", element_id
    )


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_next_prev_keys_and_a_clickers_keys_step_through_backprop(browser, serve, tmp_path):
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere)
    assert page.inner_text("#counter") == "step 0 of 10"
    assert "every grad is 0" in page.inner_text("#sentence")
    assert page.locator("#view svg").count() == 1

    for _ in range(3):
        page.click("#next")
    page.keyboard.press("ArrowRight")  # step 4: b.grad += dn/db * dL/dn
    assert page.inner_text("#counter") == "step 4 of 10"
    assert page.inner_text("#sentence") == NEURON_STEPS[3]
    parent = page.evaluate("document.body.dataset.parent")
    assert page.locator(f"svg g#{parent} text").first.text_content() == "b"
    assert highlighted_fill(page, parent) == rgb(HIGHLIGHT_PARENT)
    assert grad_text(page, parent) == "grad 0.5000"  # the grad Python computed for this step, in place
    page.screenshot(path=str(tmp_path / "step4.png"))
    assert (tmp_path / "step4.png").read_bytes().startswith(b"\x89PNG")

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("PageUp")
    assert page.inner_text("#counter") == "step 2 of 10"
    assert page.inner_text("#sentence") == NEURON_STEPS[1]
    assert grad_text(page, parent) == "grad 0.0000"  # going back puts the earlier grads back
    page.keyboard.press("PageDown")
    page.keyboard.press(" ")
    assert page.inner_text("#counter") == "step 4 of 10"
    page.keyboard.press("End")
    assert page.inner_text("#counter") == "step 10 of 10" and page.inner_text("#sentence") == NEURON_STEPS[-1]
    page.click("#next")
    assert page.inner_text("#counter") == "step 10 of 10"  # stops at the last step
    page.keyboard.press("Home")
    assert page.inner_text("#counter") == "step 0 of 10" and "every grad is 0" in page.inner_text("#sentence")
    assert elsewhere == []


def test_the_page_reads_from_the_back_of_a_lecture_hall(browser, serve, tmp_path):
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere, viewport=(1280, 720))
    heights = page.evaluate(
        "[...document.querySelectorAll('#view svg text')].map(t => t.getBoundingClientRect().height)"
    )
    assert min(heights) >= 16, min(heights)
    legend = page.inner_text(".legend")
    assert "receives gradient in this step" in legend and "passes it back" in legend and "parameter" in legend
    for _ in range(9):
        page.keyboard.press("PageDown")
    parent = page.evaluate("document.body.dataset.parent")
    box = page.locator(f"svg g#{parent}").bounding_box()  # the highlighted node was scrolled into view
    assert 0 <= box["x"] and box["x"] + box["width"] <= 1280 and 0 <= box["y"] and box["y"] + box["height"] <= 720
    sentence = page.locator("#sentence").bounding_box()  # and the sentence stays on screen
    assert sentence["y"] + sentence["height"] <= 720
    page.click("#zoom-in")
    before = page.evaluate("document.querySelector('#view svg').getBoundingClientRect().width")
    page.click("#fit")
    fitted = page.evaluate("document.querySelector('#view svg').getBoundingClientRect().width")
    assert fitted < before and fitted <= 1280
    page.click("#zoom-in")
    assert page.evaluate("document.querySelector('#view svg').getBoundingClientRect().width") > fitted
    page.screenshot(path=str(tmp_path / "projector.png"))
    assert elsewhere == []


def test_a_hostile_layer_name_is_text_and_clicking_its_box_runs_nothing(browser, serve, tmp_path):
    from tests.test_render import HOSTILE_LAYER, hostile_cluster_graph

    root, style = hostile_cluster_graph()
    page_file = export_html(root, tmp_path / "steps.html", **style)
    elsewhere, dialogs = [], []
    page = open_page(browser, serve(page_file), elsewhere)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = page.url
    assert page.locator("svg a").count() == 0
    layer_box = page.locator("svg g.cluster", has_text=HOSTILE_LAYER).first
    assert layer_box.count() == 1
    layer_box.locator("text").first.click()
    layer_box.locator("path, polygon").first.click(force=True)
    page.wait_for_timeout(200)
    assert dialogs == [] and page.url == url and elsewhere == []


def widget_host(tmp_path, esm: str, css: str, state: dict, width: int = 700) -> Path:
    """A page that renders a widget's ES module in a box `width` px wide, given a stand-in for the
    notebook's model (get, set, on, save_changes) holding `state`: what Jupyter does with it."""
    import json

    (tmp_path / "widget.js").write_text(esm)
    (tmp_path / "host.html").write_text(
        f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
<div id="root" style="width: {width}px"></div>
<script type="module">
import widget from "./widget.js";
const handlers = {{}}, data = {json.dumps(state)};
const model = {{
  get: k => data[k],
  set: (k, v) => {{ data[k] = v; (handlers["change:" + k] || []).forEach(f => f()); }},
  on: (e, f) => {{ (handlers[e] = handlers[e] || []).push(f); }},
  save_changes: () => {{}},
}};
window.model = model;
widget.render({{ model, el: document.getElementById("root") }});
window.ready = true;
</script></body></html>"""
    )
    return tmp_path / "host.html"


def stepper_state(widget) -> dict:
    return {"layouts": widget.layouts, "steps": widget.steps, "start": widget.start, "index": 0,
            "notation": widget.notation, "nodes": widget.nodes}  # fmt: skip


def test_the_notebook_stepper_widget_steps_through_backprop_in_a_browser(browser, serve, tmp_path):
    from autograd.views.stepper import _CSS, _ESM, stepper

    widget = stepper(classic_neuron(), widget=True, notation="paths")
    elsewhere = []
    page = open_page(browser, serve(widget_host(tmp_path, _ESM, _CSS, stepper_state(widget))), elsewhere)
    page.wait_for_function("window.ready === true")
    assert page.inner_text(".bp-counter") == "step 0 of 10" and "forward pass is done" in page.inner_text(
        ".bp-sentence"
    )
    for _ in range(4):
        page.click(".bp-next")
    assert page.inner_text(".bp-counter") == "step 4 of 10"
    assert page.inner_text(".bp-sentence") == NEURON_STEPS[3]
    parent = widget.steps[3]["parent"]
    assert highlighted_fill(page, parent) == rgb(HIGHLIGHT_PARENT) and grad_text(page, parent) == "grad 0.5000"
    page.click(".bp-prev")
    assert page.inner_text(".bp-sentence") == NEURON_STEPS[2]
    page.focus(".bp-stepper")
    page.keyboard.press("ArrowRight")  # the arrow keys, while the stepper has focus
    assert page.inner_text(".bp-counter") == "step 4 of 10"
    page.keyboard.press("Home")
    assert page.inner_text(".bp-counter") == "step 0 of 10"
    assert elsewhere == []


def test_the_stepper_plays_fits_its_box_and_keeps_the_current_step_in_view(browser, serve, tmp_path):
    """A 13-parameter model in a 580 px box: the layout that fits, text at 13 px or more, and Play
    moving the highlight while the highlighted node stays inside the box."""
    import nn
    from autograd.views.stepper import _CSS, _ESM, stepper

    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1])
    widget = stepper(nn.mse_loss(model([0.5, -1.0]), 1.0), widget=True, **model.graph_style())
    assert widget.notation == "notes" and any("w⁽¹⁾₁₁" in layout["svg"] for layout in widget.layouts.values())
    page = open_page(browser, serve(widget_host(tmp_path, _ESM, _CSS, stepper_state(widget), width=580)), [])
    page.wait_for_function("window.ready === true")
    box = page.locator(".bp-graph").bounding_box()
    assert box["width"] <= 580 and box["height"] <= 600
    heights = page.evaluate(
        "[...document.querySelectorAll('.bp-graph svg text')].map(t => t.getBoundingClientRect().height)"
    )
    assert sorted(heights)[len(heights) // 2] >= 13
    page.click(".bp-play")
    assert page.inner_text(".bp-play") == "Pause"
    for _ in range(3):
        page.wait_for_function("n => window.model.get('index') >= n", arg=_ + 1, timeout=5000)
        index = page.evaluate("window.model.get('index')")
        node = page.locator(f'.bp-graph [id="{widget.steps[index - 1]["parent"]}"]').bounding_box()
        inside = page.locator(".bp-graph").bounding_box()
        assert inside["x"] <= node["x"] and node["x"] + node["width"] <= inside["x"] + inside["width"] + 1
        assert inside["y"] <= node["y"] and node["y"] + node["height"] <= inside["y"] + inside["height"] + 1
    page.click(".bp-play")
    assert page.inner_text(".bp-play") == "Play"
    page.select_option(".bp-notation", "paths")
    assert page.evaluate("window.model.get('notation')") == "paths"
    widget.notation = "paths"  # what the kernel does with the change: the graph named the other way
    assert any("layers.0.neurons.0.w.0" in layout["svg"] for layout in widget.layouts.values())
    assert widget.steps[0]["sentence"].startswith("mean") is False and "dL/dL" in widget.steps[0]["sentence"]


def test_the_quiz_fits_a_narrow_box_top_to_bottom(browser, serve, tmp_path):
    import autograd.exercises as E
    from autograd.exercises.notebook import _QUIZ_CSS, _QUIZ_ESM

    widget = E.quiz(level=3, seed=1, widget=True)
    state = {"layouts": widget.layouts, "names": widget.names, "answers": {}, "results": {}, "diagnosis": "",
             "said": widget.said, "nodes": widget.nodes}  # fmt: skip
    for width in (400, 1000):
        host = widget_host(tmp_path, _QUIZ_ESM, _QUIZ_CSS, state, width=width)
        page = open_page(browser, serve(host), [])
        page.wait_for_function("window.ready === true")
        graph = page.locator(".bp-graph").bounding_box()
        picture = page.locator(".bp-graph svg").bounding_box()
        assert graph["width"] <= width and page.locator(".bp-answers input").count() == len(widget.names)
        if width == 1000:  # room enough: nothing cut, nothing to scroll sideways
            assert picture["width"] <= graph["width"]
        heights = page.evaluate(
            "[...document.querySelectorAll('.bp-graph svg text')].map(t => t.getBoundingClientRect().height)"
        )
        assert min(heights) >= 13 - 0.5
        page.close()


def test_a_class_quiz_has_a_copy_button_whose_rows_are_shown_and_selected(browser, serve, tmp_path):
    import autograd.exercises as E
    from autograd.exercises.notebook import _QUIZ_CSS, _QUIZ_ESM

    for student in ("", "s042"):
        widget = E.quiz(level=1, course="C", student="s042", widget=True) if student else E.quiz(level=1, widget=True)
        state = {"layouts": widget.layouts, "names": widget.names, "answers": {}, "results": {}, "diagnosis": "",
                 "said": widget.said, "nodes": widget.nodes, "student": widget.student, "rows": ""}  # fmt: skip
        page = open_page(browser, serve(widget_host(tmp_path, _QUIZ_ESM, _QUIZ_CSS, state)), [])
        page.wait_for_function("window.ready === true")
        assert page.locator(".bp-copy").is_visible() == bool(student)
        if student:
            answers = widget.exercise.answers()
            for box, name in zip(page.locator(".bp-answers input").all(), widget.names):
                box.fill(repr(answers[name]))
            page.locator(".bp-copy").click()
            widget.to_copy = page.evaluate("window.model.get('to_copy')")  # what the kernel receives
            page.evaluate("rows => window.model.set('rows', rows)", widget.rows)  # and sends back
            shown = page.locator(".bp-rows")
            assert shown.is_visible() and shown.input_value() == widget.rows
            assert widget.rows.splitlines()[1:] == [f"s042,1,{n},{answers[n]!r}" for n in widget.names]
        page.close()


def test_outside_a_notebook_the_stepper_prints_the_steps(capsys):
    from autograd import stepper

    assert stepper(classic_neuron(), notation="paths") is None  # not in a kernel: the text stepper
    out = capsys.readouterr().out
    assert "forward pass" in out and all(step in out for step in NEURON_STEPS)


def test_the_rule_is_typeset_and_the_theme_switch_changes_the_colours(browser, serve, tmp_path):
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere, viewport=(1280, 720))
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")  # do/dn: the tanh rule
    math = page.locator("#rule-math math")
    assert math.count() == 1 and page.locator("#rule-math mfrac").count() == 1
    box = math.bounding_box()
    assert box["width"] > 40 and box["height"] > 20  # rendered as mathematics, not hidden markup
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.select_option("#theme", "dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.select_option("#theme", "contrast")
    contrast = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)" and dark != light and contrast == "rgb(0, 0, 0)"
    page.screenshot(path=str(tmp_path / "contrast.png"))
    assert elsewhere == []


def test_choosing_an_example_steps_through_its_part_of_the_batch_graph(browser, serve, tmp_path):
    import nn

    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1], activation="tanh")
    X, y = nn.data.make_moons(3, seed=0, signed=True)
    predictions = [model(x) for x in X]
    loss = nn.hinge_loss(predictions, y)
    page_file = export_html(loss, tmp_path / "batch.html", examples=predictions, **model.graph_style("layer"))
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere, viewport=(1280, 720))
    whole = page.inner_text("#counter")
    page.select_option("#example", "2")
    assert page.inner_text("#counter") != whole and page.inner_text("#counter").startswith("step 0 of ")
    assert page.locator("#view svg").count() == 1
    page.keyboard.press("End")
    parent = page.evaluate("document.body.dataset.parent")
    assert page.locator(f'#view [id="{parent}"]').count() == 1 and highlighted_fill(page, parent) == rgb(
        HIGHLIGHT_PARENT
    )
    page.select_option("#example", "0")
    assert page.inner_text("#counter") == whole
    assert elsewhere == []


PROJECTORS = [(1024, 768), (1280, 720)]
TEXT_HEIGHTS = """[...document.querySelectorAll('#view svg text')].map(t => t.getBoundingClientRect().height)
  .sort((a, b) => a - b)"""


def node_boxes(page) -> list[dict]:
    return page.evaluate(
        "[...document.querySelectorAll('#view svg g.node')].map(g => g.getBoundingClientRect())"
        ".map(r => ({x: r.x, y: r.y, right: r.right, bottom: r.bottom}))"
    )


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_on_a_projector_the_whole_neuron_fits_at_step_0_with_text_for_the_back_row(browser, serve, tmp_path, viewport):
    """Every node inside the viewport after Fit, the median text at least 16 px: the page picks the
    layout that gives the larger text, and reports which it drew."""
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere, viewport=viewport)
    for fitted in (False, True):
        if fitted:
            page.click("#fit")
        width, height = viewport
        for box in node_boxes(page):
            assert box["x"] >= 0 and box["y"] >= 0 and box["right"] <= width and box["bottom"] <= height, box
        view = page.locator("#view").bounding_box()
        footer = page.locator("footer").bounding_box()
        assert max(b["bottom"] for b in node_boxes(page)) <= footer["y"] and view["y"] + view["height"] <= height
        heights = page.evaluate(TEXT_HEIGHTS)
        assert heights[len(heights) // 2] >= 16, heights
    assert page.evaluate("document.getElementById('view').dataset.layout") in ("LR", "TB")
    output = page.evaluate("document.body.dataset.parent")  # step 0: nothing highlighted, the output in view
    assert output == "" and page.locator("#view svg g.node", has_text="o").count() >= 1
    page.screenshot(path=str(tmp_path / f"projector-{viewport[0]}.png"))
    assert elsewhere == []


def test_a_long_chain_is_drawn_top_to_bottom_and_text_never_shrinks_below_the_floor(browser, serve, tmp_path):
    """A chain of 14 tanh nodes fits no screen whole at 16 px: the page draws it top to bottom, its
    width fitting and the rest scrolling down, on a landscape screen and a portrait one."""
    from autograd import Value

    x = Value(0.3, label="x")
    for _ in range(14):
        x = x.tanh()
    page_file = export_html(x, tmp_path / "chain.html")
    for viewport in ((1280, 720), (600, 1000)):
        page = open_page(browser, serve(page_file), [], viewport=viewport)
        page.click("#fit")
        assert page.evaluate("document.getElementById('view').dataset.layout") == "TB"
        picture = page.locator("#view svg").bounding_box()
        assert picture["width"] <= viewport[0] and picture["height"] > page.locator("#view").bounding_box()["height"]
        heights = page.evaluate(TEXT_HEIGHTS)
        assert heights[0] >= 16 - 0.5, heights  # no text below the floor, however long the graph
        page.select_option("#layout", "LR")  # the user's choice wins, and is kept in the link
        assert page.evaluate("document.getElementById('view').dataset.layout") == "LR" and "layout=LR" in page.url
        page.close()


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_home_after_ten_steps_looks_exactly_like_the_first_load(browser, serve, tmp_path, viewport):
    import nn

    nn.manual_seed(0)
    model = nn.MLP(2, [3, 1])
    loss = nn.mse_loss(model([0.5, -1.0]), 1.0)
    page_file = export_html(loss, tmp_path / "mlp.html", notation="notes", **model.graph_style())
    page = open_page(browser, serve(page_file), [], viewport=viewport)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(200)  # the first paint settled
    first = page.screenshot()
    for _ in range(10):
        page.keyboard.press("PageDown")
    assert not same_picture(page.screenshot(), first)
    scrolled = "[document.getElementById('view').scrollLeft, document.getElementById('view').scrollTop]"
    page.keyboard.press("Home")
    assert same_picture(page.screenshot(), first)
    page.reload()
    page.wait_for_timeout(200)
    at_load = page.evaluate(scrolled)
    page.keyboard.press("End")
    page.keyboard.press("Home")
    assert page.evaluate(scrolled) == at_load


def same_picture(a: bytes, b: bytes) -> bool:
    """Two screenshots alike to the eye: at most 0.05% of the pixels differ by more than a faint
    shade (the rasterizer may antialias one glyph differently from one paint to the next)."""
    import io

    from PIL import Image, ImageChops

    first, second = (Image.open(io.BytesIO(x)).convert("L") for x in (a, b))
    if first.size != second.size:
        return False
    differing = sum(ImageChops.difference(first, second).point(lambda v: 255 if v > 48 else 0).histogram()[255:])
    return differing <= 0.0005 * first.size[0] * first.size[1]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio of two CSS rgb() colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


PAIRS = """[...document.querySelectorAll('#view svg g.node')].flatMap(g => {
  const shape = g.querySelector('polygon, ellipse, path');
  return [...g.querySelectorAll('text')].map(t => [getComputedStyle(t).fill, getComputedStyle(shape).fill,
                                                  g.id + ' ' + t.textContent]);
})"""


def test_themes_colour_the_graph_and_every_text_reads_on_its_fill(browser, serve, tmp_path):
    """Light, dark and high contrast: the graph's fills and strokes change with the theme (pixels),
    high contrast is black, white and yellow with thick strokes, and every node's text against its
    fill, highlighted ones included, is at least WCAG's 4.5:1."""
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    page = open_page(browser, serve(page_file), [], viewport=(1280, 720))
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")  # a node receiving, one passing: both highlighted
    shots, strokes = {}, {}
    for theme in ("light", "dark", "contrast"):
        page.select_option("#theme", theme)
        for text, fill, where in page.evaluate(PAIRS):
            assert contrast_ratio(text, fill) >= 4.5, (theme, where, text, fill)
        shots[theme] = page.locator("#view").screenshot()
        strokes[theme] = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('#view svg g.edge path')).strokeWidth)"
        )
    assert len(set(shots.values())) == 3
    assert strokes["contrast"] >= 2 * strokes["light"]
    fills = {fill for _, fill, _ in page.evaluate(PAIRS)}
    assert fills <= {"rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(255, 255, 0)"}, fills
    assert "theme=contrast" in page.url


def test_present_fills_the_screen_with_the_graph_and_a_large_sentence(browser, serve, tmp_path):
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    page = open_page(browser, serve(page_file), [], viewport=(1024, 768))
    graph_before = page.locator("#view").bounding_box()
    page.keyboard.press("PageDown")
    page.keyboard.press("f")
    assert page.evaluate("document.body.classList.contains('presenting')")
    graph = page.locator("#view").bounding_box()
    assert graph["height"] > graph_before["height"] and not page.locator("#next").is_visible()
    size = page.evaluate("parseFloat(getComputedStyle(document.getElementById('sentence')).fontSize)")
    assert size >= 28 and page.inner_text("#sentence") == NEURON_STEPS[0]
    page.keyboard.press("PageDown")
    assert page.inner_text("#sentence") == NEURON_STEPS[1]  # the clicker's keys still step
    page.keyboard.press("Escape")
    assert not page.evaluate("document.body.classList.contains('presenting')") and page.locator("#next").is_visible()


def test_the_printed_page_is_a_handout_the_graph_then_every_step(browser, serve, tmp_path):
    import io

    pypdf = pytest.importorskip("pypdf")
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    page = open_page(browser, serve(page_file), [], viewport=(1280, 720))
    page.keyboard.press("PageDown")
    pdf = pypdf.PdfReader(io.BytesIO(page.pdf(format="Letter")))
    text = " ".join(" ".join(page_.extract_text().split()) for page_ in pdf.pages)
    for button in ("Prev", "Next", "Play", "Fit", "Present", "theme"):
        assert button not in text, button
    for sentence in NEURON_STEPS:
        assert " ".join(sentence.split()) in text, sentence
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "x1*w1 + x2*w2" in first and "grad -1.5000" in first  # the graph, with its final grads


def test_axe_finds_nothing_on_the_page_at_any_step_in_any_theme(browser, serve, tmp_path):
    from tests.a11y import axe_violations

    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere, viewport=(1024, 768))
    for theme in ("light", "dark", "contrast"):
        page.select_option("#theme", theme)
        for key, times in (("Home", 1), ("PageDown", 5), ("End", 1)):
            for _ in range(times):
                page.keyboard.press(key)
            assert axe_violations(page) == [], (theme, page.inner_text("#counter"))
        page.focus('[id="value-9"]')  # the focus ring: 3:1 at least against the graph's paper and the page's
        ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
        for behind in ("#view", "body"):
            paper = page.evaluate(f"getComputedStyle(document.querySelector('{behind}')).backgroundColor")
            assert contrast_ratio(ring, paper) >= 3, (theme, behind, ring, paper)
    page.keyboard.press("t")  # the text alternative, shown
    assert axe_violations(page) == []
    page.close()
    assert elsewhere == []


def test_a_keyboard_reaches_every_control_and_every_node_and_steps_are_spoken(browser, serve, tmp_path):
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere, viewport=(1024, 768))
    reached = []
    for _ in range(30):  # Tab from the top: every control, then the graph's one tab stop
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    controls = ["prev", "next", "play", "slider", "zoom-out", "zoom-in", "fit", "layout", "theme", "present", "table"]
    assert all(c in reached for c in controls) and "value-9" in reached  # the output: where backprop starts
    assert [reached.index(c) for c in controls] == sorted(reached.index(c) for c in controls)  # in reading order
    ids = [f"value-{k}" for k in range(10)]  # from the output, the arrow keys reach every node of the neuron
    seen, todo = {"value-9"}, ["value-9"]
    while todo:
        start = todo.pop()
        for key in ("ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"):
            page.focus(f'[id="{start}"]')
            page.keyboard.press(key)
            now = page.evaluate("document.activeElement.id")
            if now not in seen:
                seen.add(now)
                todo.append(now)
    assert seen == set(ids)
    name = page.evaluate("document.getElementById('value-9').getAttribute('aria-label')")
    assert name.startswith("o data 0.7071 grad 0.0000") and "tanh of n" in name  # its name, value and grad
    spoken = []
    page.focus("#next")
    for _ in range(3):
        page.keyboard.press("Enter")  # the focused button presses: one step each
        spoken.append(page.inner_text("#announce"))
    assert spoken[0] == "step 1 of 10: the gradient of L is 1, the seed; L is o"
    assert spoken[1].startswith("step 2 of 10: the gradient of n grows by 0.5, to 0.5")
    assert len(set(spoken)) == 3 and not any("**" in s or "d(" in s for s in spoken)
    assert page.evaluate("document.getElementById('value-9').getAttribute('aria-label')").startswith(
        "o data 0.7071 grad 1.0000"
    )  # the name follows the grad the step reached
    page.focus('[id="value-7"]')  # Enter on a node: the step into it
    page.keyboard.press("Enter")
    assert "b.grad +=" in page.inner_text("#sentence")
    page.close()
    assert elsewhere == []


def test_reduced_motion_stops_play_and_the_page_reflows_at_320_px(browser, serve, tmp_path):
    page_file = export_html(classic_neuron(), tmp_path / "steps.html")
    elsewhere = []
    context = browser.new_context(viewport={"width": 320, "height": 640}, reduced_motion="reduce")
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else
               (elsewhere.append(route.request.url), route.abort()))  # fmt: skip
    page.goto(serve(page_file))
    assert page.is_disabled("#play") and "reduced motion" in page.get_attribute("#play", "title")
    page.wait_for_timeout(1500)
    assert page.inner_text("#counter") == "step 0 of 10"  # nothing moves by itself
    page.keyboard.press("PageDown")
    assert page.inner_text("#counter") == "step 1 of 10"
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1]  # no scrolling across at 320 px (the graph scrolls inside its own box)
    page.keyboard.press("t")
    assert page.is_visible("#alternative table")
    context.close()
    assert elsewhere == []


def test_the_stepper_widget_is_read_aloud_and_axe_finds_nothing_in_it(browser, serve, tmp_path):
    from autograd.views.stepper import _CSS, _ESM, stepper
    from tests.a11y import axe_violations

    widget = stepper(classic_neuron(), widget=True)
    elsewhere = []
    page = open_page(browser, serve(widget_host(tmp_path, _ESM, _CSS, stepper_state(widget))), elsewhere)
    page.wait_for_function("window.ready === true")
    assert axe_violations(page, context=".bp-stepper") == []
    page.focus(".bp-next")
    for _ in range(2):
        page.keyboard.press("Enter")
    assert page.inner_text(".bp-announce").startswith("step 2 of 10: the gradient of n grows by 0.5")
    assert axe_violations(page, context=".bp-stepper") == []
    page.focus('.bp-graph [id="value-9"]')
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == "value-8"  # n, along the edge
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert "n, x sub 1 times w sub 1 plus x sub 2 times w sub 2 plus b" in label  # the notes' x₁·w₁, spoken
    page.close()
    assert elsewhere == []


def test_the_quiz_is_labelled_for_a_screen_reader_and_axe_finds_nothing_in_it(browser, serve, tmp_path):
    import autograd.exercises as E
    from autograd.exercises.notebook import _QUIZ_CSS, _QUIZ_ESM
    from tests.a11y import axe_violations

    widget = E.quiz(level=2, seed=3, widget=True)
    state = {"layouts": widget.layouts, "names": widget.names, "answers": {}, "results": {}, "diagnosis": "",
             "said": widget.said, "nodes": widget.nodes}  # fmt: skip
    elsewhere = []
    page = open_page(browser, serve(widget_host(tmp_path, _QUIZ_ESM, _QUIZ_CSS, state)), elsewhere)
    page.wait_for_function("window.ready === true")
    assert axe_violations(page, context=".bp-quiz") == []
    labels = page.evaluate("[...document.querySelectorAll('.bp-answers input')].map(i => i.getAttribute('aria-label'))")
    assert labels[0] == "dL/dL, the gradient of L with respect to L" and len(labels) == len(widget.names)
    assert page.get_attribute(".bp-diagnosis", "aria-live") == "polite"  # the marks and diagnosis are read out
    nodes = page.locator(".bp-graph .node[role=button]")
    assert nodes.count() == len(widget.nodes)  # every node named and reachable
    page.close()
    assert elsewhere == []


def test_axe_finds_nothing_on_a_worksheet_and_its_key_and_every_blank_is_labelled(browser, serve, tmp_path):
    import autograd.exercises as E
    from tests.a11y import axe_violations

    sheet, key = E.worksheet([2, 7], 2, tmp_path)[:2]
    elsewhere = []
    for path in (sheet, key):
        page = open_page(browser, serve(path), elsewhere, viewport=(1024, 768))
        assert axe_violations(page) == [], path.name
        if path == sheet:
            labels = page.evaluate("[...document.querySelectorAll('input')].map(i => i.labels.length ? "
                                   "i.labels[0].textContent : i.getAttribute('aria-label'))")  # fmt: skip
            names = [n for seed in (2, 7) for n in E.exercise(seed, 2).order()]
            assert labels[:3] == ["Name", "Student ID", "Date"] and len(labels) == 3 + len(names)
            assert all("the gradient of L with respect to" in label for label in labels[3:])
            assert page.locator("svg[role=group][aria-label^='the graph of exercise']").count() == 2
            first = page.locator(".graph").first
            nodes = first.locator(".node[role=button]")
            assert nodes.count() == len(E.exercise(2, 2).drawing.nodes)  # every node a named stop
            last = nodes.nth(nodes.count() - 1)
            last.focus()
            page.keyboard.press("ArrowLeft")  # from L toward the inputs, along an edge
            assert page.evaluate("document.activeElement.closest('.graph') !== null") and page.evaluate(
                "document.activeElement.getAttribute('aria-label')"
            ) != last.get_attribute("aria-label")
        page.close()
    assert elsewhere == []
