"""The step-through page in a real headless browser: Debian's chromium, driven by Playwright.

Pages are served on 127.0.0.1; a request to any other host is blocked and fails the test."""

import functools
import http.server
import os
import shutil
import threading
from urllib.parse import urlparse

import pytest

from autograd.page import export_html
from autograd.render import HIGHLIGHT_PARENT
from demos.neuron import build_neuron
from tests.test_explain import NEURON_STEPS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail("CI must have chromium (apt-get install chromium)")
        pytest.skip("no chromium here: apt-get install chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],  # fmt: skip
        )
        yield browser
        browser.close()


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


def open_page(browser, url, elsewhere):
    """A new page at `url` whose requests to any host but 127.0.0.1 are blocked and recorded."""
    page = browser.new_page(viewport={"width": 1600, "height": 700})

    def only_loopback(route):
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(url)
    return page


def test_next_prev_and_arrow_keys_step_through_backprop(browser, serve, tmp_path):
    page_file = export_html(build_neuron(), tmp_path / "steps.html")
    elsewhere = []
    page = open_page(browser, serve(page_file), elsewhere)
    visible = ".frame:not([hidden])"
    assert page.inner_text("#counter") == "step 0 of 10"
    assert "every grad is 0" in page.inner_text(f"{visible} .sentence")

    for _ in range(3):
        page.click("#next")
    page.keyboard.press("ArrowRight")  # step 4: b.grad += dn/db * dL/dn
    assert page.inner_text("#counter") == "step 4 of 10"
    assert page.inner_text(f"{visible} .sentence") == NEURON_STEPS[3]
    frame = page.locator(visible)
    parent = frame.get_attribute("data-parent")
    assert page.locator(f"{visible} svg g#{parent} text").first.text_content() == "b"
    fill = page.locator(f"{visible} svg g#{parent} path, {visible} svg g#{parent} polygon").first.get_attribute("fill")
    assert fill.lower() == HIGHLIGHT_PARENT
    page.screenshot(path=str(tmp_path / "step4.png"))
    assert (tmp_path / "step4.png").read_bytes().startswith(b"\x89PNG")

    page.keyboard.press("ArrowLeft")
    page.click("#prev")
    assert page.inner_text("#counter") == "step 2 of 10"
    assert page.inner_text(f"{visible} .sentence") == NEURON_STEPS[1]
    for _ in range(20):
        page.click("#next")
    assert page.inner_text("#counter") == "step 10 of 10"  # stops at the last step
    assert page.inner_text(f"{visible} .sentence") == NEURON_STEPS[-1]
    assert elsewhere == []


def test_a_hostile_layer_name_is_text_and_clicking_its_box_runs_nothing(browser, serve, tmp_path):
    from tests.test_render import HOSTILE_LAYER, hostile_cluster_graph

    root, style = hostile_cluster_graph()
    page_file = export_html(root, tmp_path / "steps.html", **style)
    elsewhere, dialogs = [], []
    page = open_page(browser, serve(page_file), elsewhere)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    url = page.url
    visible = ".frame:not([hidden])"
    assert page.locator(f"{visible} svg a").count() == 0
    layer_box = page.locator(f"{visible} svg g.cluster", has_text=HOSTILE_LAYER).first
    assert layer_box.count() == 1
    layer_box.locator("text").first.click()
    layer_box.locator("path, polygon").first.click(force=True)
    page.wait_for_timeout(200)
    assert dialogs == [] and page.url == url and elsewhere == []
