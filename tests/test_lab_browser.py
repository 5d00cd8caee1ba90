"""The Lab in a real browser: Debian's chromium driven by Playwright, the site built by
lab/build.py and served on 127.0.0.1. Requests to any other host are blocked, recorded
and asserted absent. The numbers the page trains are checked against CPython's `nn`."""

import math
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

import nn
from autograd.engine import topological_order
from lab.config import DEFAULTS, to_query
from lab.session import Lab
from tests.conftest import IN_CI
from tests.test_lab_session import reference_run

LAB = Path(__file__).resolve().parent.parent / "lab"
SHOTS = Path(os.environ.get("LAB_SCREENSHOTS", "/tmp/lab-screenshots"))


@pytest.fixture(scope="module")
def site():
    """lab/dist, built (or found up to date), served on a free port of 127.0.0.1."""
    from lab.build import build
    from lab.serve import serve_in_thread

    if shutil.which("npm") is None and not (LAB / "dist" / "index.html").exists():
        if IN_CI:
            pytest.fail("CI must have npm to build the Lab (apt-get install nodejs npm)")
        pytest.skip("no npm here to build the Lab: apt-get install nodejs npm")
    build(LAB / "dist", if_needed=True)
    httpd, url = serve_in_thread(LAB / "dist")
    yield url
    httpd.shutdown()
    httpd.server_close()


class Opened:
    """A page of the Lab, its console errors and the requests it tried to send elsewhere."""

    def __init__(self, chromium, url, viewport=(1280, 720)):
        self.context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.elsewhere, self.errors, self.requests = [], [], []
        self.context.route("**/*", self._only_loopback)  # the context's routes see the worker's requests too
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(url)
        self.page.evaluate("window.lab.ready")

    def _only_loopback(self, route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.abort()

    def __call__(self, script, arg=None):
        return self.page.evaluate(script, arg)

    def state(self):
        return self("window.lab.state()")

    def close(self):
        assert self.elsewhere == [], f"the page tried to reach other hosts: {self.elsewhere}"
        assert self.errors == [], f"uncaught errors on the page: {self.errors}"
        self.context.close()


@pytest.fixture(scope="module")
def lab(chromium, site):
    """One page shared by the tests that set their own configuration first."""
    opened = Opened(chromium, site)
    yield opened
    opened.close()


@pytest.fixture
def fresh(chromium, site):
    """fresh(query) -> a newly opened page at the site's URL + query."""
    pages = []

    def open_page(query=""):
        pages.append(Opened(chromium, site + query))
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


def message(lab, containing: str) -> str:
    """The page's message, once it contains `containing` (or the wait times out)."""
    box = lab.page.get_by_test_id("message")
    box.filter(has_text=containing).wait_for(state="visible", timeout=10_000)
    return box.inner_text()


def test_the_page_loads_python_from_its_own_host_only(fresh):
    lab = fresh()
    assert lab.page.get_by_test_id("loading").is_hidden()
    hosts = {urlparse(url).hostname for url in lab.requests}
    assert hosts == {"127.0.0.1"}
    assert any(url.endswith("pyodide.asm.wasm") for url in lab.requests)
    assert any(url.endswith("lab-python.zip") for url in lab.requests)  # the worker's own fetches are seen
    state = lab.state()
    assert state["config"] == DEFAULTS and state["step"] == 0
    assert len(state["data"]["train"]) == 250 and len(state["data"]["test"]) == 250


def test_configure_and_step_train_moons_to_95_percent(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "moons", "seed": 1, "optimizer": "adam",
                                    "learningRate": 0.03, "hidden": [6, 4]})  # fmt: skip
    lab("window.lab.step(500)")
    state = lab.state()
    assert state["testAccuracy"] >= 0.95 and state["step"] == 500 and state["epoch"] == 20
    assert lab.page.get_by_test_id("step-count").inner_text() == "500"
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / "lab-moons.png")


def test_the_browsers_weights_are_cpythons(lab):
    config = {**DEFAULTS, "seed": 11, "hidden": [4, 2], "loss": "hinge", "batchSize": 10, "l2": 0.001}
    lab("c => window.lab.configure(c)", config)
    lab("window.lab.step(20)")
    state = lab.state()
    expected = reference_run(nn.data.make_moons(500, 0.1, seed=11), config, 20)
    assert state["model"].keys() == expected.keys()
    assert all(abs(state["model"][k] - v) <= 1e-9 for k, v in expected.items())
    assert state["data"]["train"][0][:2] == list(nn.data.train_test_split(
        *nn.data.make_moons(500, 0.1, seed=11), 0.5, seed=11)[0][0])  # fmt: skip


def test_clicking_the_plane_adds_a_point_and_shift_click_removes_it(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 2, "samples": 100})
    before = lab.state()
    plane = lab.page.get_by_test_id("boundary")
    box = plane.bounding_box()
    lab.page.get_by_label("add").nth(1).check()  # class 1
    plane.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    after = lab.state()
    assert len(after["data"]["train"]) == len(before["data"]["train"]) + 1
    x0, x1, y0, y1 = after["domain"]
    added = after["data"]["train"][-1]
    assert added[2] == 1
    assert added[0] == pytest.approx(x0 + 0.25 * (x1 - x0), abs=0.02 * (x1 - x0))
    assert added[1] == pytest.approx(y1 - 0.75 * (y1 - y0), abs=0.02 * (y1 - y0))
    plane.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75}, modifiers=["Shift"])
    assert lab.state()["data"]["train"] == before["data"]["train"]


def test_the_url_holds_the_configuration(fresh):
    config = {**DEFAULTS, "dataset": "spirals", "hidden": [16, 16], "learningRate": 0.003, "seed": 42,
              "optimizer": "adam", "activation": "relu", "batchSize": 25}  # fmt: skip
    lab = fresh("?" + to_query(config))
    assert lab.state()["config"] == config
    assert len(lab.page.locator("[data-neuron]").all()) == 16 + 16 + 1
    lab("window.lab.configure({hidden: [3], l2: 0.01})")
    query = lab("location.search")
    assert query == "?" + to_query({**config, "hidden": [3], "l2": 0.01})
    again = fresh(query)
    lab("window.lab.step(5)")
    again("window.lab.step(5)")
    assert again.state()["model"] == lab.state()["model"]  # the same run, from the link alone


def test_a_bad_link_falls_back_to_defaults_with_a_notice(fresh):
    lab = fresh("?dataset=mnist&learningRate=fast&hidden=4,2")
    assert lab.state()["config"] == DEFAULTS
    text = message(lab, "The link's settings")
    assert "dataset='mnist' cannot be used" in text and "learningRate='fast'" in text


def test_the_page_stays_alive_while_the_worker_trains(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    ticks = lab("""async () => {
        let ticks = 0;
        const timer = setInterval(() => ticks++, 20);
        const started = performance.now();
        await window.lab.step(2000);
        clearInterval(timer);
        return [ticks, performance.now() - started];
    }""")
    count, elapsed = ticks
    assert elapsed > 500  # long enough to tell
    assert count >= 0.5 * elapsed / 20, f"{count} ticks of 20 ms in {elapsed:.0f} ms: the main thread was blocked"


def test_a_csv_with_a_bad_row_says_which_line(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 4})
    before = lab.state()["data"]
    lab.page.locator("details.csv summary").click()
    lab.page.get_by_test_id("csv-text").fill("x1,x2,label\n0,0,1\n1,1,maybe\n")
    lab.page.get_by_test_id("csv-load").click()
    message(lab, "CSV line 3: '1,1,maybe' is not x1,x2,label numbers")
    assert lab.state()["data"] == before
    lab.page.get_by_test_id("csv-text").fill("x1,x2,label\n0,0,1\n1,1,0\n2,0,1\n0,2,0\n")
    lab.page.get_by_test_id("csv-load").click()
    lab.page.get_by_text("Loaded 4 rows").wait_for()
    state = lab.state()
    assert len(state["data"]["train"]) + len(state["data"]["test"]) == 4 and state["customData"]


