"""`make screenshots`: what a reader, a moderator and an editor see, on a
phone (390 px wide) and a desktop (1,280 px), as PNG files and an index.html
that lays them out with captions.

    .venv/bin/python tools/screenshots.py [FOLDER]     # default var/screenshots

It builds its own site in a temporary folder, the way the browser tests do
(tests/live_site.py: its own SQLite file, migrate, seed_content,
collectstatic, gunicorn with DEBUG off), never touching db.sqlite3; adds a
sample moderator and editor (create_staff_account) and a few held comments
from obviously sample readers (through comments.services, as the form does);
then drives Debian's chromium with Playwright through each journey.
"""

import argparse
import html
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, sign_in  # noqa: E402
from tests.live_site import LiveSite, free_port, gunicorn, site_environment  # noqa: E402

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# A clipped screenshot stops here, so no PNG is a ten-metre scroll.
MAX_HEIGHT = 3000
MARGIN = 24  # around a clipped region, so it does not touch the edge
# The same picture every run: no blinking caret, animations at their end.
STILL = {"animations": "disabled", "caret": "hide"}

PRESS_RELEASE = "/news/niromp-responds-to-community-care-poll/"
STAFF = [("moderator", "sample-moderator"), ("editor", "sample-editor")]

# Held comments waiting for the moderator, from readers no one could mistake
# for real people; submitted through the same service the comment form calls.
SAMPLE_COMMENTS = """
from comments import services
from pages.models import Article, Page
press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
about = Page.objects.get(slug="about-us")
for target, name, body in [
    (press, "Sample Reader One", "A sample comment for the screenshots: thank you for "
     "setting out the partnership's view of the IRO role so clearly."),
    (about, "Sample Reader Two", "A sample comment for the screenshots: is there a list "
     "of the regional meetings for next year?"),
    (press, "Sample Reader Three", "A sample comment for the screenshots: a second "
     "held comment, so the moderator has a next one to go to."),
]:
    services.submit_comment(
        target=target, author_name=name, author_email="sample.reader@example.org",
        body=body, permalink=target.get_absolute_url(),
    )
"""


@dataclass
class Shot:
    file: str
    journey: str
    caption: str


@dataclass
class Camera:
    """Takes the screenshots into `folder` and remembers them for the index."""

    folder: Path
    shots: list[Shot] = field(default_factory=list)

    def take(
        self,
        page: Page,
        file: str,
        journey: str,
        caption: str,
        *,
        region=None,
        full=False,
        max_height=MAX_HEIGHT,
    ):
        """The first screen; or, with `region` (a locator), that part of the
        page; or, with `full`, the page from the top; both at most `max_height`.

        A long part is shot through a viewport made that tall, not as a clip
        of the full page: chromium stalls on a full-page capture of a phone
        page 25,000 px long (the press release with its comments)."""
        path = self.folder / file
        screen = page.viewport_size
        if region is None and not full:
            page.screenshot(path=path, **STILL)
        else:
            if region is None:
                page.evaluate("window.scrollTo(0, 0)")
                height = page.evaluate("document.documentElement.scrollHeight")
            else:
                height = region.evaluate("e => e.getBoundingClientRect().height") + 2 * MARGIN
            height = int(min(height, max_height))
            page.set_viewport_size({"width": screen["width"], "height": height})
            try:
                top = 0
                if region is not None:
                    region.evaluate("e => e.scrollIntoView({block: 'start'})")
                    top = region.evaluate("e => e.getBoundingClientRect().top") - MARGIN
                    # At the page's end the region cannot reach the top of the screen.
                    top = max(0, min(top, height - 1))
                clip = {"x": 0, "y": top, "width": screen["width"], "height": height - top}
                page.screenshot(path=path, clip=clip, **STILL)
            finally:
                page.set_viewport_size(screen)
        self.shots.append(Shot(file, journey, caption))


# The journeys ------------------------------------------------------------------

READER, MODERATOR, EDITOR = "Reader", "Moderator", "Editor"


def reader_home(page: Page, site: LiveSite, camera: Camera) -> None:
    page.set_viewport_size(PHONE)
    page.goto(site.url + "/")
    camera.take(page, "reader-home-phone.png", READER, "Home, first screen, on a phone")
    page.get_by_role("navigation", name="Main").get_by_text("Menu", exact=True).click()
    camera.take(page, "reader-menu-phone.png", READER, "Home with the menu opened, on a phone")
    page.set_viewport_size(DESKTOP)
    page.goto(site.url + "/")
    camera.take(page, "reader-home-desktop.png", READER, "Home, first screen, on a desktop")


