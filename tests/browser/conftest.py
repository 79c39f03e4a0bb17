"""Browser tests of the back office: Playwright for Python driving Debian's Chromium
(``apt-get install chromium``; Playwright's own browser download is never used) against the
platform the cross-service suite starts (the session ``platform`` fixture).

Every step of a journey leaves a screenshot in ``tests/browser/screenshots/`` (ignored by
git; CI keeps the folder), named ``<test>-<step number>-<what>.png``.
"""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# The desk the back office is made for.
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, test_name: str):
        self.prefix = re.sub(r"[^\w-]", "_", test_name)
        self.step = 0
        SCREENSHOTS.mkdir(exist_ok=True)
        for old in SCREENSHOTS.glob(f"{self.prefix}-*.png"):
            old.unlink()

    def __call__(self, page: Page, what: str, *, full_page: bool = False) -> Path:
        self.step += 1
        path = SCREENSHOTS / f"{self.prefix}-{self.step:02d}-{what}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def shots(request) -> Shots:
    return Shots(request.node.name)


@pytest.fixture
def browser_page(chromium, platform) -> Iterator[Page]:
    """A fresh browser (no cookies) at a 1280 x 800 desk."""
    context = chromium.new_context(viewport=VIEWPORT, base_url=platform.gateway)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()
