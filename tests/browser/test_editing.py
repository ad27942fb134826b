"""An editor writes a page in the admin's rich-text editor, previews the draft,
publishes it and edits it again, in a real browser under the site's CSP."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


@pytest.fixture
def reader(browser, site):
    """An anonymous reader in a browser profile of their own."""
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.console_errors = errors
    yield page
    context.close()


def body_editor(page):
    """The editable area of the page body's rich-text editor. (Found by its
    class: see test_the_body_editor_is_named_for_screen_readers.)"""
    return page.locator(".field-body .ProseMirror[contenteditable='true']")


def test_an_editor_drafts_previews_publishes_and_edits_a_page(page, site, reader):
    uid = uuid.uuid4().hex[:8]
    title = f"Regional meeting notes {uid}"
    slug = f"regional-meeting-notes-{uid}"
    public_url = f"{site.url}/{slug}/"

    sign_in(page, site, "editor")
    page.get_by_role("link", name="Pages").first.click()
    page.get_by_role("link", name="Add page").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add page")
    page.get_by_role("textbox", name="Title").press_sequentially(title)
    expect(page.get_by_role("textbox", name="Slug")).to_have_value(slug)
    editor = body_editor(page)
    editor.click()
    page.keyboard.type(f"Draft notes {uid} for the regions. ")
    page.get_by_role("button", name="bold", exact=True).click()
    page.keyboard.type("Bold words")
    page.keyboard.press("ControlOrMeta+B")
    page.keyboard.type(" and plain again.")
    expect(editor.locator("strong")).to_have_text("Bold words")
    expect(page.get_by_role("combobox", name="Status")).to_have_value("draft")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.get_by_text(f"The page “{title}” was added successfully.")).to_be_visible()
    change_url = page.url
    assert re.search(r"/admin/pages/page/\d+/change/$", change_url)

    # The draft, previewed by the editor.
    page.get_by_role("link", name="View on site").click()
    expect(page).to_have_url(public_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    banner = page.get_by_role("status").filter(has_text="Preview.")
    expect(banner).to_contain_text("This is not on the public site yet (draft)")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"Draft notes {uid} for the regions. Bold words and plain again.")
    expect(main.locator("strong", has_text="Bold words")).to_have_count(1)

    # Not public yet.
    assert reader.goto(public_url).status == 404
    reader.console_errors.clear()  # the browser reports the 404 itself

    # Published.
    page.goto(change_url)
    page.get_by_role("combobox", name="Status").select_option(label="Published")
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.get_by_text(f"The page “{title}” was changed successfully.")).to_be_visible()
    assert reader.goto(public_url).status == 200
    expect(reader.get_by_role("heading", level=1)).to_have_text(title)
    expect(reader.get_by_role("main")).to_contain_text(f"Draft notes {uid} for the regions.")
    expect(reader.get_by_role("main").locator("strong", has_text="Bold words")).to_have_count(1)
    expect(reader.get_by_text("Preview.")).to_have_count(0)

    # Edited while live: the public page changes.
    editor = body_editor(page)
    editor.click()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.press("Enter")
    page.keyboard.type(f"Updated after the meeting {uid}.")
    expect(editor.locator("p")).to_have_count(2)
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text(f"The page “{title}” was changed successfully.")).to_be_visible()
    reader.reload()
    expect(reader.get_by_role("main")).to_contain_text(f"Updated after the meeting {uid}.")
    expect(reader.get_by_role("main")).to_contain_text(f"Draft notes {uid} for the regions.")
    expect(reader.get_by_text("Preview.")).to_have_count(0)
    assert reader.console_errors == []

    # The admin's add and change pages, the editor and the preview ran under
    # the site's CSP without a violation or a script error.
    assert page.console_errors == []


def test_the_body_editor_keeps_the_spaces_typed_around_bold_text(page, site):
    sign_in(page, site, "editor")
    page.goto(site.url + "/admin/pages/page/add/")
    body_editor(page).click()
    page.keyboard.type("One two. ")
    page.keyboard.press("ControlOrMeta+B")
    page.keyboard.type("Bold words")
    page.keyboard.press("ControlOrMeta+B")
    page.keyboard.type(" and three.")
    # What the form sends: ordinary spaces, outside the bold text.
    expect(page.locator("textarea#id_body")).to_have_value(
        "<p>One two. <strong>Bold words</strong> and three.</p>"
    )


def test_the_body_editor_is_named_for_screen_readers(page, site):
    sign_in(page, site, "editor")
    page.goto(site.url + "/admin/pages/page/add/")
    editor = page.get_by_role("textbox", name="Body")
    expect(editor).to_be_visible()
    expect(editor).to_have_attribute("contenteditable", "true")
    for name in ["bold", "italic", "unordered list", "ordered list", "blockquote"]:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()


def test_a_long_press_release_keeps_its_toolbar_in_view_spell_checked_and_counted(page, site):
    sign_in(page, site, "editor")
    page.goto(site.url + "/admin/pages/article/?kind__exact=press-release")
    page.get_by_role("link", name=re.compile("Community Care poll")).click()
    # Save is above the form as well as below it.
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(2)

    editor = body_editor(page)
    expect(editor).not_to_have_attribute("spellcheck", "false")
    # Deep in the body, the toolbar is still on screen.
    editor.locator("blockquote").last.scroll_into_view_if_needed()
    toolbar = page.locator(".field-body .prose-menubar")
    box = toolbar.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    bold = page.locator(".field-body").get_by_role("button", name="bold", exact=True)
    expect(bold).to_be_in_viewport()

    # The description's count of what is left, as the editor types.
    description = page.get_by_label("Description")
    description.fill("A short description.")
    expect(page.locator("#id_description_count")).to_have_text("You have 280 characters remaining")
    assert page.console_errors == []
