"""The Lab's Expression tab in chromium (the fixtures of tests/test_lab_browser.py: the built site
on 127.0.0.1, every other host blocked and asserted absent): a student's expression drawn with the
gradients `python -m autograd` prints, stepped through with CPython's records, explained for any
variable; a bad expression shows the CLI's one line; a link opens the tab with it drawn."""

import re

import pytest

from autograd.views.cli import evaluate, main, parse_assignments
from lab.expression import expression_view
from tests.test_lab_browser import SHOTS, Opened, site  # noqa: F401 (site: the fixture that serves lab/dist)

NEURON = ("tanh(x*w+b)", "x=2 w=-3 b=6.8813735870195432")


@pytest.fixture
def fresh(chromium, site):  # noqa: F811 (the fixture imported above)
    """fresh(suffix) -> a newly opened 1024 x 768 page at the site's URL + suffix (a query, a fragment)."""
    pages = []

    def open_page(suffix=""):
        pages.append(Opened(chromium, site + suffix, viewport=(1024, 768)))
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


def cli_gradients(text, values, capsys) -> list[str]:
    """The gradient lines `python -m autograd text values...` prints: ["dL/dx = -1.5000", ...]."""
    assert main([text, *values.split()]) == 0
    lines = capsys.readouterr().out.split("gradients\n")[1].strip().splitlines()
    return [line.strip() for line in lines]


def shown_grads(lab) -> list[str]:
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in lab.page.get_by_test_id("expression-grads").locator("li").all_inner_texts()
    ]


def test_the_tab_draws_tanh_of_a_neuron_with_the_clis_gradients(fresh, capsys):
    lab = fresh()
    reply = lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))
    root, leaves = evaluate(NEURON[0], parse_assignments(NEURON[1].split()))  # the CLI's graph, in CPython
    root.backward()
    assert reply["grads"].keys() == leaves.keys() == {"x", "w", "b"}
    for name, leaf in leaves.items():  # the browser's libm may differ from CPython's in tanh's last bit
        assert reply["grads"][name] == pytest.approx(leaf.grad, abs=1e-15), name
    assert reply["value"] == pytest.approx(root.data, abs=1e-15)
    assert shown_grads(lab) == cli_gradients(*NEURON, capsys)  # the very lines the CLI prints
    assert lab.page.get_by_test_id("expression-tab").get_attribute("aria-selected") == "true"
    assert lab.page.get_by_test_id("expression").is_visible()
    # The graph: every node of CPython's drawing, each with the grad backward leaves in it.
    expected = expression_view(*NEURON)
    graph = lab.page.get_by_test_id("derivation-graph")
    for row in expected["table"]:
        node = graph.locator(f"g.node[id='{row['node']}']")
        assert node.count() == 1
        texts = node.locator("text").all_text_contents()
        assert texts[0] == row["name"] and texts[-1] == f"grad {row['gradText']}", texts
    table = lab.page.get_by_test_id("expression-table").locator("tr").all_inner_texts()
    assert [re.split(r"\t", line)[0] for line in table[1:]] == [row["name"] for row in expected["table"]]
    assert all(row["gradText"] in line for line, row in zip(table[1:], expected["table"]))
    SHOTS.mkdir(parents=True, exist_ok=True)
    lab.page.screenshot(path=SHOTS / "lab-expression.png")


