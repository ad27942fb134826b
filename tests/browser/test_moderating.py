"""A moderator works through the held queue in the admin: approves one comment,
marks another as spam; a third, judged spam by Akismet, never reaches the queue.
Every comment is posted by a reader through the browser first, except the
twenty a moderator clears one after another, reading each in full."""

import re
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import AXE_OPTIONS, sign_in

PAGE = "/about-us/"
AWAITING = re.compile(r"(\d+) comments? awaiting moderation")


@pytest.fixture
def new_reader(browser, site):
    """Opens pages in fresh browser profiles: readers who have posted nothing."""
    contexts = []

    def open_page():
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def post_comment(page, site, name, text):
    """`page`'s reader comments on PAGE as `name`; they are thanked."""
    page.goto(site.url + PAGE)
    form = page.locator("#comment-form")
    form.get_by_role("textbox", name="Name").fill(name)
    form.get_by_role("textbox", name="E-mail").fill("reader@example.org")
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")


def open_held_queue(page):
    """From the admin index, the link with the number held; returns that number."""
    link = page.get_by_role("link", name=AWAITING)
    expect(link).to_be_visible()
    held = int(AWAITING.search(link.inner_text()).group(1))
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Comments awaiting moderation \(\d+\)$")
    )
    expect(page.get_by_role("link", name="Held for moderation")).to_be_visible()
    return held


def show_status(page, status):
    """Narrows the list with the "By status" filter."""
    by_status = page.locator("#changelist-filter details").filter(has_text="By status")
    by_status.get_by_role("link", name=status, exact=True).click()
    expect(by_status.locator("li.selected")).to_have_text(status)


def run_action(page, text, action):
    """Selects the row with `text` and runs `action` on it."""
    row = page.get_by_role("row").filter(has_text=text)
    expect(row).to_have_count(1)
    row.get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label=action)
    page.get_by_role("button", name="Run").click()


