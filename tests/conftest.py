"""What several test modules share: Debian's chromium, launched once for the session."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def chromium():
    """Headless chromium driven by Playwright (executable_path: no browser download); skipped
    without it, except in CI, where it must be there."""
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