def test_stepping_through_shows_cpythons_records_and_the_keys_step_without_training(fresh):
    lab = fresh()
    lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))
    expected = expression_view(*NEURON)
    forward, backward = expected["forward"], expected["backward"]
    total = len(forward) + len(backward)
    count, sentence = lab.page.get_by_test_id("expression-count"), lab.page.get_by_test_id("expression-sentence")
    assert count.inner_text() == f"{total} / {total}"  # drawn at the end, as the CLI ends: every grad in
    assert sentence.inner_text() == backward[-1]["sentence"]
    lab.page.locator("#expression-first").click()
    assert count.inner_text() == f"0 / {total}"
    graph = lab.page.get_by_test_id("derivation-graph")
    assert graph.locator("g.node:not(.pending)").count() == 0  # nothing computed yet, ops and values
    assert graph.locator("g.node.pending").count() == len(forward) + 3  # and three ops: *, +, tanh
    lab.page.locator("#expression-next").click()
    assert sentence.inner_text() == f"forward: {forward[0]['sentence']}"
    lab.page.get_by_test_id("expression").focus()
    for _ in range(len(forward)):
        lab.page.keyboard.press("ArrowRight")
    assert count.inner_text() == f"{len(forward) + 1} / {total}"
    assert sentence.inner_text() == backward[0]["sentence"]  # the seed
    first_edge = backward[1]
    lab.page.keyboard.press("ArrowRight")
    assert sentence.inner_text() == first_edge["sentence"]
    receiving = graph.locator(f"g.node[id='{first_edge['parent']}']")
    assert "hot-parent" in receiving.get_attribute("class")
    assert receiving.locator("text").all_text_contents()[-1] == first_edge["grad"]
    assert lab.state()["step"] == 0  # the arrows stepped the tab, not training


def test_explain_for_any_variable_is_cpythons(fresh):
    lab = fresh()
    lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))
    for variable in ("w", "b", "x"):
        lab.page.get_by_test_id("expression-variable").select_option(variable)
        lab("window.lab.derivation.expression.idle()")
        expected = expression_view(*NEURON, variable)
        assert lab.page.get_by_test_id("expression-explain").inner_text() == expected["explain"]["text"]
        steps = lab.page.get_by_test_id("expression-steps").locator("li").all_inner_texts()
        assert steps == expected["explain"]["steps"]
        traced = lab.page.get_by_test_id("derivation-graph").locator("g.node.traced")
        assert traced.count() == 1 and traced.get_attribute("id") == expected["variableId"]


@pytest.mark.parametrize(
    "text, values",
    [
        ("__import__('os').system('echo pwned')", "x=1"),
        ("x.__class__", "x=1"),
        ("x +", "x=1"),
        ("x^2 + y", "x=1 y=0"),
        ("log(x)", "x=0"),
        ("x + 1", "x=abc"),
    ],
)
def test_a_bad_expression_shows_the_clis_one_line(fresh, text, values, capsys):
    lab = fresh()
    lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))  # something drawn first, then the bad one typed
    lab.page.get_by_test_id("expression-text").fill(text)
    lab.page.get_by_test_id("expression-values").fill(values)
    lab.page.get_by_test_id("expression-draw").click()
    line = lab.page.get_by_test_id("expression-error")
    line.wait_for(state="visible")
    assert main([text, *values.split()]) == 2
    assert line.inner_text() + "\n" == capsys.readouterr().err  # the CLI's stderr, word for word
    assert "Traceback" not in line.inner_text()
    assert "stale" in lab.page.get_by_test_id("expression-result").get_attribute("class")
    with pytest.raises(Exception, match=re.escape(line.inner_text().removeprefix("error: "))):
        lab("([t, v]) => window.lab.expression(t, v)", [text, values])


def test_an_expression_too_deep_for_the_browser_is_refused_and_the_worker_lives_on(fresh):
    lab = fresh()
    lab.page.get_by_test_id("open-expression").click()
    lab.page.get_by_test_id("expression-text").fill("+".join(["x"] * 5000))  # would overflow the worker's stack
    lab.page.get_by_test_id("expression-values").fill("x=1")
    lab.page.get_by_test_id("expression-draw").click()
    line = lab.page.get_by_test_id("expression-error")
    line.wait_for(state="visible")
    assert line.inner_text().startswith("error: the expression is too deeply nested to read here")
    reply = lab("window.lab.expression('x*x', {x: 3})")  # Python still answers (the values as an object here)
    assert reply == {"value": 9.0, "grads": {"x": 6.0}}
    assert lab.page.get_by_test_id("expression-values").input_value() == "x=3"


