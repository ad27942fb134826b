"""A moderator removes a phone number from a flagged comment and approves it;
the safeguarding lead reads the text as it was, sees the open case on the list
of cases and records what was done. Each admin screen has no axe-core
violations."""

import re
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import AXE_OPTIONS, PASSWORD, axe_report, sign_in

PAGE = "/about-us/"
PHONE = "07700 900123"


@pytest.fixture
def lead_account(site):
    if "lead" not in site.accounts:
        output = site.manage("create_staff_account", "safeguarding-lead", "sol", "sol@example.org")
        site.accounts["lead"] = ("sol", PASSWORD.search(output).group(1))
    return site.accounts["lead"]


def no_violations(page, where):
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], f"axe-core on {where}:\n{axe_report(violations)}"


def test_a_moderator_redacts_and_approves_and_the_lead_closes_the_case(browser, site, lead_account):
    name = f"Sam {uuid.uuid4().hex[:6]}"
    text = f"my stepdad hits me, ring me on {PHONE} after school"

    reader = browser.new_context(locale="en-GB").new_page()
    reader.goto(site.url + PAGE)
    form = reader.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="E-mail").fill("sam@example.org")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()
    expect(reader.get_by_role("status")).to_contain_text("awaiting moderation")

    # The moderator: opens the flagged comment, ticks the phone number, approves.
    moderator = browser.new_context(locale="en-GB").new_page()
    sign_in(moderator, site, "moderator")
    moderator.goto(site.url + "/admin/comments/comment/?status=all&concern=any")
    moderator.get_by_role("row").filter(has_text=name).get_by_role("link").first.click()
    checkbox = moderator.get_by_role("checkbox", name=re.compile(re.escape(f"“{PHONE}”")))
    expect(checkbox).to_be_visible()
    no_violations(moderator, "a flagged comment's page (moderator)")
    checkbox.check()
    moderator.get_by_role("button", name="Approve and next").click()
    expect(moderator.get_by_text("The comment was approved and published.")).to_be_visible()

    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(site.url + PAGE)
    published = visitor.get_by_role("article", name=f"Comment by {name}")
    expect(published).to_contain_text("ring me on [removed] after school")
    expect(published).not_to_contain_text(PHONE)

    # The lead: the front page counts open cases; the list leads to the comment.
    lead = browser.new_context(locale="en-GB").new_page()
    sign_in(lead, site, "lead")
    lead.get_by_role("link", name=re.compile(r"\d+ open safeguarding cases?")).click()
    expect(lead.get_by_role("heading", level=1)).to_contain_text("safeguarding case")
    no_violations(lead, "the open safeguarding cases")
    row = lead.get_by_role("row").filter(has_text=name)
    expect(row).to_contain_text("Possible disclosure of harm")
    row.get_by_role("link").click()
    expect(lead.get_by_text(text)).to_be_visible()  # the text before redaction
    no_violations(lead, "a redacted comment's page (lead)")
    lead.get_by_role("combobox", name="What was done").select_option(label="Referred")
    lead.get_by_role("button", name="Save", exact=True).click()
    expect(lead.get_by_text("The outcome was recorded.")).to_be_visible()

    lead.goto(site.url + "/admin/comments/safeguardingcase/")
    expect(lead.get_by_role("row").filter(has_text=name)).to_have_count(0)
    for page in (reader, moderator, visitor, lead):
        page.context.close()