def test_a_diverging_learning_rate_stops_play_and_says_so(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "activation": "identity", "loss": "mse", "learningRate": 10,
                                    "batchSize": 50})  # fmt: skip
    lab.page.get_by_test_id("play").click()
    assert "learning rate 10 is too large" in message(lab, "Training stopped at step")
    lab.page.wait_for_function("!window.lab.playing")
    assert lab.page.get_by_test_id("play").get_attribute("aria-pressed") == "false"
    state = lab.state()
    assert state["stopped"] and all(math.isfinite(v) for v in state["model"].values())
    lab.page.get_by_test_id("reset").click()
    lab.page.wait_for_function("document.querySelector('[data-testid=step-count]').textContent === '0'")


def test_a_refused_setting_shows_its_message_and_changes_nothing(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    error = lab("window.lab.configure({hidden: 'many'}).then(() => null, e => e.message)")
    assert error.startswith("hidden must be a list")
    lab.page.get_by_test_id("batch-size").fill("2.5")
    lab.page.get_by_test_id("batch-size").press("Enter")
    message(lab, "batchSize must be a whole number")
    assert lab.page.get_by_test_id("batch-size").input_value() == "10"
    assert lab.state()["config"] == DEFAULTS


def test_the_controls_drive_the_run(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    page = lab.page
    page.get_by_test_id("add-layer").click()
    page.wait_for_function("document.querySelectorAll('[data-neuron]').length === 4 + 2 + 2 + 1")
    page.get_by_test_id("add-neuron-2").click()
    page.wait_for_function("document.querySelectorAll('[data-neuron]').length === 4 + 2 + 3 + 1")
    assert lab.state()["config"]["hidden"] == [4, 2, 3]
    page.get_by_test_id("remove-layer").click()
    page.get_by_test_id("learning-rate").select_option("0.03")
    page.get_by_test_id("dataset").select_option("circles")
    page.wait_for_function("window.lab.state().then(s => s.config.dataset === 'circles')")
    assert {k: lab.state()["config"][k] for k in ("hidden", "learningRate")} == {"hidden": [4, 2], "learningRate": 0.03}
    page.get_by_test_id("step").click()
    page.wait_for_function("document.querySelector('[data-testid=step-count]').textContent === '1'")
    page.locator("body").press("ArrowRight")
    page.wait_for_function("document.querySelector('[data-testid=step-count]').textContent === '2'")
    lab("document.activeElement.blur()")  # Space on a focused button presses it (Step, here)
    page.locator("body").press(" ")  # Space elsewhere: play
    page.wait_for_function("window.lab.playing && window.lab.stats.framesPerSecond !== null")
    page.locator("body").press(" ")
    page.wait_for_function("!window.lab.playing")
    assert lab.state()["step"] > 2
    edges = page.locator("[data-param]")
    assert edges.count() == 2 * 4 + 4 * 2 + 2 * 1
    first = edges.first.get_attribute("data-param")
    assert first == "layers.0.neurons.0.w.0"
    weight = lab.state()["model"][first]
    name, shown = edges.first.locator("title").text_content().split(" = ")
    assert name == first and float(shown) == pytest.approx(weight, rel=5e-4)  # 4 significant digits
    lab("c => window.lab.configure(c)", {**DEFAULTS, "hidden": [12, 2]})  # more than + offers, as a link may
    page.get_by_test_id("remove-neuron-0").click()
    page.wait_for_function("window.lab.state().then(s => s.config.hidden[0] === 11)")


def test_the_function_dataset_fits_a_curve(lab):
    config = {**DEFAULTS, "dataset": "function", "loss": "mse", "optimizer": "adam", "learningRate": 0.03,
              "hidden": [8, 8], "samples": 60}  # fmt: skip
    lab("c => window.lab.configure(c)", config)
    start = lab.state()["trainLoss"]
    lab("window.lab.step(400)")
    state = lab.state()
    assert state["config"]["loss"] == "mse" and state["trainLoss"] < 0.1 * start
    assert all(len(row) == 2 for row in state["data"]["train"])
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / "lab-function.png")


def test_playing_reports_its_speed(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    lab("window.lab.play()")
    started = time.monotonic()
    lab.page.wait_for_function("window.lab.stats.framesPerSecond !== null && window.lab.state")
    lab.page.wait_for_timeout(1500)
    lab("window.lab.pause()")
    stats = lab("window.lab.stats")
    assert time.monotonic() - started >= 1.5
    assert stats["stepsPerSecond"] > 0 and stats["framesPerSecond"] > 0
    assert lab.page.locator("#speed").inner_text().isdigit()


# --- the chain rule of any weight, the step mode, the console --------------------------------


def test_explain_in_the_browser_is_the_engines_gradient(lab):
    config = {**DEFAULTS, "seed": 6, "optimizer": "adam", "learningRate": 0.02, "l2": 0.001}
    lab("c => window.lab.configure(c)", config)
    lab("window.lab.step(20)")
    state = lab.state()
    model = nn.MLP(2, [4, 2, 1], "tanh")
    model.load_state_dict(state["model"])  # the browser's weights, in CPython
    reference = Lab(config)  # the same run in CPython, for the optimizer's state
    reference.step(20)
    assert reference.model.state_dict() == pytest.approx(state["model"], abs=1e-12, rel=0)
    for name, example in [("layers.0.neurons.0.w.1", 0), ("layers.1.neurons.1.b", 3), ("layers.2.neurons.0.w.0", 17)]:
        d = lab("([n, e]) => window.lab.explain(n, e)", [name, example])
        row = state["data"]["train"][example]
        model.zero_grad()
        nn.logistic_loss([model(row[:2])], [2 * row[2] - 1]).backward()
        expected = dict(model.named_parameters())[name].grad
        assert d["parameter"] == name and d["example"] == example
        assert d["gradient"] == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert d["pathSum"] == pytest.approx(d["gradient"], rel=1e-12, abs=1e-15)
        assert sum(p["product"] for p in d["paths"]) == pytest.approx(d["pathSum"], rel=1e-12, abs=1e-15)
        per_example = [e["gradient"] for e in d["batch"]]
        assert d["batchGradient"] == pytest.approx(sum(per_example) / len(per_example), rel=1e-12, abs=1e-15)
        update = reference.explain(name, example)["update"]
        assert d["update"]["after"] == pytest.approx(update["after"], rel=1e-12) and d["update"]["optimizer"] == "Adam"
        assert d["steps"] == reference.explain(name, example)["steps"][: len(d["steps"])] and d["steps"]
    lab("window.lab.step(1)")
    assert lab.state()["model"]["layers.2.neurons.0.w.0"] == pytest.approx(
        reference.explain("layers.2.neurons.0.w.0", 0)["update"]["after"], rel=1e-12
    )  # the update shown was the step taken


def click_edge(lab, param, at=0.3):
    """Click the diagram's edge of weight `param`, on a point of its curve."""
    x, y = lab("""([param, at]) => {
        const path = document.querySelector(`[data-param="${param}"]`);
        const point = path.getPointAtLength(path.getTotalLength() * at);
        const box = path.ownerSVGElement.getBoundingClientRect();
        return [box.left + point.x, box.top + point.y];
    }""", [param, at])  # fmt: skip
    lab.page.mouse.click(x, y)


def test_clicking_an_edge_opens_its_derivation(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 8})
    lab("window.lab.step(10)")
    click_edge(lab, "layers.1.neurons.0.w.2")
    panel = lab.page.get_by_test_id("derivation")
    panel.wait_for(state="visible")
    lab.page.wait_for_function("window.lab.derivation.current?.parameter === 'layers.1.neurons.0.w.2'")
    assert lab.page.get_by_test_id("parameter").input_value() == "layers.1.neurons.0.w.2"
    graph = lab.page.get_by_test_id("derivation-graph").locator("svg")
    graph.wait_for()
    assert graph.locator("g.node.on-path").count() >= 5 and graph.locator("g.traced").count() == 1
    current = lab("window.lab.derivation.current")
    items = lab.page.get_by_test_id("chain-steps").locator("li").all_inner_texts()
    assert len(items) == len(current["steps"])
    for item, rule in zip(items, current["rules"]):  # each rule told apart from the step's numbers, once
        assert item.count(rule) == 1 and (item.endswith(f"(rule: {rule})") or "(rule:" not in item), item
    assert "the gradient backward() leaves in" in lab.page.get_by_test_id("chain-paths").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / "lab-derivation.png")
    lab.page.locator("[data-neuron='layers.0.neurons.3']").click()  # a neuron: its bias
    lab.page.wait_for_function("window.lab.derivation.current?.parameter === 'layers.0.neurons.3.b'")
    lab.page.get_by_test_id("derivation-close").click()
    assert panel.is_hidden()


