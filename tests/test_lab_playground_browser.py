"""Playground's settings in the Lab in Debian's chromium (served on 127.0.0.1 as tests/test_lab_browser.py
serves it, every other host blocked and asserted absent): the features column, L1, three classes. The
page's numbers are checked against CPython's lab.session on the same settings."""

import pytest

from lab.config import DEFAULTS
from lab.session import CLASS_POINTS, Lab
from tests.test_lab_browser import Opened, site  # noqa: F401  (site: the fixture that builds and serves lab/dist)

CLASS_COLOURS = [(245, 147, 34), (8, 119, 189), (150, 30, 30), (86, 180, 233), (40, 40, 110)]  # draw.js's
WHITE = (232, 234, 235)


@pytest.fixture(scope="module")
def lab(chromium, site):  # noqa: F811
    opened = Opened(chromium, site, (1024, 768))
    yield opened
    opened.close()


def weights_agree(page_state: dict, cpython: Lab, tolerance: float = 1e-12) -> bool:
    ours = cpython.model.state_dict()
    return page_state["model"].keys() == ours.keys() and all(
        abs(page_state["model"][k] - v) <= tolerance for k, v in ours.items()
    )


def test_the_features_column_toggles_and_the_diagram_gains_the_feature_nodes(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "circles", "hidden": [3]})
    inputs = "[...document.querySelectorAll('#diagram [data-input]')].map(e => e.dataset.input)"
    assert lab(inputs) == ["x1", "x2"]
    for name in ("x1^2", "x2^2"):
        lab.page.get_by_test_id(f"feature-{name}").check()
        lab.page.wait_for_function(f"document.querySelector(\"#diagram [data-input='{name}']\") !== null")
    lab.page.get_by_test_id("feature-x1").uncheck()
    lab.page.wait_for_function("document.querySelectorAll('#diagram [data-input]').length === 3")
    assert lab(inputs) == ["x2", "x1^2", "x2^2"]
    state = lab.state()
    assert state["config"]["features"] == ["x2", "x1^2", "x2^2"]
    assert "features=x2,x1%5E2,x2%5E2" in lab("location.search")
    tags = lab("[...document.querySelectorAll('#diagram [data-input] .tag')].map(e => e.textContent)")
    assert tags == ["x₂", "x₁²", "x₂²"]
    # Each feature's heatmap is drawn: its canvas has colour.
    painted = lab("""[...document.querySelectorAll('#features canvas')].map(c => {
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        return d.some((v, i) => i % 4 === 3 && v > 0); })""")
    assert painted == [True] * 7
    # The chain rule of the weight from x1^2 shows the feature as a node of the graph, x₁·x₁.
    derivation = lab("window.lab.explain('layers.0.neurons.0.w.1')")
    assert "x₁·x₁" in derivation["dot"]
    lab("window.lab.step(30)")
    cpython = Lab(state["config"])
    cpython.step(30)
    assert weights_agree(lab.state(), cpython, 1e-13)
    assert derivation["gradient"] == pytest.approx(Lab(state["config"]).explain("layers.0.neurons.0.w.1")["gradient"])


def test_l1_is_a_control_and_the_page_trains_as_cpython_does(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 2, "hidden": [4]})
    lab("window.lab.step(5)")
    lab.page.get_by_test_id("l1").select_option("0.01")
    lab.page.wait_for_function("window.lab.worker && !window.lab.worker.busy")
    lab.page.wait_for_function("location.search.includes('l1=0.01')")
    state = lab.state()
    assert state["config"]["l1"] == 0.01 and state["step"] == 5  # in place: the run goes on
    lab("window.lab.step(15)")
    cpython = Lab({**DEFAULTS, "seed": 2, "hidden": [4]})
    cpython.step(5)
    cpython.configure({"l1": 0.01})
    cpython.step(15)
    assert weights_agree(lab.state(), cpython, 1e-13)
    derivation = lab("window.lab.explain('layers.1.neurons.0.w.0')")
    assert "L₁ penalty" in derivation["dot"]