def reader_press_release(page: Page, site: LiveSite, camera: Camera) -> None:
    for size, device in [(PHONE, "phone"), (DESKTOP, "desktop")]:
        page.set_viewport_size(size)
        page.goto(site.url + PRESS_RELEASE)
        camera.take(
            page,
            f"reader-press-release-{device}.png",
            READER,
            f"The press release, first screen with its contents list, on a {device}",
        )


def reader_comments(page: Page, site: LiveSite, camera: Camera) -> None:
    page.set_viewport_size(DESKTOP)
    page.goto(site.url + PRESS_RELEASE)
    camera.take(
        page,
        "reader-comment-form-desktop.png",
        READER,
        "The press release's comment form, on a desktop",
        region=page.locator("#respond"),
    )
    page.set_viewport_size(PHONE)
    page.goto(site.url + PRESS_RELEASE)
    form = page.locator("#comment-form")
    camera.take(
        page,
        "reader-comment-form-phone.png",
        READER,
        "The comment form, on a phone",
        region=page.locator("#respond"),
    )
    # A mistake: no name, and an e-mail address without an @.
    form.get_by_role("textbox", name="E-mail").fill("sample.reader.example.org")
    text = "A sample comment for the screenshots, posted by a reader in the browser."
    form.get_by_role("textbox", name="Comment").fill(text)
    form.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("alert")).to_be_visible()
    camera.take(
        page,
        "reader-comment-errors-phone.png",
        READER,
        "The comment form after a failed submit: the errors, and what was typed kept",
        region=page.locator("#respond"),
    )
    form.get_by_role("textbox", name="Name").fill("Sample Reader")
    form.get_by_role("textbox", name="E-mail").fill("sample.reader@example.org")
    form.get_by_role("button", name="Post comment").click()
    status = page.get_by_role("status").filter(has_text="awaiting moderation")
    expect(status).to_be_visible()
    camera.take(
        page,
        "reader-comment-posted-phone.png",
        READER,
        "After posting, where the page opens: the reader's own held comment, focused",
    )
    camera.take(
        page,
        "reader-comment-thanks-phone.png",
        READER,
        "After posting, in the reader's own comment: the thanks and where help is",
        region=status,
    )


def moderator_queue(page: Page, site: LiveSite, camera: Camera) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, site, "moderator")
    camera.take(page, "moderator-admin-home-desktop.png", MODERATOR, "The admin's front page")
    page.get_by_role("link", name="awaiting moderation").first.click()
    expect(page.locator("#result_list")).to_be_visible()
    queue = page.url
    camera.take(
        page,
        "moderator-queue-desktop.png",
        MODERATOR,
        "The queue of held comments, oldest first, on a desktop",
        full=True,
    )
    page.set_viewport_size(PHONE)
    camera.take(
        page,
        "moderator-queue-phone.png",
        MODERATOR,
        "The queue of held comments, on a phone",
        full=True,
    )
    page.set_viewport_size(DESKTOP)
    page.goto(queue)
    page.locator("#result_list tbody tr").first.get_by_role("link").first.click()
    approve = page.get_by_role("button", name="Approve and next")
    expect(approve).to_be_visible()
    camera.take(
        page,
        "moderator-decision-desktop.png",
        MODERATOR,
        "One held comment's own page: its whole text and the decision under it",
        full=True,
    )
    page.set_viewport_size(PHONE)
    camera.take(
        page,
        "moderator-decision-phone.png",
        MODERATOR,
        "The same decision page, on a phone",
        full=True,
    )
    page.set_viewport_size(DESKTOP)
    approve.click()
    expect(page.get_by_text("The comment was approved and published.")).to_be_visible()
    camera.take(
        page,
        "moderator-after-approve-desktop.png",
        MODERATOR,
        "After “Approve and next”: the message, and the next held comment",
        full=True,
    )