def test_step_mode_plays_backward_edge_by_edge(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 9})
    lab("window.lab.step(5)")
    click_edge(lab, "layers.0.neurons.1.w.0")
    lab.page.wait_for_function("window.lab.derivation.current?.parameter === 'layers.0.neurons.1.w.0'")
    lab.page.get_by_test_id("step-mode-tab").click()
    d = lab("window.lab.derivation.current")
    forward, backward = len(d["forward"]), len(d["backward"])
    slider = lab.page.get_by_test_id("step-slider")
    assert slider.get_attribute("max") == str(forward + backward + 1)
    lab.page.locator("body").press("ArrowRight")
    assert lab.page.get_by_test_id("step-sentence").inner_text().startswith("forward: ")
    hot_edges = []
    for k in range(forward + 1, forward + backward + 1):
        lab("k => window.lab.derivation.goTo(k)", k)
        hot_edges.append(lab("document.querySelector('#derive-graph .hot-edge')?.id ?? ''"))
        assert lab.page.get_by_test_id("step-sentence").inner_text() == d["backward"][k - forward - 1]["sentence"]
    assert hot_edges[0] == ""  # the seed has no edge
    assert all(a != b for a, b in zip(hot_edges[1:], hot_edges[2:]) if a and b)  # each step its own edge
    assert len({e for e in hot_edges if e}) >= backward - 1 - sum(1 for r in d["backward"] if not r["edge"])
    # At the end of backward, the grads on the page are backward()'s, in CPython, on the same weights.
    state = lab.state()
    model = nn.MLP(2, [4, 2, 1], "tanh")
    model.load_state_dict(state["model"])
    row = state["data"]["train"][0]
    loss = nn.logistic_loss([model(row[:2])], [2 * row[2] - 1])
    loss.backward()
    order = topological_order(loss)
    shown = lab("""() => Object.fromEntries([...document.querySelectorAll('#derive-graph g.node')]
        .filter(g => /^value-\\d+$/.test(g.id))
        .map(g => [g.id, [...g.querySelectorAll('text')].pop().textContent]))""")  # fmt: skip
    assert len(shown) == len(order)
    for i, node in enumerate(order):
        assert shown[f"value-{i}"] == f"grad {node.grad:.4f}", f"value-{i}"
    lab.page.locator("body").press("End")
    assert lab.page.get_by_test_id("step-sentence").inner_text().startswith("update (SGD")
    updated = lab("""() => [...document.querySelectorAll('#derive-graph g.node.hot-update polygon')]
        .map(p => getComputedStyle(p).fill)""")  # filled as the legend's key for it says
    key = lab("getComputedStyle(document.querySelector('[data-testid=legend] .swatch-box.updated')).backgroundColor")
    assert updated and set(updated) == {key}, (updated, key)
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab("k => window.lab.derivation.goTo(k)", forward + 12)
    lab.page.screenshot(path=SHOTS / "lab-step-mode.png")


# --- the Matrices tab: the delta recursion layer by layer -------------------------------------

MATRICES = ("W", "b", "h_prev", "z", "h", "dphi", "upstream", "delta", "dW", "db")


def open_matrices(lab, example=0, over="example"):
    """The panel's Matrices tab for training example `example`, over one example or the batch, drawn."""
    if not lab("window.lab.derivation.isOpen"):
        lab.page.get_by_test_id("open-derivation").click()
        lab.page.wait_for_function("window.lab.derivation.current")
    lab.page.get_by_test_id("matrices-tab").click()
    lab.page.get_by_test_id("matrices-over").select_option(over)
    lab.page.get_by_test_id("example").fill(str(example))
    lab.page.get_by_test_id("example").press("Enter")
    batch = "true" if over == "batch" else "false"
    lab.page.wait_for_function(f"""(() => {{ const m = window.lab.derivation.matrices.current;
        return m && m.example === {example} && m.batch === {batch}; }})()""")
    lab.page.wait_for_function("!window.lab.worker.busy")


def shown_entries(lab):
    """Every matrix the tab shows, by its data-testid (those shown once more as a factor left out):
    [row, column, text, hover] of each entry, as on the page."""
    return lab("""() => Object.fromEntries([...document.querySelectorAll('#matrices-body figure.matrix')]
        .filter(f => !f.dataset.testid.endsWith('-T') && !f.dataset.testid.includes('-in-'))
        .map(f => [f.dataset.testid, [...f.querySelectorAll('td')].map(td =>
            [Number(td.dataset.i), Number(td.dataset.j), td.textContent, td.title])]))""")  # fmt: skip


def assert_entries_are(lab, view):
    """The tab's entries are `view`'s (CPython's nn.layer_view): to 4 significant digits, every digit on hover."""
    from autograd.views.notation import number

    shown = shown_entries(lab)
    assert len(shown) == len(MATRICES) * len(view.layers)
    for layer in view.layers:
        for name in MATRICES:
            values = [row if isinstance(row, list) else [row] for row in getattr(layer, name)]
            entries = shown[f"matrix-{layer.index}-{name}"]
            assert len(entries) == sum(len(row) for row in values), (layer.index, name)
            for i, j, text, hover in entries:
                value = values[i][j]
                assert text == number(value), (layer.index, name, i, j)
                assert float(hover.rsplit(" = ", 1)[1]) == pytest.approx(value, rel=1e-12, abs=1e-15)


def test_the_matrices_tab_shows_cpythons_layer_view_on_the_browsers_weights(lab):
    from nn.matrices import layer_view

    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 7})
    lab("window.lab.step(12)")
    open_matrices(lab, example=5)
    state = lab.state()
    model = nn.MLP(2, [4, 2, 1], "tanh")
    model.load_state_dict(state["model"])  # the browser's weights, in CPython
    row = state["data"]["train"][5]
    loss = nn.logistic_loss([model(row[:2])], [2 * row[2] - 1])
    loss.backward()
    assert_entries_are(lab, layer_view(loss, model, row[:2]))
    headings = lab("[...document.querySelectorAll('#matrices-body h4')].map(h => h.textContent)")
    assert headings == [
        "Layer 3, the output (φ = identity): W⁽³⁾ is n₃ × n₂ = 1 × 2",
        "Layer 2 (φ = tanh): W⁽²⁾ is n₂ × n₁ = 2 × 4",
        "Layer 1 (φ = tanh): W⁽¹⁾ is n₁ × n₀ = 4 × 2",
    ]  # fmt: skip  (from the output down)
    equations = lab(
        "[...document.querySelectorAll('[data-testid=matrices-layer-1] .mx-formula')].map(e => e.innerText)"
    )
    assert "δ⁽¹⁾ = φ'(z⁽¹⁾) ⊙ (W⁽²⁾ᵀδ⁽²⁾)" in equations and "∂L/∂W⁽¹⁾ = δ⁽¹⁾h⁽⁰⁾ᵀ" in equations
    open_matrices(lab, example=5, over="batch")  # the next step's batch: (1/N) Δ Hᵀ
    examples = lab("window.lab.derivation.matrices.current.examples")
    model.zero_grad()
    rows = [state["data"]["train"][i] for i in examples]
    loss = nn.logistic_loss([model(r[:2]) for r in rows], [2 * r[2] - 1 for r in rows])
    loss.backward()
    assert len(examples) == DEFAULTS["batchSize"]
    assert_entries_are(lab, layer_view(loss, model, [r[:2] for r in rows]))
    lab.page.get_by_test_id("matrices-over").select_option("example")
    lab.page.get_by_test_id("derivation-close").click()