def test_three_classes_show_three_colours_on_the_boundary(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "spirals", "hidden": [8, 8], "optimizer": "adam",
                                    "learningRate": 0.03})  # fmt: skip
    lab.page.get_by_test_id("classes").select_option("3")
    lab.page.wait_for_function("document.querySelectorAll('.output-node').length === 3")
    state = lab.state()
    assert state["config"]["classes"] == 3 and state["config"]["loss"] == "cross_entropy"
    # Each output neuron is tagged with its class, right of it, inside the diagram, the tags apart.
    tags = [lab.page.get_by_test_id(f"class-tag-{k}") for k in range(3)]
    assert [tag.inner_text() for tag in tags] == ["0", "1", "2"]
    assert [tag.get_attribute("title") for tag in tags] == [f"class {k} ({CLASS_POINTS[k]})" for k in range(3)]
    diagram = lab.page.locator("#diagram").bounding_box()
    boxes = [tag.bounding_box() for tag in tags]
    neurons = [lab.page.locator(".output-node").nth(k).bounding_box() for k in range(3)]
    for box, neuron in zip(boxes, neurons):
        assert box["x"] >= neuron["x"] + neuron["width"] and box["x"] + box["width"] <= diagram["x"] + diagram["width"]
        assert neuron["y"] <= box["y"] + box["height"] / 2 <= neuron["y"] + neuron["height"]
    assert all(a["y"] + a["height"] <= b["y"] for a, b in zip(boxes, boxes[1:]))
    lab("window.lab.step(300)")
    # Each output neuron's picture is its class's probability, from white to that class's colour:
    # every pixel on that segment, and the class's own colour strong somewhere.
    for k in range(3):
        pixels = lab(
            """k => { const c = document.querySelectorAll('.output-node > canvas')[k];
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, out = [];
            for (let i = 0; i < d.length; i += 4 * 5) if (d[i + 3] === 255) out.push([d[i], d[i + 1], d[i + 2]]);
            return out; }""",
            k,
        )
        shares = []
        assert len(pixels) > 50, k  # painted, not transparent
        for pixel in pixels:
            t = max(range(3), key=lambda i: abs(CLASS_COLOURS[k][i] - WHITE[i]))  # the channel that moves most
            share = (pixel[t] - WHITE[t]) / (CLASS_COLOURS[k][t] - WHITE[t])
            expected = [w + (c - w) * share for c, w in zip(CLASS_COLOURS[k], WHITE)]
            assert all(abs(a - b) <= 3 for a, b in zip(pixel, expected)), (k, pixel, expected)
            shares.append(share)
        assert -0.02 <= min(shares) and max(shares) <= 1.02 and max(shares) > 0.8, (k, min(shares), max(shares))
    lab.page.locator("#discrete").check()  # each cell in its class's colour at the plane's strength
    counts = lab(
        """colours => {
        const c = document.getElementById('boundary');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const counts = colours.map(() => 0);
        for (let i = 0; i < d.length; i += 4) {
            colours.forEach((rgb, k) => {
                if (rgb.every((v, j) => Math.abs(d[i + j] - v) <= 2)) counts[k] += 1;
            });
        }
        return counts.map(n => n / (d.length / 4));
    }""",
        [[round(w + (c - w) * 0.7) for c, w in zip(colour, WHITE)] for colour in CLASS_COLOURS],
    )
    assert all(share > 0.1 for share in counts[:3]), counts  # three classes, each a good part of the plane
    assert counts[3] == counts[4] == 0
    # The per-class accuracy is shown, and is CPython's.
    cpython = Lab(state["config"])
    cpython.step(300)
    page = lab.state()
    assert weights_agree(page, cpython, 1e-12)
    assert page["classAccuracy"]["test"] == pytest.approx(cpython.summary()["classAccuracy"]["test"])
    text = lab.page.get_by_test_id("class-accuracy").inner_text()
    assert text.startswith("test accuracy per class: 0 (orange circle) ") and "2 (dark red triangle)" in text
    # The chain rule of an output's bias: softmax's derivative p - onehot, CPython's.
    derivation = lab("window.lab.explain('layers.2.neurons.1.b', 0)")
    assert any(
        rule.startswith("d log p_k/dz_j = [j = k] - p_j") for rule in derivation["rules"]
    )  # one node, every class
    assert derivation["gradient"] == pytest.approx(cpython.explain("layers.2.neurons.1.b", 0)["gradient"], abs=1e-12)
    lab.page.locator("#discrete").uncheck()
    lab.page.get_by_test_id("dataset").select_option("moons")  # 2 classes again, with a notice
    lab.page.wait_for_function("document.querySelectorAll('.output-node').length === 2")
    assert lab.state()["config"]["classes"] == 2


