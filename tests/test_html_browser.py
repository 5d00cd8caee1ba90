"""The step-through page in a real headless browser: Debian's chromium, driven by Playwright."""

import os
import shutil

import pytest

from autograd.render import HIGHLIGHT_PARENT, export_html
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


def test_next_prev_and_arrow_keys_step_through_backprop(browser, tmp_path):
    page_file = export_html(build_neuron(), tmp_path / "steps.html")
    page = browser.new_page(viewport={"width": 1600, "height": 700})
    page.goto(page_file.as_uri())
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
