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

    # From here on, the keyboard only. The form was posted to #error-summary, so the
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


# GOV.UK's patterns, on a phone and on a desktop --------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
SUCCESS_GREEN = "rgb(0, 112, 60)"


@VIEWPORTS
def test_a_form_with_mistakes_is_in_govuk_order_and_its_summary_takes_the_focus(
    page, site, viewport
):
    page.set_viewport_size(viewport)
    page.goto(site.url + PAGE)
    expect(page).not_to_have_title(re.compile("Error"))
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="E-mail").fill("ann.example.org")
    form.get_by_role("button", name="Post comment").click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(page).to_have_title(re.compile(r"^Error: \w"))
    # Each field: its label, its hint (if it has one), its error message, then the box.
    for name, hint in [("author_name", False), ("author_email", True), ("body", True)]:
        field_id = f"id_{name}"
        parts = page.evaluate(
            "id => [...document.getElementById('div_' + id).children]"
            ".map(e => e.id || e.tagName.toLowerCase())",
            field_id,
        )
        hints = [f"{field_id}_helptext"] if hint else []
        assert parts == ["label", *hints, f"{field_id}_error", field_id], name
        expect(page.locator(f"#{field_id}")).to_have_attribute(
            "aria-describedby", " ".join([*hints, f"{field_id}_error"])
        )
        error = page.locator(f"p#{field_id}_error.error-message")
        expect(error.locator("span.visually-hidden")).to_have_text("Error:")
    expect(form.get_by_role("textbox", name="E-mail")).to_have_accessible_description(
        "Required. Never shown on the site. Error: Enter an e-mail address like name@example.com"
    )
    # The summary's links lead to the boxes.
    summary.get_by_role("link", name="Comment: Enter your comment").click()
    expect(form.get_by_role("textbox", name="Comment")).to_be_focused()
    assert page.console_errors == []


def test_a_reply_quotes_the_comment_says_what_happens_and_can_be_cancelled(page, site):
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/strategic-priorities/")
    reply = page.get_by_role("link", name=re.compile(r"^Reply to ")).first
    author = reply.get_attribute("aria-label").removeprefix("Reply to ")
    comment_id = re.search(r"replyto=(\d+)", reply.get_attribute("href")).group(1)
    words = page.locator(f"#comment-{comment_id} .comment__body").inner_text().split()
    reply.click()

    respond = page.locator("#respond")
    expect(respond.get_by_role("heading", name=f"Reply to {author}")).to_be_in_viewport()
    quote = respond.locator("figure.reply-quote")
    expect(quote.locator("blockquote")).to_contain_text(" ".join(words[:8]))
    expect(quote.locator("figcaption")).to_have_text(author)
    # What happens to a comment, above the form, in plain words; no spam service named.
    note = respond.locator(".comment-note")
    expect(note).to_contain_text("A person reads every comment before it appears on this page")
    expect(note).to_contain_text("We do not reply to comments by e-mail")
    assert note.bounding_box()["y"] < respond.locator("#comment-form").bounding_box()["y"]
    expect(page.locator("#comments")).not_to_contain_text("Akismet")
    expect(respond.locator("input[name=parent]")).to_have_value(comment_id)

    respond.get_by_role("link", name="Cancel reply").click()
    expect(page).to_have_url(re.compile(rf"/strategic-priorities/#comment-{comment_id}$"))
    expect(page.locator(f"#comment-{comment_id}")).to_be_in_viewport()
    expect(page.get_by_role("heading", name="Leave a comment")).to_be_attached()
    expect(page.locator("#comment-form input[name=parent]")).to_have_value("")
    page.goto(site.url + "/privacy-policy/")
    expect(page.get_by_role("main")).to_contain_text("sent to Akismet")


@VIEWPORTS
def test_after_posting_the_reader_lands_on_their_comment_with_the_confirmation(
    page, site, viewport
):
    page.set_viewport_size(viewport)
    name = f"Cy Reader {uuid.uuid4().hex[:6]}"
    page.goto(site.url + PAGE)
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="E-mail").fill("cy@example.org")
    form.get_by_role("textbox", name="Comment").fill(f"Posted on a {viewport['width']} px screen.")
    form.get_by_role("button", name="Post comment").click()

    expect(page).to_have_url(re.compile(r"#comment-\d+$"))
    comment = page.locator("#" + page.url.rsplit("#", 1)[-1])
    expect(comment).to_have_accessible_name(f"Comment by {name}")
    banner = comment.get_by_role("status")
    expect(banner.get_by_role("heading", name="Comment received")).to_be_visible()
    expect(banner).to_contain_text("Your comment has been received and is awaiting moderation")
    expect(banner).to_contain_text("call 999")  # the signposting shares the box
    # Their comment has the focus (read out from its banner) and is on screen.
    expect(comment).to_be_focused()
    expect(banner).to_be_in_viewport()
    expect(banner).to_have_css("border-left-color", SUCCESS_GREEN)
    # Nothing at the top of the page, and nowhere else.
    expect(page.get_by_role("status")).to_have_count(1)
    expect(page.locator(".messages")).to_have_count(0)
    assert page.console_errors == []