def marked(lab, selector):
    return lab(f"[...document.querySelectorAll('{selector}')].map(e => e.dataset.param ?? e.dataset.neuron ?? e.id)")


def picked_entries(lab):
    return lab("[...document.querySelectorAll('#matrices-body td.mx-picked')].map(td => [td.dataset.name, "
               "Number(td.dataset.i), Number(td.dataset.j)])")  # fmt: skip


def test_an_entry_marks_its_edge_or_neuron_and_a_click_on_the_network_marks_its_entries(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 8})
    lab("window.lab.step(5)")
    open_matrices(lab)
    lab.page.locator("[data-testid=matrix-1-dW] td[data-i='2'][data-j='1']").click()  # ∂L/∂w⁽¹⁾₃₂
    assert marked(lab, "#edges path.mx-link") == ["layers.0.neurons.2.w.1"]  # its edge in the network diagram
    assert picked_entries(lab) == [["W", 2, 1], ["dW", 2, 1]]  # the weight and its gradient
    click_edge(lab, "layers.1.neurons.0.w.3")  # an edge, with the tab open: its entries, not the Chain rule
    lab.page.wait_for_function("document.querySelectorAll('#matrices-body td.mx-picked').length === 2")
    assert lab.page.get_by_test_id("matrices").is_visible() and lab.page.get_by_test_id("chain-rule").is_hidden()
    assert picked_entries(lab) == [["W", 0, 3], ["dW", 0, 3]]
    assert marked(lab, "#edges path.mx-link") == ["layers.1.neurons.0.w.3"]
    entry = lab.page.locator("[data-testid=matrix-2-dW] td[data-i='0'][data-j='3']")
    assert inside(entry.bounding_box(), lab.page.get_by_test_id("matrices-body").bounding_box())  # scrolled to it
    lab.page.locator("[data-testid=matrix-2-delta] td[data-i='1']").focus()  # the keyboard: Tab to it, Enter
    lab.page.keyboard.press("Enter")
    assert marked(lab, "#diagram .node.mx-link") == ["layers.1.neurons.1"]  # a δ is its neuron's
    assert ["delta", 1, 0] in picked_entries(lab) and ["z", 1, 0] in picked_entries(lab)
    step = lab.state()["step"]
    lab.page.keyboard.press("ArrowRight")  # a step: the tab is drawn again, the focus and the marks stay
    lab.page.wait_for_function(f"document.querySelector('[data-testid=step-count]').textContent === '{step + 1}'")
    lab.page.wait_for_function("!window.lab.worker.busy")
    focused = lab("(td => [td.closest('figure').dataset.testid, td.dataset.i])(document.activeElement)")
    assert focused == ["matrix-2-delta", "1"] and ["delta", 1, 0] in picked_entries(lab)
    lab.page.locator("[data-neuron='layers.0.neurons.3']").click()  # a neuron: its entries
    assert ["delta", 3, 0] in picked_entries(lab) and ["b", 3, 0] not in picked_entries(lab)
    lab.page.get_by_test_id("matrices-graph").check()  # with the chain rule's graph: the entry's node there too
    lab.page.get_by_test_id("derivation-graph").locator("svg").wait_for()
    lab.page.wait_for_function("!window.lab.worker.busy")
    lab.page.locator("[data-testid=matrix-2-W] td[data-i='1'][data-j='0']").click()
    node = lab("window.lab.derivation.matrices.current.layers[1].matrices.W.ids[1][0]")
    assert node and marked(lab, "#derive-graph g.node.mx-link") == [node]
    assert lab(f"document.querySelector('#derive-graph [id=\"{node}\"]').getAttribute('aria-label')")  # named
    lab.page.get_by_test_id("matrices-graph").uncheck()
    lab.page.get_by_test_id("derivation-close").click()


def test_a_reply_landing_while_an_example_is_typed_does_not_undo_it(lab):
    # The Matrices tab asks Python again after a step; a student typing another example meanwhile
    # keeps what they typed, and Enter then draws that example (the reply used to reset the field).
    lab("c => window.lab.configure(c)", DEFAULTS)
    open_matrices(lab, example=0)
    lab.page.get_by_test_id("example").fill("5")
    before = lab("window.lab.derivation.matrices.current")["title"]
    lab("window.lab.step(3)")
    lab.page.wait_for_function("!window.lab.worker.busy")
    lab.page.wait_for_function("t => window.lab.derivation.matrices.current.title !== t", arg=before)
    assert lab.page.get_by_test_id("example").input_value() == "5"
    assert lab("window.lab.derivation.matrices.current.example") == 0  # drawn: still example 0
    lab.page.get_by_test_id("example").press("Enter")
    lab.page.wait_for_function("window.lab.derivation.matrices.current.example === 5")
    lab.page.get_by_test_id("example").blur()
    lab("window.lab.step(1)")  # not typing now: the field follows the panel again
    lab.page.wait_for_function("!window.lab.worker.busy")
    assert lab.page.get_by_test_id("example").input_value() == "5"
    lab.page.get_by_test_id("derivation-close").click()


