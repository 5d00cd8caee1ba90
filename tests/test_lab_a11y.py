"""The Lab for a keyboard, a screen reader and every colour vision (issue 22), in Debian's chromium
with the site built and served as tests/test_lab_browser.py does (every other host blocked):
axe-core finds nothing at WCAG 2.1 A and AA in each state; Tab reaches every control in page order
and the network's weights open their derivation from the keyboard; the step-through tab says each
step in a live region; the plots' descriptions are what CPython computes from the page's own run;
the two classes stay apart under simulated colour-vision deficiencies and differ in shape; reduced
motion turns the step mode's Play off; at 320 px (and 200% zoom) nothing scrolls sideways."""

import math
import re
from pathlib import Path

import pytest

from autograd.views.notation import number
from lab.config import DEFAULTS
from lab.config import to_query as lab_query
from lab.session import Lab
from tests.a11y import MACHADO_2009, axe_violations, contrast_ratio, delta_e_2000, lab_of_linear, simulate
from tests.test_lab_browser import Opened, site  # noqa: F401  (site: the fixture that builds and serves lab/dist)

DRAW_JS = Path(__file__).resolve().parent.parent / "lab" / "web" / "js" / "draw.js"
CLASS_COLOURS_DELTA_E = 40  # CIEDE2000 between the two classes under each simulation: far apart, not just apart
RUN = {**DEFAULTS, "dataset": "moons", "seed": 1, "hidden": [4, 2]}


@pytest.fixture(scope="module")
def lab(chromium, site):  # noqa: F811
    opened = Opened(chromium, site, (1024, 768))
    yield opened
    opened.close()


def test_axe_finds_nothing_cold_after_play_and_in_every_tab(lab):
    assert axe_violations(lab.page) == [], "cold"
    lab("window.lab.play()")
    lab.page.wait_for_function("Number(document.querySelector('[data-testid=step-count]').textContent) > 20")
    lab("window.lab.pause()")
    lab.page.wait_for_function("!window.lab.worker.busy")
    assert axe_violations(lab.page) == [], "after Play, paused"
    lab.page.get_by_text("In words, and the data as a table").click()  # the data's table, open
    lab.page.get_by_test_id("data-table").locator("td").first.wait_for()
    assert axe_violations(lab.page) == [], "the data as a table"
    lab("window.lab.derivation.open('layers.0.neurons.0.w.0')")
    for tab in ("chain", "steps", "matrices", "console", "exercise"):
        lab.page.locator(f"#tab-button-{tab}").click()
        lab.page.wait_for_function("!window.lab.worker.busy")
        lab.page.wait_for_timeout(200)  # the graph drawn by Graphviz
        assert axe_violations(lab.page) == [], tab
    lab.page.keyboard.press("Escape")


def focused(lab) -> str:
    return lab("""(e => e.dataset.testid || e.id || e.dataset.neuron || e.dataset.param || e.name || e.tagName)
                  (document.activeElement)""")


@pytest.fixture
def keyboard_only(chromium, site):  # noqa: F811
    """A page just opened at RUN, 30 steps trained, nothing focused yet: Tab starts at the top."""
    query = "?" + lab_query(RUN)
    opened = Opened(chromium, site + query, (1024, 768))
    opened("window.lab.step(30)")
    yield opened
    opened.close()


