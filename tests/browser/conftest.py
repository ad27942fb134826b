"""Browser tests: Playwright (the PyPI package) driving Debian's chromium
against a live copy of the site served by gunicorn (tests/live_site.py).

Without /usr/bin/chromium these tests are skipped with the reason shown;
with REQUIRE_BROWSER=1 (as .ci/run sets it) a missing browser fails them."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.fake_akismet import VALID_KEY
from tests.live_site import LiveSiteError, live_site

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = re.compile(r"One-time password: (\S+)")
# What axe-core checks on every page a browser test scans: WCAG 2.2 AA and its best practices.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    # WCAG 2.2 2.5.8 Target Size (Minimum): off by default in axe-core.
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


MISSING = f"no browser at {CHROMIUM} (apt-get install chromium)"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("REQUIRE_BROWSER"):
        return  # with REQUIRE_BROWSER, the browser fixture fails instead
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=MISSING))


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"REQUIRE_BROWSER is set but there is {MISSING}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory, fake_akismet_server):
    """The site under test, with Akismet pointed at the fake server and a
    moderator and an editor made by create_staff_account."""
    tmp = tmp_path_factory.mktemp("browser-site")
    try:
        with live_site(
            tmp,
            AKISMET_API_KEY=VALID_KEY,
            AKISMET_SITE_URL="http://127.0.0.1",
            AKISMET_API_URL=fake_akismet_server.url,
            AKISMET_TIMEOUT="2",
        ) as site:
            site.accounts = {}
            for role, name in [("moderator", "moira"), ("editor", "eddie")]:
                output = site.manage("create_staff_account", role, name, f"{name}@example.org")
                site.accounts[role] = (name, PASSWORD.search(output).group(1))
            yield site
    except LiveSiteError as error:
        pytest.fail(str(error))


@pytest.fixture
def context(browser):
    """A fresh browser profile: no cookies, as a new reader."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    yield context
    context.close()


@pytest.fixture
def page(context, site):
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    return page


def sign_in(page, site, role):
    username, password = site.accounts[role]
    page.goto(site.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(site.url + "/admin/")


def axe_report(violations) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {', '.join(map(str, node['target']))}")
            lines.append(f"    {node['failureSummary']}".replace("\n", "\n    "))
    return "\n".join(lines)