def test_the_matrices_follow_each_step_while_the_tab_is_open_and_only_then(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    lab("""() => {  // count the worker's matrices calls
        const py = window.lab.worker, call = Object.getPrototypeOf(py).call;
        window.__calls = 0;
        py.call = (method, args) => (method === 'matrices' && window.__calls++, call.call(py, method, args));
    }""")
    try:
        open_matrices(lab)
        before = lab("window.lab.derivation.matrices.current.layers[0].matrices.W.values")
        calls = lab("window.__calls")
        lab.page.get_by_test_id("step").click()
        lab.page.wait_for_function(f"window.__calls > {calls} && !window.lab.worker.busy")
        after = lab("window.lab.derivation.matrices.current")
        state = lab.state()
        assert after["layers"][0]["matrices"]["W"]["values"] != before
        assert after["layers"][0]["matrices"]["W"]["values"][1][0] == state["model"]["layers.0.neurons.1.w.0"]
        calls = lab("window.__calls")
        lab("window.lab.play()")
        lab.page.wait_for_timeout(1500)
        lab("window.lab.pause()")
        lab.page.wait_for_function("!window.lab.worker.busy")
        assert lab("window.__calls") >= calls + 3  # every frame while playing
        assert lab("window.lab.derivation.matrices.current.layers[0].matrices.W.values[1][0]") == (
            lab.state()["model"]["layers.0.neurons.1.w.0"])  # fmt: skip
        lab.page.locator("#tab-button-chain").click()  # another tab: no matrices asked for
        lab.page.wait_for_function("!window.lab.worker.busy")
        calls = lab("window.__calls")
        lab("window.lab.step(2)")
        lab.page.get_by_test_id("derivation-close").click()  # the panel closed: none either
        lab("window.lab.step(2)")
        lab.page.wait_for_function("!window.lab.worker.busy")
        assert lab("window.__calls") == calls
    finally:
        lab("() => { delete window.lab.worker.call; }")  # the prototype's again


def test_the_console_lets_go_of_a_chain_of_50000_values_and_goes_on(lab):
    # Freed by CPython one call inside another, a chain of a few thousand Values overflowed the
    # browser's stack and killed Pyodide; the console frees it in a loop (autograd's shallow_frees).
    lab.page.get_by_test_id("open-console").click()
    build = """window.lab.python('x = Value(0.5)\\nfor _ in range(25_000): x = x * 1.0001 + 0.1\\n\\n'
        + 'x.backward(); len(autograd.topological_order(x))')"""
    assert lab(build) == "100001\n"
    assert lab("window.lab.python('del x')") == ""
    assert lab(build) == "100001\n"
    assert lab("window.lab.python('x = 0')") == ""  # and again, by binding the name to something else
    assert lab("window.lab.python('1 + 1')") == "2\n"
    lab.page.get_by_test_id("derivation-close").click()


def test_when_pyodide_itself_fails_the_page_restarts_it_and_rebuilds_the_run(fresh):
    # Not every overflow of the browser's stack is autograd's to prevent: freeing 200,000 nested
    # tuples kills Pyodide too. The page then starts a new worker and rebuilds the run as it was.
    lab = fresh(f"?{to_query({**DEFAULTS, 'seed': 4})}")
    lab("window.lab.step(12)")
    lab("window.lab.addPoint(0.3, -0.2, 0)")
    lab("window.lab.step(3)")
    before = lab.state()
    lab.page.get_by_test_id("open-console").click()
    assert lab("window.lab.python('t = ()\\nfor _ in range(200_000): t = (t,)\\n')") == ""
    assert lab("window.lab.python('del t')") == "the Python worker failed: Maximum call stack size exceeded"
    lab.page.get_by_test_id("message").filter(has_text="The Python worker was restarted and the run rebuilt").wait_for()
    message = lab.page.get_by_test_id("message").inner_text()
    assert message.startswith("the Python worker failed: Maximum call stack size exceeded.") and "15 steps" in message
    after = lab.state()
    assert after["step"] == 15 and after["model"] == before["model"] and after["data"] == before["data"]
    assert lab("window.lab.python('1 + 1')") == "2\n"  # a new console, which works


def test_when_the_rebuild_itself_kills_pyodide_the_page_starts_from_the_settings(fresh):
    # A rebuild is tried once: if taking the steps again fails Pyodide too, the new worker gets the
    # run's settings and starts at step 0, and says so, rather than rebuilding for ever.
    lab = fresh(f"?{to_query({**DEFAULTS, 'seed': 5})}")
    lab("window.lab.step(7)")
    lab.page.get_by_test_id("open-console").click()
    lab("""() => {  // every restore kills Pyodide, as freeing 200,000 nested tuples does
        const py = window.lab.worker, call = Object.getPrototypeOf(py).call;
        const kill = {code: 't = ()\\nfor _ in range(200_000): t = (t,)\\n\\ndel t\\n'};
        py.call = (method, args) => method === 'restore' ? call.call(py, 'python', kill) : call.call(py, method, args);
    }""")
    assert lab("window.lab.python('t = ()\\nfor _ in range(200_000): t = (t,)\\n')") == ""
    assert lab("window.lab.python('del t')") == "the Python worker failed: Maximum call stack size exceeded"
    lab.page.get_by_test_id("message").filter(has_text="again while rebuilding the run").wait_for()
    lab.page.wait_for_function("!window.lab.worker.busy")
    state = lab.state()
    assert state["step"] == 0 and state["config"]["seed"] == 5
    assert lab.page.get_by_test_id("step-count").inner_text() == "0"


def test_the_console_runs_project_code(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    lab.page.get_by_test_id("open-console").click()
    assert lab("window.lab.python('1 + 1')") == "2\n"
    w = lab("window.lab.python('w = model.layers[0].neurons[0].w[0]; w')")
    assert w.startswith("Value(data=") and "label='layers.0.neurons.0.w.0'" in w
    error = lab("window.lab.python('print(no_such_thing)')")
    assert error == "NameError: name 'no_such_thing' is not defined\n"
    assert lab("window.lab.python('exit()')").startswith("SystemExit")  # shown, and the console goes on
    assert lab("window.lab.python('2 * 3')") == "6\n"
    box = lab.page.get_by_test_id("console-input")
    box.fill("o = model([0.5, -0.25]); o.backward(); round(w.grad, 12) == round(o.grad * 0 + w.grad, 12)")
    box.press("Enter")
    box.fill("autograd.draw_graph(o)")
    box.press("Enter")
    lab.page.locator(".console-graph svg").wait_for()
    box.press("ArrowUp")
    assert box.input_value() == "autograd.draw_graph(o)"
    output = lab.page.get_by_test_id("console-output").inner_text()
    assert ">>> 1 + 1\n2\n" in output and "NameError: name 'no_such_thing' is not defined" in output
    banner = output.splitlines()[0]  # lab/console.py's, with the worker's Python version
    assert banner.startswith("Python 3.") and "in your browser (Pyodide). Bound: autograd, nn, Value" in banner
    assert "True" in output and "<graph: " in output


def test_the_exercise_tab_marks_answers_with_the_engines_check(lab):
    from autograd import exercises

    lab.page.get_by_test_id("open-exercise").click()
    lab.page.get_by_test_id("exercise-level").select_option("2")
    lab.page.get_by_test_id("exercise-seed").fill("11")
    lab.page.get_by_test_id("exercise-new").click()
    ex = exercises.exercise(11, 2)
    answers = ex.answers()
    lab.page.get_by_test_id(f"answer-{ex.order()[-1]}").wait_for()
    # The tab's own first exercise (made on opening) may still be on its way: fill this one's table.
    lab.page.wait_for_function(
        """names => !window.lab.worker.busy && JSON.stringify([...document.querySelectorAll('#exercise-answers input')]
            .map(i => i.dataset.node)) === JSON.stringify(names)""",
        arg=ex.order(),
    )
    assert lab.page.get_by_test_id("derivation-graph").locator("svg").count() == 1
    wrong = next(n for n in ex.order()[1:] if abs(answers[n]) > 0.1)
    for name in ex.order():
        value = -answers[name] if name == wrong else answers[name]
        lab.page.get_by_test_id(f"answer-{name}").fill(f"{value:.4g}")
    lab.page.get_by_test_id("exercise-check").click()
    expected = exercises.check(ex, {n: float(f"{(-v if n == wrong else v):.4g}") for n, v in answers.items()})
    lab.page.get_by_test_id("exercise-diagnosis").filter(has_text=expected.diagnosis[:30]).wait_for()
    assert lab.page.get_by_test_id("exercise-diagnosis").inner_text() == expected.diagnosis
    marks = lab("[...document.querySelectorAll('#exercise-answers .mark')].map(m => m.textContent)")
    assert marks.count("✗ wrong") == 1 and marks.count("✓ right") == len(answers) - 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / "lab-exercise.png")
    lab.page.get_by_test_id(f"answer-{wrong}").fill(f"{answers[wrong]:.4g}")
    lab.page.get_by_test_id("exercise-check").click()
    lab.page.get_by_test_id("exercise-diagnosis").filter(has_text="all of them").wait_for()


# --- Stop: a call that runs too long ------------------------------------------------------------


def within(lab, promise: str, seconds: float = 30):
    """The value of a Promise on the page, or "timed out": a Stop that fails must not hang the suite."""
    return lab(f"Promise.race([{promise}, new Promise((r) => setTimeout(() => r('timed out'), {seconds * 1000}))])")


def test_stop_interrupts_a_loop_in_the_console_and_a_long_step_and_undoes_the_step(fresh):
    """Served with the isolation headers (lab/serve.py), the worker shares an interrupt buffer: Stop
    raises KeyboardInterrupt in Python, the console goes on, and an interrupted step leaves the run
    as it was before it."""
    lab = fresh(f"?{to_query({**DEFAULTS, 'samples': 100, 'hidden': [8, 8]})}")
    assert lab("crossOriginIsolated") and lab("window.lab.worker.interruptible")
    lab.page.get_by_test_id("open-console").click()
    lab.page.wait_for_function("!window.lab.worker.busy")  # the panel's own calls are done
    # The console's first line asks for its banner first, a call of its own: had the Stop come while
    # that ran, the loop, sent after it, would run on. So the banner first, then the loop alone.
    assert lab("window.lab.python('0')") == "0\n"
    lab("() => { window.__loop = window.lab.python('while True: pass\\n'); }")  # not awaited
    lab.page.wait_for_timeout(300)
    lab("() => { window.__queued = window.lab.worker.call('step', {n: 1}).catch((error) => error.message); }")
    assert lab("window.lab.interrupt()") == "interrupted"
    assert within(lab, "window.__loop") == "KeyboardInterrupt\n"
    assert within(lab, "window.__queued") == "Stopped: step was not run"  # it waited behind the loop: Stop ends it too
    assert lab("window.lab.python('1 + 1')") == "2\n"
    before = lab.state()
    lab("() => { window.__step = window.lab.step(100000).then(() => 'done', (error) => error.message); }")
    lab.page.wait_for_timeout(500)
    lab.page.get_by_test_id("stop").click()
    assert within(lab, "window.__step") == "Stopped: step was interrupted, and the run is as it was before it"
    after = lab.state()
    assert after["model"] == before["model"] and after["step"] == before["step"] == 0
    assert lab("window.lab.step(3).then(() => window.lab.state())")["step"] == 3  # and it trains on


@pytest.fixture
def plain_site(site):
    """The same site from a server without the cross-origin isolation headers, as a plain static host."""
    from lab.serve import serve_in_thread

    httpd, url = serve_in_thread(LAB / "dist", isolated=False)
    yield url
    httpd.shutdown()
    httpd.server_close()


def test_without_isolation_stop_restarts_the_worker_and_rebuilds_the_run(chromium, plain_site):
    lab = Opened(chromium, plain_site + f"?{to_query({**DEFAULTS, 'samples': 100, 'seed': 3})}")
    try:
        assert not lab("crossOriginIsolated") and not lab("window.lab.worker.interruptible")
        lab("window.lab.step(25)")
        lab("window.lab.addPoint(0.1, 0.2, 1)")  # a point added by hand: taken again at its step, and linkable
        lab("window.lab.step(5)")
        before = lab.state()
        lab.page.get_by_test_id("open-console").click()
        lab.page.wait_for_function("!window.lab.worker.busy")
        lab("() => { window.__loop = window.lab.python('while True: pass\\n'); }")  # not awaited
        lab.page.wait_for_timeout(300)
        assert lab("window.lab.interrupt()") == "restarted"
        message = lab.page.get_by_test_id("message").inner_text()
        assert (
            message.startswith("Stopped: the Python worker was restarted and the run rebuilt") and "30 steps" in message
        )
        after = lab.state()
        assert after["config"] == before["config"] and after["step"] == 30
        assert after["model"] == before["model"]  # the same steps on the same data: the same weights
        assert after["data"] == before["data"]
        assert lab("window.lab.python('1 + 1')") == "2\n"
        assert "points=" in lab("window.lab.link()")  # the rebuilt run still has its link
    finally:
        lab.close()


def test_a_link_gives_the_same_data_and_initial_weights_to_the_bit_as_cpython(lab):
    """nn.data and nn.init draw with nn.portable_math, not the C library (Pyodide's and the desktop's
    differ in the last bit now and then): every dataset, 30 seeds, every initializer. (Training then
    runs math.tanh and the like, so the weights after thousands of steps agree to about 1e-14.)"""
    configure_and_read = """async (c) => {
        await window.lab.worker.call('configure', {config: c});
        return window.lab.worker.call('state');
    }"""
    for dataset in ("xor", "circles", "moons", "spirals", "blobs", "function"):
        for seed in range(30):
            config = {**DEFAULTS, "dataset": dataset, "seed": seed, "noise": 0.2, "loss": "mse"}
            there = lab(configure_and_read, config)
            here = Lab(config)
            assert there["data"] == {"train": here.train_set, "test": here.test_set}, (dataset, seed)
    for init in ("uniform", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"):
        config = {**DEFAULTS, "init": init, "seed": 11, "hidden": [8, 8]}
        assert lab(configure_and_read, config)["model"] == Lab(config).model.state_dict(), init


# --- in front of the class: the panel at 1280x720 and 1024x768 (issue 19) -----------------------

PROJECTORS = [(1280, 720), (1024, 768)]


@pytest.fixture(scope="module")
def projector(chromium, site):
    """projector((width, height)) -> a page of that size, opened once for the module."""
    pages = {}

    def at(viewport):
        if viewport not in pages:
            pages[viewport] = Opened(chromium, site, viewport)
        return pages[viewport]

    yield at
    for opened in pages.values():
        opened.close()


def open_panel(lab, param="layers.0.neurons.0.w.0"):
    """The chain rule panel of `param`, opened by clicking its edge in the diagram, and drawn."""
    if lab("window.lab.derivation.isOpen"):
        lab.page.get_by_test_id("derivation-close").click()
    click_edge(lab, param)
    lab.page.wait_for_function(f"window.lab.derivation.current?.parameter === '{param}'")
    lab.page.get_by_test_id("derivation-graph").locator("svg").wait_for()
    lab.page.wait_for_function("!window.lab.worker.busy")


def inside(box, outer, slack=0.5):
    return (box["x"] >= outer["x"] - slack and box["y"] >= outer["y"] - slack
            and box["x"] + box["width"] <= outer["x"] + outer["width"] + slack
            and box["y"] + box["height"] <= outer["y"] + outer["height"] + slack)  # fmt: skip


def viewport_box(lab):
    size = lab.page.viewport_size
    return {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_the_header_keeps_its_height_while_training(projector, viewport):
    lab = projector(viewport)
    lab("c => window.lab.configure(c)", DEFAULTS)
    header = lab.page.locator("header.bar")
    before = header.bounding_box()["height"]
    lab("window.lab.step(2000)")
    assert lab.page.get_by_test_id("step-count").inner_text() == "2000"
    lab("window.lab.play()")  # the speed counter fills in too
    lab.page.wait_for_function("/^\\d+$/.test(document.querySelector('#speed').textContent)")
    lab("window.lab.pause()")
    lab.page.wait_for_function("!window.lab.playing")
    assert header.bounding_box()["height"] == before, f"the header grew from {before} px while training"


def test_escape_closes_the_panel(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    panel = lab.page.get_by_test_id("derivation")
    open_panel(lab)
    lab.page.locator("body").press("Escape")
    assert panel.is_hidden()
    open_panel(lab)
    lab.page.get_by_test_id("example").focus()  # a number field does not use Escape
    lab.page.keyboard.press("Escape")
    assert panel.is_hidden()
    lab.page.get_by_test_id("open-console").click()
    lab.page.get_by_test_id("console-input").press("Escape")  # the console's line keeps Escape
    assert panel.is_visible()
    lab.page.get_by_test_id("derivation-close").click()


def test_the_panel_highlights_the_weight_clicked_not_the_last_bias(lab):
    lab("c => window.lab.configure(c)", {**DEFAULTS, "seed": 5})
    lab("window.lab.step(10)")
    open_panel(lab, "layers.0.neurons.0.w.0")  # w⁽¹⁾₁₁: layer 1, neuron 1, input 1
    d = lab("window.lab.derivation.current")
    highlighted = lab("""() => [...document.querySelectorAll(
        '#derive-graph .hot-parent, #derive-graph .hot-node, #derive-graph .hot-update')].map(e => e.id)""")
    assert lab("document.querySelector('#derive-graph .hot-parent')?.id") == d["parameterId"]
    biases = [name for name in lab.state()["model"] if name.endswith(".b")]
    bias_ids = {lab("([n]) => window.lab.explain(n, 0).then(e => e.parameterId)", [b]) for b in biases}
    assert d["parameterId"] not in bias_ids and len(bias_ids) == len(biases)
    assert not bias_ids & set(highlighted), f"a bias is highlighted: {bias_ids & set(highlighted)}"
    own = d["backward"][d["parameterStep"]]  # Python names the parameter's own last step
    assert own["parent"] == d["parameterId"]
    assert not any(r["parent"] == d["parameterId"] for r in d["backward"][d["parameterStep"] + 1 :])
    if own.get("edge"):
        assert lab("document.querySelector('#derive-graph .hot-edge')?.id") == own["edge"]


def test_the_graph_shown_is_pythons_drawing_for_its_layout_records_stacked(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    open_panel(lab)
    layouts = set()
    for wide in (False, True, False):
        if lab("window.lab.derivation.isWide") != wide:
            lab.page.get_by_test_id("derive-wide").click()
            lab.page.wait_for_timeout(300)  # the box resized: Fit chooses again
        layout = lab("window.lab.derivation.layout")
        layouts.add(layout)
        d = lab("window.lab.derivation.current")
        assert f"rankdir={layout}" in d["dots"][layout]
        # name over data over grad in either layout: the texts of a leaf's record one below the other
        rows = lab(
            """(id) => [...document.querySelector(`#derive-graph [id="${id}"]`).querySelectorAll('text')]
            .map(t => { const b = t.getBoundingClientRect(); return [t.textContent, b.x, b.y]; })""",
            d["parameterId"],
        )
        assert [text.split()[0] for text, _, _ in rows] == [d["parameterName"], "data", "grad"], rows
        assert rows[0][2] < rows[1][2] < rows[2][2], f"{layout}: the record is not stacked: {rows}"
    print("layouts chosen (normal, wide):", layouts)


def median_text_height(lab):
    return lab("""() => {
        const heights = [...document.querySelectorAll('#derive-graph svg text')]
            .map(t => t.getBoundingClientRect().height).sort((a, b) => a - b);
        return heights[heights.length >> 1];
    }""")


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_fit_keeps_the_panels_graph_text_at_13_px_or_more(projector, viewport):
    lab = projector(viewport)
    lab("c => window.lab.configure(c)", DEFAULTS)
    open_panel(lab)
    for paths_only in (False, True):
        lab.page.get_by_test_id("paths-only").set_checked(paths_only)
        lab.page.wait_for_function(f"window.lab.derivation.current?.pathsOnly === {str(paths_only).lower()}")
        lab.page.wait_for_function("!window.lab.worker.busy")
        lab.page.get_by_test_id("zoom-out").click()
        lab.page.get_by_test_id("zoom-fit").click()
        height = median_text_height(lab)
        assert height >= 13, f"median text {height:.1f} px after Fit (paths only: {paths_only})"
        traced = lab.page.locator(f"#derive-graph [id='{lab('window.lab.derivation.current.parameterId')}']")
        assert inside(traced.bounding_box(), lab.page.get_by_test_id("derivation-graph").bounding_box(), slack=2)
    lab.page.get_by_test_id("paths-only").set_checked(False)


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_every_label_of_the_panel_bar_is_inside_it(projector, viewport):
    lab = projector(viewport)
    open_panel(lab)
    bar = lab.page.locator(".derive-bar")
    panel = lab.page.get_by_test_id("derivation").bounding_box()
    assert inside(bar.bounding_box(), panel)
    boxes = lab("""() => [...document.querySelectorAll('.derive-bar label, .derive-bar button')]
        .filter(e => e.getClientRects().length).map(e => {
            const range = document.createRange();
            range.selectNodeContents(e);
            const r = range.getBoundingClientRect(), b = e.getBoundingClientRect();
            return [e.textContent.trim().slice(0, 20), {x: b.x, y: b.y, width: b.width, height: b.height},
                    {x: r.x, y: r.y, width: r.width, height: r.height}];
        })""")  # fmt: skip
    assert len(boxes) >= 8
    for text, box, content in boxes:
        assert inside(box, bar.bounding_box()), f"{text!r} sticks out of the panel's bar"
        assert inside(content, box), f"{text!r}'s text is clipped by its own box"
    assert lab("document.querySelector('.derive-bar').scrollWidth <= document.querySelector('.derive-bar').clientWidth")


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_the_boundary_and_the_loss_curve_stay_visible_with_the_panel_open(projector, viewport):
    lab = projector(viewport)
    open_panel(lab)
    wide = lab.page.get_by_test_id("derive-wide")
    for mode in ("normal", "wide"):
        if mode == "wide":
            wide.click()
            assert wide.get_attribute("aria-pressed") == "true"
            lab.page.wait_for_timeout(100)
            graph = lab.page.get_by_test_id("derivation-graph").bounding_box()
            assert graph["width"] >= 0.9 * viewport[0] - 40  # the panel across the page
        for testid in ("boundary", "loss-chart", "network"):
            box = lab.page.get_by_test_id(testid).bounding_box()
            assert box and box["width"] > 40 and box["height"] > 40, (mode, testid, box)
            assert inside(box, viewport_box(lab)), (mode, testid, box)
        SHOTS.mkdir(parents=True, exist_ok=True)
        lab.page.screenshot(path=SHOTS / f"lab-panel-{mode}-{viewport[0]}.png")
    wide.click()
    assert wide.get_attribute("aria-pressed") == "false"


def test_the_console_and_exercise_tabs_show_only_their_own_controls(lab):
    open_panel(lab)
    controls = lab.page.locator(".derive .for-derivation")
    assert controls.count() >= 6
    assert all(controls.nth(i).is_visible() for i in range(controls.count()))  # the chain rule's
    for tab in ("console-tab", "exercise-tab"):
        lab.page.get_by_test_id(tab).click()
        visible = [controls.nth(i).inner_text()[:20] for i in range(controls.count()) if controls.nth(i).is_visible()]
        assert visible == [], f"{tab} shows {visible}"
    lab.page.get_by_test_id("step-mode-tab").click()
    assert lab.page.get_by_test_id("parameter").is_visible() and lab.page.get_by_test_id("paths-only").is_visible()
    lab.page.get_by_test_id("derivation-close").click()


def test_after_check_the_first_wrong_answer_is_in_view(lab):
    from autograd import exercises

    lab("c => window.lab.configure(c)", DEFAULTS)
    lab.page.get_by_test_id("open-exercise").click()
    lab.page.get_by_test_id("exercise-level").select_option("3")
    lab.page.get_by_test_id("exercise-seed").fill("0")
    lab.page.get_by_test_id("exercise-new").click()
    ex = exercises.exercise(0, 3)
    order, answers = ex.order(), ex.answers()
    lab.page.get_by_test_id(f"answer-{order[-1]}").wait_for()
    first = lab.page.get_by_test_id(f"answer-{order[0]}").bounding_box()
    assert inside(first, viewport_box(lab)), "the answers are below the fold"
    graph = lab.page.get_by_test_id("derivation-graph")
    svg_width = graph.locator("svg").bounding_box()["width"]
    assert svg_width <= lab("document.getElementById('derive-graph').clientWidth") + 1  # not cut on the right
    wrong = next(n for n in reversed(order) if abs(answers[n]) > 0.01)  # a late row: below the first screenful
    for name in order:
        value = -answers[name] if name == wrong else answers[name]
        lab.page.get_by_test_id(f"answer-{name}").fill(f"{value:.4g}")
    lab.page.get_by_test_id("exercise-check").click()
    lab.page.locator("#exercise-answers .mark.wrong").wait_for()
    row = lab.page.get_by_test_id(f"answer-{wrong}").locator("xpath=ancestor::tr")
    box = row.bounding_box()
    assert inside(box, viewport_box(lab)), f"the wrong answer's row is out of view: {box}"
    hit = lab(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('tr')?.querySelector('input')?.dataset.node",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit == wrong  # in view, not under another element or scrolled away inside the tab
    assert lab.page.get_by_test_id(f"answer-{wrong}").locator("xpath=../..").inner_text().endswith("✗ wrong")
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / "lab-exercise-checked.png")
    lab.page.get_by_test_id("derivation-close").click()


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_the_presenter_view_shows_the_graph_the_sentence_large_and_training(projector, viewport):
    lab = projector(viewport)
    lab("c => window.lab.configure(c)", DEFAULTS)
    open_panel(lab)
    panel = lab.page.get_by_test_id("derivation")
    lab.page.locator("body").press("f")
    lab.page.wait_for_function("document.getElementById('derive').classList.contains('presenting')")
    lab.page.wait_for_timeout(300)
    sentence = lab.page.get_by_test_id("presenter-sentence")
    assert sentence.is_visible() and sentence.inner_text().strip()
    assert float(sentence.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px")) >= 28
    graph = lab.page.get_by_test_id("derivation-graph").bounding_box()
    assert graph["width"] >= 0.7 * viewport[0] and graph["height"] >= 0.4 * viewport[1]
    assert median_text_height(lab) >= 16
    painted = lab("""() => ['presenter-boundary', 'presenter-loss'].map(id => {
        const c = document.getElementById(id), data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) n += data[i] > 0;
        return n / (c.width * c.height);
    })""")  # fmt: skip
    assert painted[0] > 0.5 and painted[1] > 0.3, f"the corner's copies are blank: {painted}"
    for testid in ("presenter-boundary", "presenter-loss"):
        assert inside(lab.page.get_by_test_id(testid).bounding_box(), viewport_box(lab))
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / f"lab-presenter-{viewport[0]}.png")
    lab.page.keyboard.press("Escape")  # leaves the presenter view, the panel stays
    lab.page.wait_for_function("!document.getElementById('derive').classList.contains('presenting')")
    assert panel.is_visible()
    lab.page.get_by_test_id("step-mode-tab").click()
    lab.page.get_by_test_id("present").click()  # the button, on the step-through tab
    lab.page.wait_for_function("document.getElementById('derive').classList.contains('presenting')")
    lab.page.locator("body").press("ArrowRight")
    assert sentence.inner_text().startswith("forward: ")
    assert lab.page.get_by_test_id("step-sentence").inner_text() == sentence.inner_text()
    lab.page.get_by_test_id("present").click()
    lab.page.wait_for_function("!document.getElementById('derive').classList.contains('presenting')")
    lab.page.get_by_test_id("derivation-close").click()


def test_the_names_switch_shows_the_notes_notation_and_keeps_the_dotted_ids(lab):
    lab("c => window.lab.configure(c)", DEFAULTS)
    open_panel(lab)
    assert lab.page.get_by_test_id("notation").is_enabled()
    select = lab.page.get_by_test_id("parameter")
    graph_text = "() => document.getElementById('derive-graph').textContent"
    assert lab.page.get_by_test_id("notation").input_value() == "notes"  # the default
    assert "w⁽¹⁾₁₁" in lab(graph_text) and "layers.0.neurons.0.w.0" not in lab(graph_text)
    assert select.input_value() == "layers.0.neurons.0.w.0"  # the value is the dotted name
    assert select.locator("option:checked").inner_text() == lab("window.lab.derivation.current.parameterName")
    chain = lab.page.get_by_test_id("chain-rule").inner_text()  # the sentences, the sum, the batch, the update
    assert "w⁽¹⁾₁₁" in chain and not any(word in chain for word in ("layers.0", "∂loss", "dloss", "*1.0")), chain
    lab.page.get_by_test_id("notation").select_option("paths")
    lab.page.wait_for_function(f"({graph_text})().includes('layers.0.neurons.0.w.0')")
    assert select.locator("option:checked").inner_text() == "layers.0.neurons.0.w.0"
    assert lab("document.querySelector('[data-param]').dataset.param") == "layers.0.neurons.0.w.0"
    lab.page.get_by_test_id("notation").select_option("notes")
    lab.page.get_by_test_id("derivation-close").click()


def test_a_divergence_says_it_for_a_student_with_the_engines_detail_on_demand(lab):
    if lab("window.lab.derivation.isOpen"):
        lab.page.get_by_test_id("derivation-close").click()
    lab("c => window.lab.configure(c)", {**DEFAULTS, "activation": "identity", "loss": "mse", "learningRate": 10,
                                    "batchSize": 50})  # fmt: skip
    lab("window.lab.step(400)")
    state = lab.state()
    assert state["stopped"]
    message(lab, "Training stopped at step")
    detail = lab.page.get_by_test_id("message-detail")
    assert state["stoppedDetail"]
    assert detail.is_visible() and state["stoppedDetail"] not in lab.page.get_by_test_id("message").inner_text()
    detail.locator("summary").click()
    assert state["stoppedDetail"] in detail.inner_text()
    lab.page.get_by_test_id("reset").click()


def test_on_a_narrow_screen_the_panel_is_below_the_network_not_over_it(chromium, site):
    narrow = Opened(chromium, site, (800, 1280))  # under 1000 px: one column
    try:
        open_panel(narrow)
        boxes = {
            testid: narrow.page.get_by_test_id(testid).bounding_box()
            for testid in ("network", "boundary", "derivation")
        }
        assert boxes["network"]["height"] > 300, boxes
        assert boxes["network"]["y"] + boxes["network"]["height"] <= boxes["boundary"]["y"], boxes
        assert boxes["boundary"]["y"] + boxes["boundary"]["height"] <= boxes["derivation"]["y"], boxes
        narrow.page.get_by_test_id("paths-only").set_checked(True, timeout=5_000)  # nothing lies over the bar
        narrow.page.get_by_test_id("paths-only").set_checked(False, timeout=5_000)
    finally:
        narrow.close()


SMALLEST_TEXT = """() => [...document.querySelectorAll('body *')]
    .filter(e => e.getClientRects().length && !e.closest('svg')
        && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => [parseFloat(getComputedStyle(e).fontSize), e.textContent.trim().slice(0, 40)])
    .filter(([size]) => size < 13)"""


def test_no_text_on_the_page_or_any_tab_is_below_13_px_at_1024(projector):
    # 13 px at 1024x768 is the smallest the room reads (the graphs' own text is Fit's, tested above).
    lab = projector((1024, 768))
    lab("c => window.lab.configure(c)", {**DEFAULTS, "dataset": "spirals", "classes": 3, "loss": "cross_entropy"})
    lab("window.lab.step(5)")
    assert lab(SMALLEST_TEXT) == []
    lab.page.get_by_test_id("open-derivation").click()
    lab.page.wait_for_function("window.lab.derivation.current && !window.lab.worker.busy")
    for tab in ("chain", "steps", "matrices", "console", "exercise", "expression"):
        lab.page.locator(f"#tab-button-{tab}").click()
        lab.page.wait_for_function("!window.lab.worker.busy")
        assert lab(SMALLEST_TEXT) == [], tab
    lab.page.get_by_test_id("derivation-close").click()


@pytest.mark.parametrize("viewport", PROJECTORS)
def test_the_matrices_tab_reads_from_the_back_of_the_room(projector, viewport):
    lab = projector(viewport)
    lab("c => window.lab.configure(c)", DEFAULTS)
    lab("window.lab.step(10)")
    open_matrices(lab, example=3)
    body = lab.page.get_by_test_id("matrices-body")
    smallest = lab("""() => Math.min(...[...document.querySelectorAll('#tab-matrices *')]
        .filter(e => e.getClientRects().length && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize)))""")  # fmt: skip
    assert smallest >= 13, f"text of {smallest} px in the Matrices tab"
    assert lab("(b => b.scrollWidth <= b.clientWidth)(document.getElementById('matrices-body'))")  # none sideways
    panel = lab.page.get_by_test_id("derivation").bounding_box()
    for control in ("matrices-over", "matrices-graph", "matrices-legend", "example", "matrices-tab"):
        assert inside(lab.page.get_by_test_id(control).bounding_box(), panel), control
    first = lab.page.locator("[data-testid=matrix-3-W] td").first  # the output layer first, at the top
    assert inside(first.bounding_box(), body.bounding_box())
    for testid in ("boundary", "loss-chart", "network"):  # training stays in sight
        assert inside(lab.page.get_by_test_id(testid).bounding_box(), viewport_box(lab)), testid
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / f"lab-matrices-{viewport[0]}.png")
    lab.page.get_by_test_id("derivation-close").click()
