"""A reader leaves a comment in a real browser, puts a mistake right with the
keyboard alone, and is told it awaits moderation; nobody else sees it yet."""

import re
import uuid

import pytest
from playwright.sync_api import expect

PAGE = "/about-us/"


@pytest.fixture
def other_reader(browser, site):
    """A second reader, in a browser profile of their own."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_reader_corrects_a_comment_with_the_keyboard_and_it_awaits_moderation(
    page, site, other_reader
):
    name = f"Ann Reader {uuid.uuid4().hex[:6]}"
    text = f"Thank you for the regional updates ({uuid.uuid4().hex}).\nPlease keep them coming."
    page.goto(site.url + PAGE)
    form = page.locator("#comment-form")
    # A mistake: no name, and an e-mail address without an @.
    form.get_by_role("textbox", name="E-mail").fill("ann.example.org")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()

    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    name_link = summary.get_by_role("link", name="Name: Enter your name")
    expect(name_link).to_have_attribute("href", "#id_author_name")
    expect(
        summary.get_by_role("link", name="E-mail: Enter an e-mail address like name@example.com")
    ).to_have_attribute("href", "#id_author_email")
    name_box = form.get_by_role("textbox", name="Name")
    email_box = form.get_by_role("textbox", name="E-mail")
    expect(name_box).to_have_attribute("aria-invalid", "true")
    expect(name_box).to_have_accessible_description(re.compile("Enter your name"))
    expect(email_box).to_have_attribute("aria-invalid", "true")
    expect(email_box).to_have_accessible_description(
        re.compile("Enter an e-mail address like name@example.com")
    )
    # What they typed is still there, mistakes included.
    expect(email_box).to_have_value("ann.example.org")
    expect(form.get_by_role("textbox", name="Comment")).to_have_value(text)

    # From here on, the keyboard only. The form was posted to #respond, so the
    # first Tab reaches the error summary's first link.
    page.keyboard.press("Tab")
    expect(name_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(name_box).to_be_focused()
    page.keyboard.type(name)
    page.keyboard.press("Tab")
    expect(email_box).to_be_focused()
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("ann@example.org")
    page.keyboard.press("Tab")
    expect(form.get_by_role("textbox", name="Website")).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
    page.keyboard.press("Tab")  # past the hidden honeypot field, to the checkbox
    expect(form.get_by_role("checkbox", name="Save my name and e-mail")).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("checkbox", name="E-mail me when my comment")).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Post comment")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(re.escape(site.url + PAGE) + r"#comment-\d+$"))
    expect(page.get_by_role("status")).to_contain_text(
        "Thank you. Your comment has been received and is awaiting moderation"
    )
    # Every reader, whatever they wrote, is told what happens next and where help is.
    status = page.get_by_role("status")
    expect(status).to_contain_text("A person reads every comment before it appears")
    expect(status).to_contain_text("call 999")
    expect(status).to_contain_text("0800 1111")
    expect(status.get_by_role("link", name="childline.org.uk")).to_have_attribute(
        "href", "https://www.childline.org.uk/"
    )
    expect(status).to_contain_text("0808 800 5000")
    expect(page.get_by_role("alert")).to_have_count(0)
    comment = page.get_by_role("article", name=f"Comment by {name}")
    expect(comment).to_contain_text("Your comment is awaiting moderation. Only you can see it.")
    expect(comment).to_contain_text(text.splitlines()[0])
    expect(comment).to_contain_text("Please keep them coming.")
    assert page.console_errors == []

    # Another reader does not see it.
    other_reader.goto(site.url + PAGE)
    expect(other_reader.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(other_reader.get_by_role("article", name=f"Comment by {name}")).to_have_count(0)
    expect(other_reader.get_by_text(text.splitlines()[0])).to_have_count(0)


def test_a_new_reader_is_not_opted_in_to_being_remembered(page, site):
    """Keeping the name and e-mail in a cookie is the reader's choice: the box
    starts unticked, and without ticking it no details are kept."""
    page.goto(site.url + PAGE)
    remember = page.get_by_role("checkbox", name="Save my name and e-mail")
    expect(remember).not_to_be_checked()
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill("Bea Reader")
    form.get_by_role("textbox", name="E-mail").fill("bea@example.org")
    form.get_by_role("textbox", name="Comment").fill(f"Not remembered {uuid.uuid4().hex}")
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    assert "comment_author" not in {cookie["name"] for cookie in page.context.cookies()}
    expect(form.get_by_role("textbox", name="Name")).to_have_value("")
