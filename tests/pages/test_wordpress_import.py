"""Moving in from WordPress: `manage.py import_wordpress` on export files
written for these tests (tests/pages/wxr/), checked in the database, on the
public site and in the admin."""

import io
import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from reversion.models import Version

from comments.models import Comment, CommentHistory
from pages.models import Article, Document, Page, Redirect, Status, WordPressItem
from pages.sanitise import sanitise_html
from pages.wordpress_content import autop, to_html
from tests.helpers import visible_text

WXR = Path(__file__).parent / "wxr"
SITE = WXR / "site.xml"
# The test export's comments are from July 2022; "now" is soon after, so the
# recent ones are inside the 30-day retention period and the May one is not.
SOON_AFTER = datetime(2022, 7, 20, 12, 0, tzinfo=UTC)
CAFE = "Café culture \N{EN DASH} Zoë\N{RIGHT SINGLE QUOTATION MARK}s notes & more"


def run_import(path=SITE, *args) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> dict[str, int]:
    models = (Page, Article, Document, Comment, CommentHistory, Redirect, WordPressItem)
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def uploads(tmp_path):
    """The old site's wp-content/uploads, with a PDF and a photo."""
    folder = tmp_path / "uploads" / "2021" / "05"
    folder.mkdir(parents=True)
    (folder / "annual-report.pdf").write_bytes(b"%PDF-1.4\n% a test PDF\n")
    (folder / "team.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    return tmp_path / "uploads"


@pytest.fixture
def imported(db, settings, tmp_path, uploads):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with time_machine.travel(SOON_AFTER, tick=False):
        output = run_import(SITE, "--press-category", "Press Releases", "--media-dir", str(uploads))
    return output


# Content ---------------------------------------------------------------------


def test_posts_become_articles_with_byline_summary_date_and_kind(imported):
    press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
    assert press.kind == Article.Kind.PRESS_RELEASE
    assert press.title == (
        "NIROMP responds to results of Community Care poll "
        "\u2018What should happen to the IRO role?\u2019"
    )
    assert press.byline == "Sharon Martin"
    assert press.summary.startswith("Over 80% of Community Care readers")
    assert press.publish_at == datetime(2022, 7, 6, 23, 0, tzinfo=UTC)
    assert press.status == Status.PUBLISHED
    cafe = Article.objects.get(slug="cafe-culture")
    assert cafe.kind == Article.Kind.NEWS
    assert cafe.title == CAFE
    assert cafe.byline == "Zoë Test-Writer"
    assert cafe.summary == "An excerpt with markup."


def test_statuses_map_to_published_scheduled_and_draft(imported):
    by_title = {a.title: a for a in Article.objects.all()}
    scheduled = by_title["A scheduled post"]
    assert scheduled.status == Status.PUBLISHED
    assert scheduled.publish_at == datetime(2030, 1, 15, 9, 30, tzinfo=UTC)
    for title in ("A draft post", "A pending post", "A private post", "A protected post"):
        assert by_title[title].status == Status.DRAFT, title
    assert "A binned post" not in by_title
    assert "Auto Draft" not in by_title
    assert 'item 12 ("A protected post", WordPress ID 33)' in imported
    assert "revisions: 1" in imported
    assert "menu items: 1" in imported
    assert 'item 14 ("A binned post", WordPress ID 35): in the bin' in imported


def test_missing_gmt_date_falls_back_to_london_time(imported):
    draft = Article.objects.get(title="A draft post")
    # 10:00 on 1 June 2022 in London is 09:00 UTC (summer time).
    assert draft.publish_at == datetime(2022, 6, 1, 9, 0, tzinfo=UTC)
    assert draft.slug == "a-draft-post"


def test_pages_keep_their_hierarchy_and_menu_order(imported):
    about = Page.objects.get(slug="about-the-blog", parent=None)
    regions = Page.objects.get(slug="regions")
    north_west = Page.objects.get(slug="north-west")
    assert about.menu_order == 15
    assert regions.parent == about and regions.menu_order is None
    assert north_west.parent == regions
    assert regions.comments_open is False
    # A fourth level is more than the site allows: it moves up one.
    manchester = Page.objects.get(slug="manchester")
    assert manchester.parent == regions
    assert "pages sit at most 3 levels deep" in imported


def test_content_becomes_clean_paragraphs(imported):
    about = Page.objects.get(slug="about-the-blog")
    assert about.body.startswith(
        "<p>The first paragraph of the page.</p>\n<p>A second paragraph<br>\nwith a line break.</p>"
    )
    regions = Page.objects.get(slug="regions")
    assert "wp:" not in regions.body
    assert "<p>A block-editor paragraph.</p>" in regions.body
    assert "<ul>\n<li>North</li>\n<li>South</li>\n</ul>" in regions.body


def test_shortcodes_and_entities_are_converted(imported):
    body = Article.objects.get(slug="cafe-culture").body
    assert body.startswith("<p>Crème brûlée été \N{EN DASH} naïve text.</p>")
    assert "<figcaption>The team at the 2017 conference</figcaption>" in body
    assert "[gallery" not in body and "[caption" not in body and "[embed" not in body
    assert '<a href="https://video.example.org/watch/123"' in body
    assert '<a href="https://video.example.org/watch/456"' in body


def test_scripts_handlers_and_javascript_links_are_removed(imported):
    body = Article.objects.get(slug="cafe-culture").body
    assert "<script" not in body and "stolen" not in body
    assert "onclick" not in body
    assert "javascript:" not in body
    assert '<a href="https://safe.example.org/"' in body
    # The body went through the site's sanitiser: saving it again changes nothing.
    assert sanitise_html(body) == body


def test_content_through_the_sanitiser_even_inside_a_paragraph(db, tmp_path):
    export = SITE.read_text().replace(
        "Crème brûlée", '<p>Crème <img src=x onerror="alert(1)"><script>alert(3)</script>'
    )
    path = tmp_path / "export.xml"
    path.write_text(export)
    run_import(path)
    body = Article.objects.get(slug="cafe-culture").body
    assert "onerror" not in body and "<script" not in body and "<img" not in body


# Attachments -------------------------------------------------------------------


def test_attachments_with_media_dir_are_copied_and_checked(imported):
    report = Document.objects.get(slug="annual-report")
    assert report.file.name.endswith(".pdf")
    assert report.file.read().startswith(b"%PDF-")
    # The photo is not a document an editor could upload: kept by its address.
    photo = Document.objects.get(slug="team-photo")
    assert not photo.file
    assert photo.external_url == "https://oldblog.example/wp-content/uploads/2021/05/team.jpg"
    assert "the file was refused" in imported
    about = Page.objects.get(slug="about-the-blog")
    assert f'<a href="{report.url}"' in about.body
    assert list(about.documents.all()) == [report]


def test_an_attachment_path_outside_the_media_dir_is_refused(db, tmp_path, uploads):
    (tmp_path / "secret.txt").write_text("not for the site")
    export = SITE.read_text().replace(
        "<![CDATA[2021/05/team.jpg]]>", "<![CDATA[../../secret.txt]]>"
    )
    path = tmp_path / "export.xml"
    path.write_text(export)
    with pytest.raises(CommandError, match="points outside --media-dir; refused"):
        run_import(path, "--media-dir", str(uploads))
    assert Document.objects.count() == 0


def test_attachments_without_media_dir_are_external_documents(db):
    run_import()
    report = Document.objects.get(slug="annual-report")
    assert not report.file
    assert report.external_url == (
        "https://oldblog.example/wp-content/uploads/2021/05/annual-report.pdf"
    )
    assert report.file_type == "PDF"


# Comments ------------------------------------------------------------------------


def test_comments_keep_thread_author_and_status(imported):
    press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
    comments = {c.author_name: c for c in Comment.objects.for_target(press)}
    first, second, third = (
        comments["First Reader"],
        comments["Second Reader"],
        comments["Third Reader"],
    )
    assert (first.parent, second.parent, third.parent) == (None, first, second)
    assert (first.depth, second.depth, third.depth) == (1, 2, 3)
    assert first.author_email == "first@example.org"
    assert first.author_url == "https://first.example.org/"
    assert first.body == "A top-level comment with emphasis & an entity.\n\nIts second paragraph."
    assert first.submitted_at == datetime(2022, 7, 8, 9, 0, tzinfo=UTC)
    assert first.source == Comment.Source.WORDPRESS
    assert comments["Held Reader"].status == Comment.Status.HELD
    assert comments["Cheap Pills"].status == Comment.Status.SPAM
    assert "Binned Reader" not in comments
    pingback = comments["The Independent Reviewing Officer | A Linking Blog"]
    assert pingback.kind == Comment.Kind.PINGBACK
    assert pingback.status == Comment.Status.PUBLISHED
    history = first.history.get()
    assert history.reason == "Imported from WordPress (status approved)."
    assert history.to_status == Comment.Status.PUBLISHED
    assert comments["Held Reader"].history.get().reason == "Imported from WordPress (status held)."


def test_a_javascript_address_for_a_commenter_is_dropped(imported):
    assert Comment.objects.get(author_name="Page Reader").author_url == ""


def test_ip_addresses_follow_the_retention_rule_from_the_comments_date(imported):
    recent = Comment.objects.get(author_name="First Reader")
    assert recent.ip_address == "192.0.2.1"
    assert recent.personal_data_removed_at is None
    old = Comment.objects.get(author_name="Early Reader")
    assert old.ip_address is None
    assert old.personal_data_removed_at == SOON_AFTER


def test_held_comments_are_spam_checked_only_when_asked(db, fake_akismet_server, settings):
    from tests.fake_akismet import VALID_KEY

    fake_akismet_server.mode = "ok"
    fake_akismet_server.calls.clear()
    settings.AKISMET_API_KEY = VALID_KEY
    settings.AKISMET_SITE_URL = "http://testserver"
    settings.AKISMET_API_URL = fake_akismet_server.url
    run_import()
    held = Comment.objects.get(author_name="Held Reader")
    assert held.verdict == Comment.Verdict.UNCHECKED
    assert not fake_akismet_server.calls


def test_check_held_sends_new_held_comments_to_the_spam_check(db, fake_akismet_server, settings):
    from tests.fake_akismet import VALID_KEY

    fake_akismet_server.mode = "ok"
    fake_akismet_server.calls.clear()
    settings.AKISMET_API_KEY = VALID_KEY
    settings.AKISMET_SITE_URL = "http://testserver"
    settings.AKISMET_API_URL = fake_akismet_server.url
    output = run_import(SITE, "--check-held")
    held = Comment.objects.get(author_name="Held Reader")
    assert held.verdict != Comment.Verdict.UNCHECKED
    assert held.history.count() == 2
    assert "Held comments sent to the spam check: 1" in output


# Addresses and the public site -----------------------------------------------------


def test_old_permalinks_redirect_permanently(imported, client):
    press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
    response = client.get("/2022/07/07/niromp-responds-to-community-care-poll/")
    assert response.status_code == 301
    assert response["Location"] == press.get_absolute_url()
    cafe = Article.objects.get(slug="cafe-culture")
    response = client.get("/2022/06/05/caf%C3%A9-culture/")
    assert (response.status_code, response["Location"]) == (301, cafe.get_absolute_url())
    about = Page.objects.get(slug="about-the-blog")
    response = client.get("/about-us-old/")
    assert (response.status_code, response["Location"]) == (301, about.get_absolute_url())
    assert "Redirects created: 6" in imported


def test_wordpress_id_links_redirect_permanently(imported, client):
    press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
    response = client.get("/?p=30")
    assert (response.status_code, response["Location"]) == (301, press.get_absolute_url())
    regions = Page.objects.get(slug="regions")
    response = client.get("/?page_id=21")
    assert (response.status_code, response["Location"]) == (301, regions.get_absolute_url())
    # A draft's ID, an unknown one, and other query strings are not redirected.
    for query in ("?p=32", "?p=9999", "?page_id=30", "?p=abc", "?utm_source=x"):
        assert client.get("/" + query).status_code != 301, query


def test_imported_pages_and_comments_on_the_public_site(imported, client):
    response = client.get("/about-the-blog/regions/")
    assert response.status_code == 200
    assert "A block-editor paragraph." in visible_text(response)
    press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
    text = visible_text(client.get(press.get_absolute_url()))
    for shown in ("First Reader", "A reply to the first comment.", "A reply to the reply."):
        assert shown in text
    for hidden in ("Held Reader", "Cheap Pills", "Binned Reader"):
        assert hidden not in text
    nav = visible_text(client.get("/"))
    assert "About the test blog" in nav
    assert client.get("/news/a-draft-post/").status_code == 404
    assert client.get("/news/a-scheduled-post/").status_code == 404


def test_imported_items_in_the_admin(imported, admin_client):
    articles = admin_client.get(reverse("admin:pages_article_changelist"))
    assert CAFE.replace("&", "&amp;") in articles.content.decode()
    comments = admin_client.get(reverse("admin:comments_comment_changelist") + "?status=held")
    assert "Held Reader" in comments.content.decode()
    comment = Comment.objects.get(author_name="First Reader")
    change = admin_client.get(reverse("admin:comments_comment_change", args=[comment.pk]))
    assert change.status_code == 200
    assert "Imported from WordPress (status approved)." in change.content.decode()


def test_each_imported_item_starts_its_history_with_what_was_imported(imported, admin_client):
    for model in (Page, Article, Document):
        for obj in model.objects.all():
            first = Version.objects.get_for_object(obj).get()
            assert first.revision.comment == "Imported from the old WordPress site."
    press = Article.objects.get(slug="niromp-responds-to-community-care-poll")
    history = admin_client.get(reverse("admin:pages_article_history", args=[press.pk]))
    assert "Imported from the old WordPress site." in history.content.decode()


# Running it again --------------------------------------------------------------------


def test_a_second_run_changes_nothing(imported, uploads):
    before = counts()
    versions = Version.objects.count()
    snapshot = list(Article.objects.values().order_by("pk"))
    with time_machine.travel(SOON_AFTER, tick=False):
        output = run_import(SITE, "--press-category", "Press Releases", "--media-dir", str(uploads))
    assert counts() == before
    assert Version.objects.count() == versions  # no second "first version"
    assert list(Article.objects.values().order_by("pk")) == snapshot
    assert "Created: nothing new." in output
    assert "Redirects created: 0" in output


def test_a_newer_export_adds_and_updates_but_keeps_edits_made_here(db, tmp_path):
    run_import()
    edited = Article.objects.get(slug="a-pending-post")
    edited.body = "<p>Rewritten by an editor here.</p>"
    edited.save()
    newer = (
        SITE.read_text()
        .replace("Coming later.", "Coming later, with more detail.")
        .replace("Waiting for review.", "Waiting for review, changed in WordPress.")
        .replace(
            "</channel>",
            """<item><title>A new post</title><link>https://oldblog.example/new/</link>
            <content:encoded><![CDATA[New.]]></content:encoded><wp:post_id>50</wp:post_id>
            <wp:post_date>2022-08-01 10:00:00</wp:post_date><wp:post_name>a-new-post</wp:post_name>
            <wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item></channel>""",
        )
    )
    newer = newer.replace("A reply to the first comment.", "A reply, corrected in WordPress.")
    newer = newer.replace("A comment still awaiting moderation.", "Changed there too.")
    held = Comment.objects.get(author_name="Held Reader")
    held.status = Comment.Status.REJECTED  # a moderator here got to it first
    held.save()
    path = tmp_path / "newer.xml"
    path.write_text(newer)
    output = run_import(path)
    reply = Comment.objects.get(author_name="Second Reader")
    assert reply.body == "A reply, corrected in WordPress."
    assert reply.history.last().reason == "Updated from WordPress (status approved)."
    assert Comment.objects.get(pk=held.pk).body == "A comment still awaiting moderation."
    assert "comment 305 in item 7" in output
    assert Article.objects.get(slug="a-scheduled-post").body == (
        "<p>Coming later, with more detail.</p>"
    )
    assert Article.objects.get(slug="a-pending-post").body == (
        "<p>Rewritten by an editor here.</p>"
    )
    assert 'item 10 ("A pending post", WordPress ID 39)' in output
    assert Article.objects.filter(slug="a-new-post").count() == 1
    assert Article.objects.filter(slug__startswith="a-scheduled-post").count() == 1


def test_dry_run_prints_the_summary_and_writes_nothing(db, uploads, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    output = run_import(SITE, "--dry-run", "--media-dir", str(uploads))
    assert "Dry run: nothing below was written." in output
    assert "pages: published: 4" in output
    assert all(n == 0 for n in counts().values())
    assert not any((tmp_path / "media").rglob("*.pdf"))


# Bad input ---------------------------------------------------------------------------

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&lol3;</title></channel></rss>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><title>&xxe;</title></channel></rss>"""
NOT_WXR = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>A feed</title><item><title>x</title></item></channel></rss>"""
HEADER = """<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/"
xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><link>https://x.example</link>"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<rss><channel><item></rss>", "is not well-formed XML"),
        (BOMB, "declares the entity &lol;"),
        (XXE, "declares an external entity &xxe; (file:///etc/passwd)"),
        (NOT_WXR, "this is not a WordPress export (WXR)"),
        ("", "is not well-formed XML"),
        (
            HEADER + "<item><title>No ID</title><wp:post_type>post</wp:post_type></item>"
            "</channel></rss>",
            'item 1 ("No ID"): the required element <wp:post_id> is missing.',
        ),
        (
            HEADER + "<item><title>Bad date</title><wp:post_id>5</wp:post_id>"
            "<wp:post_type>post</wp:post_type><wp:status>publish</wp:status>"
            "<wp:post_date_gmt>yesterday</wp:post_date_gmt></item></channel></rss>",
            "WordPress ID 5): the date 'yesterday' is not a date.",
        ),
    ],
    ids=["malformed", "entity-bomb", "xxe", "not-wxr", "empty", "missing-id", "bad-date"],
)
def test_bad_input_is_refused_with_a_clear_message(db, tmp_path, text, message):
    path = tmp_path / "export.xml"
    path.write_text(text)
    with pytest.raises(CommandError) as refused:
        run_import(path)
    assert message in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert all(n == 0 for n in counts().values())


def test_a_problem_late_in_the_file_leaves_nothing_half_imported(db, tmp_path):
    export = SITE.read_text().replace(
        "<wp:comment_approved>trash</wp:comment_approved>",
        "<wp:comment_approved>maybe</wp:comment_approved>",
    )
    path = tmp_path / "export.xml"
    path.write_text(export)
    with pytest.raises(CommandError, match=r"comment 307 in item 7 .*unknown status"):
        run_import(path)
    assert all(n == 0 for n in counts().values())


def test_a_missing_file_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run_import(tmp_path / "nowhere.xml")


# The seed site ------------------------------------------------------------------------


def _seed_snapshot() -> dict:
    pages = {
        page.get_absolute_url(): (
            page.title,
            page.menu_order,
            page.comments_open,
            page.status,
            _unwrapped(page.body),
            [
                (c.author_name, c.kind, c.body, c.status, c.parent_id is None)
                for c in Comment.objects.for_target(page).order_by("author_name", "body")
            ],
        )
        for page in Page.objects.all()
    }
    return pages


def test_the_seed_site_imported_from_wxr_matches_the_fixtures(db, client):
    """seed-site.xml is the fixtures' content as WordPress exports it
    (tests/pages/wxr/render_seed.py writes it)."""
    run_import(WXR / "seed-site.xml", "--press-category", "press-releases")
    imported = _seed_snapshot()
    press = Article.objects.get()
    pages_text = {url: visible_text(client.get(url)) for url in imported}
    Comment.objects.all().delete()
    Redirect.objects.all().delete()
    WordPressItem.objects.all().delete()
    Article.objects.all().delete()
    while Page.objects.exists():
        Page.objects.filter(children__isnull=True).delete()
    Document.objects.all().delete()

    call_command("seed_content", verbosity=0)
    assert _seed_snapshot() == imported
    # A page's downloads list is this site's own (WordPress links files in
    # the text): the one thing the export does not carry.
    for page in Page.objects.all():
        page.documents.clear()
    for url, text in pages_text.items():
        seeded_text = visible_text(client.get(url))
        # Only the comments' dates differ: the fixtures have none.
        strip = r"\d{1,2} \w+ \d{4} at \d\d:\d\d"
        assert _without(seeded_text, strip) == _without(text, strip), url
    seeded = Article.objects.get()
    assert (press.title, press.slug, press.kind, press.byline, press.summary) == (
        seeded.title,
        seeded.slug,
        seeded.kind,
        seeded.byline,
        seeded.summary,
    )
    assert press.publish_at == seeded.publish_at
    # WordPress holds the notes to editors and the contact in the text too.
    assert _unwrapped(seeded.body) in _unwrapped(press.body)
    assert seeded.press_contact in press.body


def _unwrapped(html: str) -> str:
    """Line breaks between block tags show nothing; the rest must match."""
    return re.sub(r"\n(?=<)|(?<=>)\n", "", html)


def _without(text: str, pattern: str) -> str:
    return re.sub(pattern, "", text)


def test_importing_over_the_seed_content_duplicates_nothing(seeded):
    before = counts()
    output = run_import(WXR / "seed-site.xml")
    after = counts()
    assert after["Page"] == before["Page"]
    assert after["Article"] == before["Article"]
    assert after["Comment"] == before["Comment"]
    assert "already on this site at /about-us/; kept as it is." in output


# wpautop -----------------------------------------------------------------------------


def test_autop_keeps_block_markup_whole():
    assert autop("One\n\nTwo\nlines") == "<p>One</p>\n<p>Two<br>\nlines</p>"
    assert autop("<ul>\n<li>a</li>\n</ul>\n\nAfter") == "<ul>\n<li>a</li>\n</ul>\n<p>After</p>"
    assert autop("<blockquote>Said\n\nAgain</blockquote>") == (
        "<blockquote><p>Said</p>\n<p>Again</p></blockquote>"
    )
    assert autop("<p>Already</p>") == "<p>Already</p>"


def test_to_html_turns_attachment_links_into_document_links():
    html = to_html(
        'See <a href="https://old.example/up/a.pdf">it</a>.',
        links={"https://old.example/up/a.pdf": "/documents/a/"},
    )
    assert html == '<p>See <a href="/documents/a/">it</a>.</p>'


# A large export ----------------------------------------------------------------------


def _large_export(path: Path, *, posts: int, comments_per_post: int) -> None:
    items = []
    for n in range(1, posts + 1):
        comments = "".join(
            f"<wp:comment><wp:comment_id>{n * 100 + c}</wp:comment_id>"
            f"<wp:comment_author>Reader {c}</wp:comment_author>"
            f"<wp:comment_author_email>r{c}@example.org</wp:comment_author_email>"
            f"<wp:comment_author_IP>192.0.2.{c}</wp:comment_author_IP>"
            f"<wp:comment_date_gmt>2020-01-01 10:00:{c:02d}</wp:comment_date_gmt>"
            f"<wp:comment_content>Comment {c} on post {n}.</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved>"
            f"<wp:comment_parent>{n * 100 + c - 1 if c % 2 else 0}</wp:comment_parent>"
            "</wp:comment>"
            for c in range(comments_per_post)
        )
        items.append(
            f"<item><title>Post {n}</title><link>https://big.example/{n}/</link>"
            f"<content:encoded><![CDATA[Paragraph one of {n}.\n\nParagraph two.]]>"
            f"</content:encoded><wp:post_id>{n}</wp:post_id>"
            f"<wp:post_date_gmt>2020-01-01 09:00:00</wp:post_date_gmt>"
            f"<wp:post_name>post-{n}</wp:post_name><wp:status>publish</wp:status>"
            f"<wp:post_type>post</wp:post_type>{comments}</item>"
        )
    path.write_text(
        '<?xml version="1.0"?><rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<link>https://big.example</link>" + "".join(items) + "</channel></rss>"
    )


def test_a_large_export_shows_a_progress_bar(db, tmp_path):
    path = tmp_path / "export.xml"
    _large_export(path, posts=100, comments_per_post=5)
    progress = io.StringIO()
    call_command("import_wordpress", str(path), stdout=io.StringIO(), stderr=progress)
    assert "Importing [" in progress.getvalue()
    assert "100% (600/600)" in progress.getvalue()
    small = io.StringIO()
    call_command("import_wordpress", str(SITE), stdout=io.StringIO(), stderr=small)
    assert small.getvalue() == ""


def test_a_large_export_imports_in_one_go(db, tmp_path, capsys):
    path = tmp_path / "large.xml"
    _large_export(path, posts=2000, comments_per_post=10)
    started, cpu = time.perf_counter(), time.process_time()
    output = run_import(path)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    with capsys.disabled():  # the figure for the notes; timings are never asserted
        print(f"\nImported 2,000 posts and 20,000 comments in {elapsed:.1f} s ({cpu:.1f} s CPU)")
    assert Article.objects.count() == 2000
    assert Comment.objects.count() == 20000
    assert Comment.objects.filter(depth=2).count() == 10000
    assert "Redirects created: 2000" in output
