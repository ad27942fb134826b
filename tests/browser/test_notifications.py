"""A reader asks, in a real browser, to be e-mailed about their comment;
confirms from the link in the e-mail the site sends, hears when a moderator
publishes it, and stops the e-mails from the link in that one. axe-core finds
no violations on any of the pages, and none shows the address.

The live site prints its e-mail to its log (the console backend, as a
`make run` checkout does); a moderator's approval, run through manage.py,
prints the e-mail it sends."""

import re
import uuid
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import AXE_OPTIONS

PAGE = "/about-us/"
LINK = re.compile(r"https?://\S+/comments/notifications/(confirm|unsubscribe)/[^/\s]+/")
SEPARATOR = "-" * 79


def links_to(output: str, address: str, kind: str) -> list[str]:
    """The paths of the `kind` links in the e-mails to `address` in the
    console backend's `output`, each once (an unsubscribe link is in the
    body and the List-Unsubscribe header)."""
    found = []
    for message in output.split(SEPARATOR):
        if re.search(rf"^To: {re.escape(address)}$", message, re.M):
            found += [
                urlsplit(m.group(0)).path for m in LINK.finditer(message) if m.group(1) == kind
            ]
    return list(dict.fromkeys(found))


def assert_accessible_and_private(page, address):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], [v["id"] for v in violations]
    assert address not in page.content()


def test_a_reader_confirms_then_stops_emails_about_their_comment(page, site):
    address = f"reader-{uuid.uuid4().hex[:8]}@example.org"
    text = f"Useful, thank you ({uuid.uuid4().hex})."
    page.goto(site.url + PAGE)
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill("Robin Reader")
    form.get_by_role("textbox", name="E-mail").fill(address)
    form.get_by_role("textbox", name="Comment").fill(text)
    box = form.get_by_role("checkbox", name="E-mail me when my comment is published")
    expect(box).not_to_be_checked()
    expect(box).to_have_accessible_description(re.compile("one e-mail to check"))
    box.check()
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    assert address not in page.content()

    # The confirmation went before the page came back: one, with one link.
    (confirm,) = links_to(site.log.read_text(errors="replace"), address, "confirm")
    page.goto(site.url + confirm)
    expect(page.get_by_role("heading", level=1)).to_have_text("Get e-mails about your comments")
    assert_accessible_and_private(page, address)
    page.get_by_role("button", name="Yes, e-mail me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You'll get e-mails about your comments"
    )
    assert_accessible_and_private(page, address)

    # A moderator publishes it; the reader's e-mail has the link that stops them.
    (comment,) = site.comments_containing(text)
    approval = site.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from comments import services; "
        "from comments.models import Comment; "
        f"services.approve(comment=Comment.objects.get(pk={comment['id']}), "
        "moderator=User.objects.get(username='moira'))",
    )
    (unsubscribe,) = links_to(approval, address, "unsubscribe")
    assert re.search(rf"^List-Unsubscribe: <\S+{re.escape(unsubscribe)}>$", approval, re.M)
    page.goto(site.url + unsubscribe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Stop e-mails about your comments")
    assert_accessible_and_private(page, address)
    page.get_by_role("button", name="Stop e-mails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "You will not get any more e-mails about your comments"
    )
    assert_accessible_and_private(page, address)

    # A link that was cut short says so, plainly.
    response = page.goto(site.url + confirm[:-5] + "/")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    assert_accessible_and_private(page, address)