def editor_press_release(page: Page, site: LiveSite, camera: Camera) -> None:
    page.set_viewport_size(DESKTOP)
    sign_in(page, site, "editor")
    page.goto(site.url + "/admin/pages/article/?kind__exact=press-release")
    page.get_by_role("link", name="Community Care poll").first.click()
    expect(page.get_by_role("button", name="Save", exact=True).first).to_be_visible()
    camera.take(
        page,
        "editor-press-release-edit-desktop.png",
        EDITOR,
        "The press release's edit form, top: the save buttons above the fields",
    )
    camera.take(
        page,
        "editor-body-toolbar-desktop.png",
        EDITOR,
        "Further down the same form: the body's rich-text editor and its toolbar",
        region=page.locator(".field-body"),
        max_height=700,
    )
    # One small change, so the history has two versions to compare; at the
    # start of the line, where the comparison shows it without scrolling.
    description = page.get_by_label("Description")
    description.fill("Edited for the screenshots. " + description.input_value())
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    page.get_by_role("link", name="History").first.click()
    camera.take(
        page,
        "editor-history-desktop.png",
        EDITOR,
        "The press release's history: every version, with two to compare",
        full=True,
    )
    page.get_by_role("button", name="compare").first.click()
    camera.take(
        page,
        "editor-compare-desktop.png",
        EDITOR,
        "Comparing the seeded version with the edited one",
        full=True,
    )


JOURNEYS: list[Callable[[Page, LiveSite, Camera], None]] = [
    reader_home,
    reader_press_release,
    reader_comments,
    moderator_queue,
    editor_press_release,
]


# The site, the browser, the index -----------------------------------------------


def prepare(site: LiveSite) -> None:
    """The sample staff accounts (their passwords on `site.accounts`, as
    tests/browser/conftest.py keeps them for sign_in) and held comments."""
    site.accounts = {}
    for role, name in STAFF:
        output = site.manage("create_staff_account", role, name, f"{name}@example.org")
        site.accounts[role] = (name, PASSWORD.search(output).group(1))
    site.manage("shell", "--verbosity", "0", "-c", SAMPLE_COMMENTS)


def take_screenshots(site: LiveSite, browser, folder: Path, journeys=JOURNEYS) -> list[Shot]:
    """Each journey in a fresh browser profile; the index written; the shots."""
    folder.mkdir(parents=True, exist_ok=True)
    camera = Camera(folder)
    for journey in journeys:
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            journey(page, site, camera)
        finally:
            context.close()
    write_index(camera.shots, folder)
    return camera.shots


def write_index(shots: list[Shot], folder: Path) -> Path:
    """index.html: the screenshots under their journey's heading, each with its caption."""
    parts = [
        "<!doctype html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        "<title>NIROMP site: screenshots</title>",
        "<style>body{font-family:sans-serif;margin:2rem;max-width:90rem}"
        "figure{display:inline-block;vertical-align:top;margin:0 2rem 2rem 0}"
        "img{border:1px solid #888;max-width:100%}"
        "figcaption{max-width:40rem;margin-top:.5rem}</style>",
        "</head><body>",
        "<h1>What a reader, a moderator and an editor see</h1>",
    ]
    for journey in dict.fromkeys(shot.journey for shot in shots):
        parts.append(f"<h2>{html.escape(journey)}</h2>")
        for shot in (shot for shot in shots if shot.journey == journey):
            file, caption = html.escape(shot.file), html.escape(shot.caption)
            parts.append(
                f'<figure><a href="{file}"><img src="{file}" alt="{caption}" loading="lazy"></a>'
                f"<figcaption>{caption} <small>({file})</small></figcaption></figure>"
            )
    parts.append("</body></html>")
    index = folder / "index.html"
    index.write_text("\n".join(parts) + "\n")
    return index


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default=REPO_ROOT / "var" / "screenshots", type=Path)
    folder = parser.parse_args().folder.resolve()
    if not CHROMIUM.exists():
        print(f"No browser at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 1
    try:  # before the minute it takes to build the site
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        print(f"Cannot write the screenshots to {folder}: {error.strerror}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="niromp-screenshots-") as tmp:
        tmp = Path(tmp)
        port = free_port()
        env = site_environment(tmp, port, DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}")
        site = LiveSite(f"http://127.0.0.1:{port}", tmp / "db.sqlite3", tmp / "gunicorn.log", env)
        print(f"Building a sample site in {tmp} ...", file=sys.stderr)
        site.manage("migrate", "--no-input")
        site.manage("seed_content")
        site.manage("collectstatic", "--no-input", "--verbosity", "0")
        prepare(site)
        with gunicorn(env, site.url, site.log), sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            shots = take_screenshots(site, browser, folder)
            browser.close()
    for shot in shots:
        print(folder / shot.file)
    print(folder / "index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