def test_a_regression_on_the_plane_draws_a_continuous_scale_as_cpython_trains_it(lab):
    config = {
        **DEFAULTS,
        "dataset": "gaussians",
        "loss": "mse",
        "hidden": [6],
        "optimizer": "adam",
        "learningRate": 0.03,
    }
    lab("c => window.lab.configure(c)", config)
    lab("window.lab.step(100)")
    cpython = Lab(lab.state()["config"])
    cpython.step(100)
    state = lab.state()
    assert state["config"]["loss"] == "mse" and state["testAccuracy"] is None
    assert weights_agree(state, cpython, 1e-12)
    assert all(len(row) == 3 and -1 <= row[2] <= 1 for row in state["data"]["train"])
    shades = lab("""() => {
        const c = document.getElementById('boundary');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < d.length; i += 4 * 7) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
        return seen.size;
    }""")
    assert shades > 100  # a continuous scale, not two classes' colours
    assert lab.page.get_by_test_id("describe-boundary").text_content().startswith("The fitted surface: train loss")


def test_a_regression_point_of_target_near_0_shows_on_the_pale_plane(lab):
    # Its fill is the scale's near-white, as is the plane where the fit is near 0: the ring around
    # it must stand out from the fill (3:1, WCAG's figure for a graphic), train's and test's alike.
    from tests.a11y import contrast_ratio

    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "gaussians", "loss": "mse"})
    lab.page.locator("#show-test").check()
    lab.page.wait_for_function("!window.lab.worker.busy")
    state = lab.state()
    x0, x1, y0, y1 = state["domain"]
    for part in ("train", "test"):
        rows = state["data"][part]
        others = state["data"]["train"] + state["data"]["test"]

        def alone(row, rows=others):  # no other point within 4 % of the plane's width, none of the ticks' corners
            inner = x0 + 0.15 * (x1 - x0) < row[0] < x1 - 0.15 * (x1 - x0) and y0 + 0.15 * (y1 - y0) < row[1]
            return inner and all(r is row or (r[0] - row[0]) ** 2 + (r[1] - row[1]) ** 2 > 0.5**2 for r in rows)

        row = min((r for r in rows if alone(r)), key=lambda r: abs(r[2]))
        assert abs(row[2]) < 0.05, row
        fill, darkest = lab(
            """([x, y, domain]) => {
            const c = document.getElementById('boundary'), box = c.getBoundingClientRect();
            const k = c.width / box.width, radius = Math.max(3, Math.min(box.width, box.height) / 70);
            const cx = (x - domain[0]) / (domain[1] - domain[0]) * box.width;
            const cy = box.height - (y - domain[2]) / (domain[3] - domain[2]) * box.height;
            const g = c.getContext('2d');
            const at = (px, py) => [...g.getImageData(Math.round(px * k), Math.round(py * k), 1, 1).data].slice(0, 3);
            const lum = ([r, gr, b]) => 0.2126 * r + 0.7152 * gr + 0.0722 * b;
            let darkest = at(cx, cy);
            for (let a = 0; a < 2 * Math.PI; a += Math.PI / 24) {
                const p = at(cx + radius * Math.cos(a), cy + radius * Math.sin(a));
                if (lum(p) < lum(darkest)) darkest = p;
            }
            return [at(cx, cy), darkest];
        }""",
            [row[0], row[1], state["domain"]],
        )
        assert contrast_ratio(tuple(fill), tuple(darkest)) >= 3, (part, row, fill, darkest)
    # The scale and the rings are said under the plane; not for classes.
    legend = lab.page.get_by_test_id("scale-legend")
    assert legend.is_visible() and "train points ringed grey, test points black" in legend.inner_text()
    bar = legend.locator(".scale-bar").evaluate("e => getComputedStyle(e).backgroundImage")
    assert "rgb(245, 147, 34)" in bar and "rgb(8, 119, 189)" in bar  # draw.js's ends of the scale
    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "moons"})
    assert legend.is_hidden()