def test_tab_reaches_every_control_in_page_order_and_a_weight_opens_its_derivation_by_keyboard(keyboard_only):
    lab = keyboard_only
    order = []
    for _ in range(60):
        lab.page.keyboard.press("Tab")
        name = focused(lab)
        if name == "BODY" or order[:1] == [name]:  # past the last control, or round to the first again
            break
        order.append(name)
    expected = lab("""[...document.querySelectorAll('button, select, input, summary, textarea, [tabindex="0"]')]
        .filter(e => e.checkVisibility() && !e.disabled && !e.closest('[hidden], details:not([open]) > :not(summary)')
                     && !(e.type === 'radio' && !e.checked))
        .map(e => e.dataset.testid || e.id || e.dataset.neuron || e.dataset.param || e.name || e.tagName)""")
    assert order == expected  # every control, in the page's order (header, data, network, output)
    assert "layers.0.neurons.0" in order  # the network: one stop, on its first neuron
    lab.page.locator("[data-neuron='layers.0.neurons.0']").focus()
    outline = lab("getComputedStyle(document.activeElement).outlineColor")
    ring = tuple(int(c) for c in re.findall(r"\d+", outline)[:3])
    assert contrast_ratio(ring, (255, 255, 255)) >= 3 and contrast_ratio(ring, (0xEE, 0xF1, 0xF4)) >= 3
    assert lab("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    # The arrow keys: the neuron, then the weights into it, each named in words with its value.
    lab.page.keyboard.press("ArrowDown")
    lab.page.keyboard.press("ArrowDown")
    assert focused(lab) == "layers.0.neurons.0.w.1"
    weight = lab.state()["model"]["layers.0.neurons.0.w.1"]
    label = lab("document.activeElement.getAttribute('aria-label')")
    assert label == f"weight w super 1 sub 1 2, from x sub 2 to neuron 1 of layer 1: {float(f'{weight:.4g}')!r}"
    lab.page.keyboard.press("Enter")  # what a click does: the chain rule of that weight
    lab.page.get_by_test_id("derivation").wait_for(state="visible")
    lab.page.wait_for_function("window.lab.derivation.current?.parameter === 'layers.0.neurons.0.w.1'")
    assert lab.state()["step"] == 30  # the arrows and Enter moved in the network, never trained
    lab.page.keyboard.press("Escape")


def test_the_step_through_tab_says_each_step_in_a_polite_live_region_and_its_graph_walks(lab):
    lab("c => window.lab.configure(c)", RUN)
    lab("window.lab.derivation.open('layers.1.neurons.0.w.1')")
    lab.page.locator("#tab-button-steps").click()
    lab.page.wait_for_function("!window.lab.worker.busy")
    live = lab.page.get_by_test_id("step-spoken")
    assert live.get_attribute("aria-live") == "polite"
    d = lab("window.lab.derivation.current")
    total = len(d["forward"]) + len(d["backward"]) + 1
    spoken = [r["spoken"] for r in d["forward"]] + [r["spoken"] for r in d["backward"]] + [d["updateSpoken"]]
    lab.page.locator("#sm-next").focus()
    said = []
    for k in range(1, total + 1, 7):  # Next by the keyboard (Enter on the button), then the slider's keys
        lab("k => window.lab.derivation.goTo(k - 1)", k)
        lab.page.locator("#sm-next").press("Enter")
        said.append(live.inner_text())
        assert said[-1] == f"step {k} of {total}: {spoken[k - 1]}"
        assert "**" not in said[-1] and "⁽" not in said[-1]
    assert len(set(said)) == len(said)  # it changes each step
    # The graph: one tab stop on the output, named by what it shows and what it is; ← goes to an input of it.
    node = lab.page.locator("#derive-graph svg [tabindex='0']")
    assert node.count() == 1
    node.focus()
    first = lab("document.activeElement.getAttribute('aria-label')")
    assert first.startswith("L data") and "grad" in first
    lab.page.keyboard.press("ArrowLeft")
    after = lab("[document.activeElement.id, document.activeElement.getAttribute('aria-label')]")
    assert after[1] != first and after[0] in d["nodes"][list(d["nodes"])[-1]]["parents"]
    lab.page.keyboard.press("Enter")  # the step into that node
    into = next(k for k, r in enumerate(d["backward"]) if r["parent"] == after[0])
    assert live.inner_text() == f"step {len(d['forward']) + into + 1} of {total}: {d['backward'][into]['spoken']}"
    lab.page.keyboard.press("Escape")


def plane_points(domain, resolution=40):
    x0, x1, y0, y1 = domain
    return [[x0 + (x1 - x0) * (c + 0.5) / resolution, y1 - (y1 - y0) * (r + 0.5) / resolution]
            for r in range(resolution) for c in range(resolution)]  # fmt: skip


def test_the_descriptions_are_what_cpython_computes_from_the_pages_run(lab):
    lab("c => window.lab.configure(c)", RUN)
    lab("window.lab.reset()")  # step 0: the loss curve's first point
    lab("window.lab.step(120)")
    state = lab.state()
    # The page's model in CPython: its predictions on the page's own points, and over the plane.
    cpython = Lab(RUN)
    first_loss = cpython.summary()["trainLoss"]
    cpython.model.load_state_dict(state["model"])
    wrong = {}
    for name, rows in (("test", state["data"]["test"]), ("training", state["data"]["train"])):
        wrong[name] = sum((cpython.model(row[:2]).data >= 0) != (row[2] == 1) for row in rows)  # logistic: ±1
    outputs = [cpython.model(p).data for p in plane_points(state["domain"])]
    blue = round(100 * sum(o > 0 for o in outputs) / len(outputs))
    n_test, n_train = len(state["data"]["test"]), len(state["data"]["train"])
    assert state["testAccuracy"] == (n_test - wrong["test"]) / n_test
    boundary = (f"Test accuracy {round(100 * (1 - wrong['test'] / n_test))}%: {wrong['test']} of {n_test} test points "
                f"misclassified; training accuracy {round(100 * (1 - wrong['training'] / n_train))}%: "
                f"{wrong['training']} of {n_train} training points misclassified. The network predicts class 1 "
                f"(blue, squares) on {blue}% of the plane and class 0 (orange, circles) on the rest.")  # fmt: skip
    loss = (f"Train loss fell from {number(first_loss)} to {number(state['trainLoss'])} over 120 steps; "
            f"test loss {number(state['testLoss'])}.")  # fmt: skip
    assert lab.page.get_by_test_id("boundary").get_attribute("aria-label") == f"The boundary plot. {boundary}"
    assert lab.page.get_by_test_id("loss-chart").get_attribute("aria-label").endswith(loss)
    lab.page.keyboard.press("d")  # Describe: once, into the live region
    announce = lab.page.get_by_test_id("announce")
    lab.page.wait_for_function("document.querySelector('[data-testid=announce]').textContent.length > 0")
    assert announce.inner_text() == f"Step 120, epoch {state['epoch']}. {boundary} {loss}"
    assert announce.get_attribute("aria-live") == "polite"
    # Each neuron's heatmap: the share of the plane it is positive on, its range (as 4 decimals, as drawn).
    first_layer = cpython.model.layers[0]
    for i, neuron in enumerate(first_layer.neurons):
        h = [round(math.tanh(neuron.b.data + sum(w.data * x for w, x in zip(neuron.w, p))), 4)
             for p in plane_points(state["domain"])]  # fmt: skip
        share = round(100 * sum(v > 0 for v in h) / len(h))
        label = lab.page.locator(f"[data-neuron='layers.0.neurons.{i}']").get_attribute("aria-label")
        assert label.endswith(f"positive on {share}% of the plane, from {number(min(h))} to {number(max(h))}"), label
        assert label.startswith(f"neuron {i + 1} of layer 1, h super 1 sub {i + 1}: bias ")
    # Playing says nothing: the live region changes only on request.
    lab("window.lab.play()")
    lab.page.wait_for_function("Number(document.querySelector('[data-testid=step-count]').textContent) > 160")
    lab("window.lab.pause()")
    lab.page.wait_for_function("!window.lab.worker.busy")
    assert announce.inner_text() == f"Step 120, epoch {state['epoch']}. {boundary} {loss}"


def test_the_data_table_holds_every_point_with_its_class_in_words(lab):
    lab("c => window.lab.configure(c)", {**RUN, "samples": 100})
    summary = lab.page.get_by_text("In words, and the data as a table")
    if lab("!document.getElementById('in-words').open"):
        summary.click()
    rows = lab(
        "[...document.querySelectorAll('#data-table tr')].slice(1).map(r => [...r.cells].map(c => c.textContent))"
    )
    state = lab.state()
    expected = [[name, number(r[0]), number(r[1]), "1 (blue square)" if r[2] == 1 else "0 (orange circle)"]
                for name, key in (("train", "train"), ("test", "test")) for r in state["data"][key]]  # fmt: skip
    assert [[s, float(a), float(b), c] for s, a, b, c in rows] == [
        [s, float(a), float(b), c] for s, a, b, c in expected
    ]
    summary.click()


def class_colours() -> dict[str, tuple[int, int, int]]:
    """The classes' colours as the page paints them (lab/web/js/draw.js's ORANGE and BLUE)."""
    text = DRAW_JS.read_text()
    return {name: tuple(int(c) for c in re.search(rf"{name} = \[(\d+), (\d+), (\d+)\]", text).groups())
            for name in ("ORANGE", "BLUE")}  # fmt: skip


@pytest.mark.parametrize("deficiency", sorted(MACHADO_2009))
def test_the_class_colours_stay_far_apart_for_each_colour_vision_deficiency(deficiency):
    """Machado 2009 at severity 1 (a dichromat), then CIEDE2000: the classes stay >= 40 apart (2.3 is
    a just noticeable difference). Without simulation they are 53.6 apart; protanopia 55.4,
    deuteranopia 62.0, tritanopia 63.5."""
    colours = class_colours()
    seen = [lab_of_linear(simulate(colours[name], deficiency)) for name in ("ORANGE", "BLUE")]
    assert delta_e_2000(*seen) >= CLASS_COLOURS_DELTA_E


def test_the_classes_differ_in_shape_too(lab):
    """Class 1 is a square, class 0 a circle: a corner of the square lies outside the circle."""
    inside = lab("""() => import('./js/draw.js').then(({ markPoint }) => [true, false].map(square => {
        const canvas = new OffscreenCanvas(40, 40), context = canvas.getContext('2d');
        markPoint(context, 20, 20, 10, square);
        context.fill();
        return context.getImageData(27, 27, 1, 1).data[3] > 0;
    }))""")
    assert inside == [True, False]


def test_reduced_motion_turns_the_step_modes_play_off(chromium, site):  # noqa: F811
    opened = Opened(chromium, site, (1024, 768))
    try:
        opened.page.emulate_media(reduced_motion="reduce")
        opened("window.lab.derivation.open('layers.0.neurons.0.w.0')")
        opened.page.locator("#tab-button-steps").click()
        assert opened.page.locator("#sm-play").is_disabled()
        opened.page.emulate_media(reduced_motion="no-preference")
        opened.page.wait_for_function("!document.getElementById('sm-play').disabled")  # the media query's change
    finally:
        opened.close()


@pytest.mark.parametrize("viewport", [(320, 640), (640, 360)])  # 320 px wide; 1280x720 at 200% zoom
def test_nothing_scrolls_sideways_at_320_px_and_200_percent(chromium, site, viewport):  # noqa: F811
    opened = Opened(chromium, site, viewport)
    sideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    try:
        assert opened(sideways) <= 0, "cold"
        opened("window.lab.derivation.open('layers.0.neurons.0.w.0')")
        for tab in ("chain", "steps", "matrices", "console", "exercise"):
            opened.page.locator(f"#tab-button-{tab}").click()
            opened.page.wait_for_function("!window.lab.worker.busy")
            assert opened(sideways) <= 0, tab
        widths = opened("""[...document.querySelectorAll('.lab > section:not([hidden])')]
                           .map(s => s.getBoundingClientRect()).map(r => [r.left, r.right])""")
        assert all(left >= 0 and right <= viewport[0] for left, right in widths)  # the panels stack
    finally:
        opened.close()