def test_a_link_opens_the_tab_with_the_same_expression_variable_and_picture(fresh, site):  # noqa: F811
    lab = fresh()
    lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))
    lab.page.get_by_test_id("expression-variable").select_option("w")
    lab("window.lab.derivation.expression.idle()")
    url = lab.page.url
    assert "#expr=" in url and "var=w" in url
    shown = lab.page.get_by_test_id("derivation-graph").locator("g.node").all_text_contents()
    other = fresh(url.removeprefix(site))
    other("window.lab.derivation.expression.idle()")
    assert other.page.get_by_test_id("expression-tab").get_attribute("aria-selected") == "true"
    assert other.page.get_by_test_id("expression-text").input_value() == NEURON[0]
    assert other.page.get_by_test_id("expression-values").input_value() == NEURON[1]
    assert other.page.get_by_test_id("expression-variable").input_value() == "w"
    assert other.page.get_by_test_id("derivation-graph").locator("g.node").all_text_contents() == shown
    explained = expression_view(*NEURON, "w")["explain"]["text"]
    assert other.page.get_by_test_id("expression-explain").inner_text() == explained
    grads = "window.lab.derivation.expression.current.grads"
    assert other(grads) == lab(grads)
    # Training's settings and the expression share the link: a change of dataset keeps the fragment.
    other("window.lab.configure({dataset: 'circles'})")
    assert other.page.url.endswith(url[url.index("#") :])


def test_axe_finds_nothing_in_the_tab_drawn_refused_and_stepped(fresh):
    from tests.a11y import axe_violations

    lab = fresh()
    lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))
    assert axe_violations(lab.page) == [], "drawn"
    lab("window.lab.derivation.expression.goTo(3)")
    assert axe_violations(lab.page) == [], "a forward step"
    lab.page.get_by_test_id("expression-text").fill("x.__class__")
    lab.page.get_by_test_id("expression-draw").click()
    lab.page.get_by_test_id("expression-error").wait_for(state="visible")
    assert axe_violations(lab.page) == [], "refused"


def test_the_tabs_legend_names_what_its_colours_mean_for_an_expression(fresh):
    # The same colours as the network's chain rule, in the tab's words: a variable explained, not a
    # parameter traced; the forward step's keys (the tab steps through), not the optimizer's.
    lab = fresh()
    lab("([t, v]) => window.lab.expression(t, v)", list(NEURON))
    shown_keys = """() => [...document.querySelectorAll('[data-testid=legend] .key')]
        .filter(k => k.checkVisibility()).map(k => k.innerText.replace(/\\s+/g, ' ').trim())"""
    assert lab.page.get_by_test_id("legend").is_visible()
    keys = lab(shown_keys)
    assert "the variable explained" in keys and "on a path from the output to the variable" in keys
    assert "computed in this forward step" in keys and "variable, constant" in keys
    assert not any("parameter" in key or "optimizer" in key for key in keys), keys
    # The fills told apart by colour alone (the traced, on-path and pending ones have a border or a
    # fade of their own) are far apart: CIEDE2000 >= 15, where 2.3 is just noticeable.
    from itertools import combinations

    from tests.a11y import _linear, delta_e_2000, lab_of_linear

    fills = lab("""() => Object.fromEntries(['receiving', 'passing', 'computed', 'input', 'output'].map(k =>
        [k, getComputedStyle(document.querySelector(`[data-testid=legend] .swatch-box.${k}`)).backgroundColor]))""")
    seen = {k: lab_of_linear(tuple(_linear(int(c)) for c in re.findall(r"\d+", v)[:3])) for k, v in fills.items()}
    for a, b in combinations(seen, 2):
        assert delta_e_2000(seen[a], seen[b]) >= 15, (a, b, fills[a], fills[b])
    # And the graph is drawn in them: the node a forward step computes is filled as its key says.
    lab.page.locator("#expression-first").click()
    for _ in range(5):  # x, w, x * w (its op and its value): the forward pass as far as x * w + b
        lab.page.locator("#expression-next").click()
    computed = lab("""() => [...document.querySelectorAll('#derive-graph g.node.hot-forward polygon')]
        .map(p => getComputedStyle(p).fill)""")
    assert computed and set(computed) == {fills["computed"]}, (computed, fills["computed"])
    lab.page.locator("#tab-button-chain").click()  # the network's derivation: its own words again
    lab.page.wait_for_function("window.lab.derivation.current && !window.lab.worker.busy")
    keys = lab(shown_keys)
    assert "the parameter traced" in keys and "parameter" in keys
    assert not any("variable" in key or "forward step" in key for key in keys), keys
