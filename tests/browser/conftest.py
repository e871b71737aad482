"""Browser-test harness: a live Tuttu server and a real (Debian) Chromium driven by Playwright.

Fixtures
  live_server   base URL of the test's `app` (tests/conftest.py) served by Werkzeug in a thread
  browser       one headless Chromium per test session
  persistent_context  the same with a real on-disk profile (Chromium says incognito apps can't install)
  context       a fresh browser context at 360x640 (service workers allowed); `context.requests`
                lists every request URL the page and its workers made
  page          a page in that context; `page.console_errors` collects console errors and page errors
  axe           axe(page) -> serious/critical axe-core violations as a list of dicts
  goto          goto(page, path) opens a path on the live server and waits until the shell is ready
  shell         helpers: wait_ready, wait_for_service_worker, foreign_requests, start_anonymously

Tests that use a browser fixture skip with a clear reason when /usr/bin/chromium or playwright is
missing, and fail instead when REQUIRE_BROWSER=1 (CI). Tests needing only live_server or app always run.
"""
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest

from tests.browser.helpers import PHONE, wait_ready
from tests.support import serving

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--no-first-run", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
]
VIEWPORT = {"width": 360, "height": 640}
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# Chromium logs every 4xx/5xx fetch as a console error; screens handle these on purpose.
EXPECTED_HTTP_ERRORS = ("/api/sessions/",)   # /next and /<id>: 404 is shown as "no chat planned" / "not found"


def _missing_browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


MISSING_BROWSER = _missing_browser()


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app):
    """Serve the test's app on 127.0.0.1:<free port> (a secure context, so service workers run)."""
    with serving(app) as base_url:
        app.config["LIVE_SERVER_URL"] = base_url
        yield base_url


# 4xx fetches the screens handle on purpose; and Werkzeug's test server writes an HTTP response after a
# closed WebSocket, which Chromium reports as "Invalid frame header" (flask-sock issue #77; not under gunicorn).
KNOWN_CONSOLE_NOISE = ("Failed to load resource", "Invalid frame header")


@pytest.fixture
def person(browser, live_server):
    """person(viewport=PHONE, service_workers="allow") -> a page in its own browser context (its own cookies:
    a separate person); page.console_errors collects its console and page errors, less known noise."""
    contexts = []

    def make(viewport=PHONE, service_workers="allow"):
        context = browser.new_context(viewport=viewport, base_url=live_server, locale="en-GB",
                                      service_workers=service_workers, timezone_id="Europe/Helsinki")
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on("console", lambda m: m.type == "error" and not any(known in m.text for known in KNOWN_CONSOLE_NOISE)
                and page.console_errors.append(m.text))
        page.on("pageerror", lambda error: page.console_errors.append(f"page error: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def playwright_instance():
    """Playwright, or a skip with the reason (a failure when REQUIRE_BROWSER=1, as in CI)."""
    if MISSING_BROWSER:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests required (REQUIRE_BROWSER=1) but {MISSING_BROWSER}", pytrace=False)
        pytest.skip(MISSING_BROWSER)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh profile: phone-sized, English unless a test sets locale, requests recorded."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server, locale="en-GB",
                                  service_workers="allow", timezone_id="Europe/Helsinki")
    context.set_default_timeout(10_000)
    context.requests = []
    context.on("request", lambda request: context.requests.append(request.url))
    yield context
    context.close()


@pytest.fixture
def persistent_context(playwright_instance, live_server, tmp_path):
    """A context with a real on-disk profile (not incognito), e.g. for installability checks."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        viewport=VIEWPORT, base_url=live_server, locale="en-GB", timezone_id="Europe/Helsinki")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.console_errors = []

    def on_console(message):
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        if "Failed to load resource" in message.text and any(p in location for p in EXPECTED_HTTP_ERRORS):
            return
        page.console_errors.append(f"{message.text} ({location})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.console_errors.append(f"page error: {error}"))
    yield page


def wait_for_service_worker(page):
    """Wait until a service worker controls the page (first install claims it)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def foreign_requests(context, base_url):
    """Every recorded request that left the live server's origin (data: and blob: are local)."""
    own = urlparse(base_url).netloc
    return [url for url in context.requests
            if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).netloc != own]


@pytest.fixture
def goto():
    """goto(page, '/me') -> the page once the shell has booted and the screen has rendered."""
    def go(page, path="/"):
        page.goto(path)
        wait_ready(page)
        return page
    return go


@pytest.fixture
def shell(live_server):
    """Helpers for browser tests: shell.wait_ready(page), shell.wait_for_service_worker(page),
    shell.foreign_requests(context), shell.start_anonymously(page) -> the youth's handle."""
    def start_anonymously(page):
        page.goto("/me")
        wait_ready(page)
        page.locator("main").get_by_role("button", name=re.compile("Start anonymously|Aloita")).click()
        handle = page.locator(".handle")
        handle.wait_for()
        return handle.inner_text()

    return SimpleNamespace(url=live_server, wait_ready=wait_ready, wait_for_service_worker=wait_for_service_worker,
                           foreign_requests=lambda context: foreign_requests(context, live_server),
                           start_anonymously=start_anonymously)


@pytest.fixture
def axe():
    """axe(page, include=None) -> serious and critical WCAG violations on the current screen."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing: {AXE_JS} (see tests/browser/vendor/README.md)")
    source = AXE_JS.read_text(encoding="utf-8")

    def run(page, include=None):
        page.emulate_media(reduced_motion="reduce")   # no half-faded toast measured mid-animation
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(source)          # Runtime.evaluate is not subject to the page's CSP
        results = page.evaluate(
            """async (include) => {
                const result = await axe.run(include || document, {
                  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
                  resultTypes: ['violations'],
                });
                return result.violations
                  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                  .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary)}));
            }""", include)
        return results
    return run