def test_editing_a_weight_changes_the_next_steps_loss_as_cpython_computes(lab):
    config = {**DEFAULTS, "seed": 5, "hidden": [3]}
    lab("c => window.lab.configure(c)", config)
    lab("window.lab.step(10)")
    lab.page.locator("#edges path[data-param='layers.0.neurons.1.w.0']").dispatch_event("click")
    editor = lab.page.get_by_test_id("weight-editor")
    editor.wait_for(state="visible")
    assert lab.page.get_by_test_id("weight-name").inner_text() == "w⁽¹⁾₂₁"
    lab.page.get_by_test_id("weight-value").fill("-3")
    lab.page.get_by_test_id("weight-set").click()
    lab.page.wait_for_function("document.querySelector('[data-testid=edited]').textContent.includes('1 weight')")
    state = lab.state()
    assert state["model"]["layers.0.neurons.1.w.0"] == -3.0 and state["edits"] == [[10, "layers.0.neurons.1.w.0", -3]]
    assert "step=10&edits=10:layers.0.neurons.1.w.0:-3.0" in lab("location.search")  # the URL says so
    cpython = Lab(config)
    cpython.step(10)
    unedited = Lab(config)
    unedited.step(11)
    cpython.set_parameter("layers.0.neurons.1.w.0", -3.0)
    assert weights_agree(state, cpython)
    lab("window.lab.step(1)")
    cpython.step(1)
    after = lab.state()
    assert after["trainLoss"] == pytest.approx(cpython.summary()["trainLoss"], abs=1e-13)
    assert abs(after["trainLoss"] - unedited.summary()["trainLoss"]) > 1e-3  # the edit changed it
    assert weights_agree(after, cpython, 1e-13)


def test_a_copied_link_opened_in_a_second_page_shows_the_same_step_weights_and_panel(lab, chromium, site):  # noqa: F811
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 9, "features": ["x1", "x2", "x1x2"], "l1": 0.001})
    lab("window.lab.step(12)")
    lab("window.lab.addPoint(0.1, 0.2, 1)")
    lab("window.lab.setParameter('layers.1.neurons.1.b', 0.5)")
    lab("window.lab.step(5)")
    lab("window.lab.derivation.open('layers.2.neurons.0.w.1', 'steps')")
    lab.page.wait_for_function("window.lab.derivation.current && !window.lab.worker.busy")
    url = lab("window.lab.link()")
    assert url.startswith(site) and "step=17" in url and "points=" in url and "panel=steps" in url
    lab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.rstrip("/"))
    lab.page.get_by_test_id("copy-link").click()  # the button: the same link, on the clipboard
    lab.page.get_by_test_id("message").filter(has_text="Link copied").wait_for()
    assert lab("navigator.clipboard.readText()") == url
    first = lab.state()
    second = Opened(chromium, url, (1024, 768))
    try:
        second.page.wait_for_function("window.lab.derivation.current && !window.lab.worker.busy")
        state = second.state()
        assert state["step"] == 17 and state["model"] == first["model"] and state["edits"] == first["edits"]
        assert state["data"] == first["data"] and state["config"] == first["config"]
        panel = second("(d => [d.tab, d.current.parameter, d.current.gradient])(window.lab.derivation)")
        assert panel == ["steps", "layers.2.neurons.0.w.1", lab("window.lab.derivation.current.gradient")]
        assert second.page.locator("#tab-steps").is_visible()
    finally:
        second.close()
    lab("window.lab.derivation.close()")


def test_at_1024_the_layers_buttons_never_cover_each_other_or_a_neuron(lab):
    """Two layers of 8 beside the features column (a teacher's look found one layer's − over the next's +)."""
    for hidden in ([8, 8], [8, 8, 8, 8], [4]):
        lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "spirals", "hidden": hidden})
        lab.page.wait_for_function(f"document.querySelectorAll('.column-controls').length === {len(hidden)}")
        boxes = lab(
            """() => [...document.querySelectorAll('.column-controls button, .network .node')].map(e => {
                const r = e.getBoundingClientRect();
                return [r.left, r.top, r.right, r.bottom, e.tagName];
            })"""
        )
        buttons = [b for b in boxes if b[4] == "BUTTON"]
        assert len(buttons) == 2 * len(hidden)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                if "BUTTON" in (a[4], b[4]):  # neurons are laid out apart already; the buttons among them
                    apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
                    assert apart, (hidden, a, b)


def test_a_class_the_network_mostly_gets_wrong_is_in_bold(lab):
    # Five blobs through the default 4-2 network: a class squeezed out by the 2-neuron layer is the
    # one to point at, so its test accuracy stands out from the others'.
    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "blobs", "classes": 5, "loss": "cross_entropy"})
    lab("window.lab.step(100)")
    accuracy = lab.state()["classAccuracy"]["test"]
    weak = [k for k, a in enumerate(accuracy) if a is not None and a < 0.5]
    assert weak, accuracy  # the case the bold is for
    shown = lab.page.get_by_test_id("class-accuracy").locator("strong").all_inner_texts()
    assert shown == [f"{k} ({CLASS_POINTS[k]}) {100 * accuracy[k]:.0f}%" for k in weak]