def test_a_moderator_approves_a_held_comment_and_readers_see_it(page, site, new_reader):
    name = f"Cal Reader {uuid.uuid4().hex[:6]}"
    text = f"A comment worth publishing ({uuid.uuid4().hex})"
    reader = new_reader()
    post_comment(reader, site, name, text)
    stranger = new_reader()
    stranger.goto(site.url + PAGE)
    expect(stranger.get_by_text(text)).to_have_count(0)

    sign_in(page, site, "moderator")
    held = open_held_queue(page)
    assert held >= 1
    row = page.get_by_role("row").filter(has_text=text)
    expect(row.locator(".field-status_label")).to_have_text(re.compile(r"^Held · "))
    expect(row).to_contain_text(name)
    expect(row).not_to_contain_text("reader@example.org")  # on the comment's page, folded
    run_action(page, text, "Approve: publish on the site")
    expect(page.get_by_text("1 comment(s) approved and published.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=text)).to_have_count(0)

    page.goto(site.url + "/admin/")
    expect(page.get_by_role("link", name=AWAITING)).to_have_text(
        re.compile(rf"\b{held - 1} comments? awaiting moderation")
    )
    assert page.console_errors == []

    reader_now = new_reader()
    reader_now.goto(site.url + PAGE)
    comment = reader_now.get_by_role("article", name=f"Comment by {name}")
    expect(comment).to_contain_text(text)
    expect(comment).not_to_contain_text("awaiting moderation")
    expect(reader_now.get_by_role("heading", name=re.compile(r"\d+ comments? on"))).to_be_visible()
    # The reader who wrote it sees it published too.
    reader.reload()
    expect(reader.get_by_role("article", name=f"Comment by {name}")).not_to_contain_text(
        "awaiting moderation"
    )


def test_a_comment_the_moderator_marks_as_spam_never_appears(
    page, site, new_reader, fake_akismet_server
):
    name = f"Dee Seller {uuid.uuid4().hex[:6]}"
    text = f"Cheap watches, visit my shop ({uuid.uuid4().hex})"
    reader = new_reader()
    post_comment(reader, site, name, text)

    sign_in(page, site, "moderator")
    open_held_queue(page)
    run_action(page, text, "Mark as spam (reported to Akismet)")
    expect(page.get_by_text("1 comment(s) marked as spam.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=text)).to_have_count(0)
    show_status(page, "Spam")
    expect(page.get_by_role("row").filter(has_text=text)).to_contain_text("Spam")
    assert page.console_errors == []
    reported = [call["comment_content"] for call in fake_akismet_server.calls_to("submit-spam")]
    assert text in reported

    stranger = new_reader()
    stranger.goto(site.url + PAGE)
    expect(stranger.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(stranger.get_by_text(text)).to_have_count(0)
    reader.goto(site.url + PAGE)  # not even its author sees it any more
    expect(reader.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(reader.get_by_text(text)).to_have_count(0)


def test_a_comment_akismet_judges_spam_is_kept_out_of_the_queue(
    page, site, new_reader, fake_akismet_server
):
    assert fake_akismet_server.mode == "ok", "another test left the fake Akismet server changed"
    text = f"Buy followers now ({uuid.uuid4().hex})"
    reader = new_reader()
    post_comment(reader, site, "akismet-guaranteed-spam", text)
    checked = [call["comment_content"] for call in fake_akismet_server.calls_to("comment-check")]
    assert text in checked

    stranger = new_reader()
    stranger.goto(site.url + PAGE)
    expect(stranger.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(stranger.get_by_text(text)).to_have_count(0)
    reader.reload()
    expect(reader.get_by_role("heading", name="Leave a comment")).to_be_visible()
    expect(reader.get_by_text(text)).to_have_count(0)

    sign_in(page, site, "moderator")
    open_held_queue(page)
    expect(page.get_by_role("row").filter(has_text=text)).to_have_count(0)
    # Not lost: it is in the spam folder, with Akismet's verdict.
    show_status(page, "Spam")
    row = page.get_by_role("row").filter(has_text=text)
    expect(row).to_contain_text("akismet-guaranteed-spam")
    expect(row.locator(".field-status_label")).to_have_text("Spam")
    assert page.console_errors == []


# Twenty held comments, oldest first, each longer than the queue's excerpt, so
# the moderator has to open it to read it all. Anything else held (left by
# other tests on this shared site) is taken out of the queue first.
SEED_QUEUE = """
from comments.models import Comment
from pages.models import Page
from tests.factories import make_comment
Comment.objects.filter(status=Comment.Status.HELD).update(status=Comment.Status.REJECTED)
about = Page.objects.get(slug="about-us")
for n in range(20):
    body = f"Queued comment {n:02d} from a reader. " + "A sentence to read in full. " * 15
    make_comment(about, f"Queue Reader {n:02d}", body + f"The end of comment {n:02d}.",
                 days_old=30 - n, verdict="ham")
"""


class Clicks:
    """Counts the moderator's clicks."""

    def __init__(self):
        self.count = 0

    def click(self, locator):
        self.count += 1
        locator.click()


def axe_violations(axe, page) -> list[str]:
    """Each violation axe-core finds, with the elements it found it on."""
    violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
    return [f"{v['id']}: {[node['target'] for node in v['nodes']]}" for v in violations]


def no_page_wide_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_moderator_clears_twenty_held_comments_reading_each_in_full(page, site, tmp_path):
    site.manage("shell", "--verbosity", "0", "-c", SEED_QUEUE)
    axe = Axe()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, site, "moderator")
    clicks = Clicks()

    clicks.click(page.get_by_role("link", name=AWAITING))
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments awaiting moderation (20)")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("Queued comment 00 from a reader.")
    expect(rows.first).to_contain_text("Held · not spam")
    expect(rows.first).to_contain_text("on About Us")
    page.screenshot(path=tmp_path / "queue-1280.png", full_page=True)
    assert axe_violations(axe, page) == []

    clicks.click(rows.first.get_by_role("link", name=re.compile("^Queued comment 00")))
    for n in range(20):
        text = page.locator(".comment-text")
        expect(text).to_contain_text(f"Queued comment {n:02d} from a reader.")
        expect(text).to_contain_text(f"The end of comment {n:02d}.")  # read in full
        expect(text).to_be_in_viewport()
        approve = page.get_by_role("button", name="Approve and next")
        expect(approve).to_be_in_viewport()  # no scrolling to decide
        if n == 0:
            page.screenshot(path=tmp_path / "comment-1280.png", full_page=True)
            assert axe_violations(axe, page) == []
            page.set_viewport_size({"width": 390, "height": 844})
            assert no_page_wide_scroll(page)
            page.screenshot(path=tmp_path / "comment-390.png", full_page=True)
            page.set_viewport_size({"width": 1280, "height": 800})
        clicks.click(approve)
        expect(page.get_by_text("The comment was approved and published.")).to_be_visible()

    expect(page.get_by_text("No more comments awaiting moderation.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comments awaiting moderation (0)")
    print(f"\nclicks to clear 20 held comments: {clicks.count}")
    assert clicks.count <= 25
    published = site.comments_containing("from a reader. A sentence to read in full.")
    assert [c["status"] for c in published] == ["published"] * 20

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site.url + "/admin/comments/comment/?status=published")
    expect(page.locator("#result_list tbody tr").first).to_be_visible()
    assert no_page_wide_scroll(page)
    page.screenshot(path=tmp_path / "queue-390.png", full_page=True)
    print(f"screenshots in {tmp_path}")
    assert page.console_errors == []
