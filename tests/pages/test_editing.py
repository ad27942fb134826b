"""Editors at work in the admin: draft, preview, schedule, publish, roll back,
recover; rich text sanitised on every write path; documents uploaded safely."""

import json
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from pages.models import Article, Document, Page, Status
from tests.factories import make_article, make_page
from tests.helpers import admin_add, admin_change, form_data, form_errors, visible_text

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
ATOM = "{http://www.w3.org/2005/Atom}"


def atom_titles(response) -> set[str]:
    feed = ElementTree.fromstring(response.content)
    return {entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")}


# --- Draft, preview, publish -------------------------------------------------------------


def test_an_editor_drafts_previews_and_publishes_a_page(client, editor_client):
    admin_add(
        editor_client,
        "page",
        title="Annual conference",
        slug="annual-conference",
        body="<p>Save the date.</p>",
        status=Status.DRAFT,
    )
    page = Page.objects.get(slug="annual-conference")
    assert page.status == Status.DRAFT

    assert client.get("/annual-conference/").status_code == 404

    preview = editor_client.get("/annual-conference/")
    assert preview.status_code == 200
    text = visible_text(preview)
    assert "Preview." in text
    assert "Save the date." in text

    now = timezone.now()
    admin_change(
        editor_client,
        page,
        status=Status.PUBLISHED,
        publish_at=now,
        body="<p>Join us in Leeds on 7 July.</p>",
    )
    page.refresh_from_db()
    assert page.status == Status.PUBLISHED
    assert now - timedelta(seconds=1) <= page.publish_at <= now
    assert page.is_live

    public = client.get("/annual-conference/")
    assert public.status_code == 200
    text = visible_text(public)
    assert "Join us in Leeds on 7 July." in text
    assert "Save the date." not in text
    assert "Preview." not in text


# --- Scheduled publication ---------------------------------------------------------------


def summer_morning_two_years_on() -> datetime:
    """09:30 UK time on 1 July two years from now (British Summer Time: 08:30 UTC)."""
    return datetime(timezone.now().year + 2, 7, 1, 9, 30, tzinfo=LONDON)


def test_a_scheduled_page_appears_exactly_when_due(client, editor_client):
    due = summer_morning_two_years_on()
    admin_add(
        editor_client,
        "page",
        title="Conference report",
        slug="conference-report",
        body="<p>What we heard.</p>",
        status=Status.PUBLISHED,
        publish_at=due,
    )
    page = Page.objects.get(slug="conference-report")
    # The time the editor typed is UK time.
    assert page.publish_at == datetime(due.year, 7, 1, 8, 30, tzinfo=UTC)

    assert client.get("/conference-report/").status_code == 404
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert client.get("/conference-report/").status_code == 404
    with time_machine.travel(due, tick=False):
        response = client.get("/conference-report/")
        assert response.status_code == 200
        assert "What we heard." in visible_text(response)


def test_a_scheduled_article_appears_exactly_when_due_in_the_list_and_feeds(client, editor_client):
    due = summer_morning_two_years_on()
    admin_add(
        editor_client,
        "article",
        kind=Article.Kind.PRESS_RELEASE,
        title="Embargoed statement",
        slug="embargoed-statement",
        summary="Under embargo until the morning.",
        body="<p>The statement.</p>",
        status=Status.PUBLISHED,
        publish_at=due,
    )
    assert Article.objects.get(slug="embargoed-statement").publish_at == due

    def seen_everywhere() -> dict[str, bool]:
        return {
            "detail": client.get("/news/embargoed-statement/").status_code == 200,
            "news list": "Embargoed statement" in visible_text(client.get("/news/")),
            "press list": "Embargoed statement"
            in visible_text(client.get("/news/press-releases/")),
            "news feed": "Embargoed statement" in atom_titles(client.get("/news/feed/")),
            "press feed": "Embargoed statement"
            in atom_titles(client.get("/news/press-releases/feed/")),
            "rss feed": b"Embargoed statement" in client.get("/news/feed/rss/").content,
        }

    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert not any(seen_everywhere().values()), seen_everywhere()
    with time_machine.travel(due, tick=False):
        assert all(seen_everywhere().values()), seen_everywhere()


def test_the_publish_time_help_text_names_the_uk_time_zone(editor_client):
    for model in ("page", "article"):
        response = editor_client.get(f"/admin/pages/{model}/add/")
        assert "Europe/London" in response.context["adminform"].form.fields["publish_at"].help_text
        assert "Europe/London" in response.text


# --- Revisions ---------------------------------------------------------------------------


def test_every_admin_save_is_kept_as_a_revision(editor_client, editor):
    admin_add(editor_client, "page", title="Minutes", slug="minutes", body="<p>One.</p>")
    page = Page.objects.get(slug="minutes")
    assert Version.objects.get_for_object(page).count() == 1
    admin_change(editor_client, page, body="<p>Two.</p>")
    admin_change(editor_client, page, body="<p>Three.</p>")
    versions = Version.objects.get_for_object(page)
    assert versions.count() == 3
    assert {v.revision.user for v in versions} == {editor}
    assert [v.field_dict["body"] for v in versions.order_by("pk")] == [
        "<p>One.</p>",
        "<p>Two.</p>",
        "<p>Three.</p>",
    ]


def test_the_history_names_only_what_the_editor_changed(editor_client):
    """The editor sends an untouched body back laid out its own way (no line
    breaks between blocks); the history does not call that a change."""
    body = "<p>One.</p>\n<h2>Two</h2>\n<p>Three &amp; four.</p>"
    admin_add(editor_client, "page", title="Minutes", slug="minutes", body=body)
    page = Page.objects.get(slug="minutes")
    relaid = "<p>One.</p><h2>Two</h2><p>Three &amp; four.</p>"
    admin_change(editor_client, page, body=relaid, description="The minutes of our meetings.")
    comment = Version.objects.get_for_object(page).first().revision.comment
    assert "Description" in comment and "Body" not in comment
    admin_change(editor_client, page, body="<p>One.</p><h2>Two</h2><p>Five.</p>")
    assert "Body" in Version.objects.get_for_object(page).first().revision.comment


def test_an_editor_rolls_back_a_bad_edit(client, editor_client):
    admin_add(
        editor_client,
        "page",
        title="Membership",
        slug="membership",
        body="<p>Membership is open to every IRO manager.</p>",
        status=Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    page = Page.objects.get(slug="membership")
    admin_change(editor_client, page, body="<p>Oops, pasted the wrong thing.</p>")
    assert "Oops" in visible_text(client.get("/membership/"))

    history = editor_client.get(f"/admin/pages/page/{page.pk}/history/")
    assert history.status_code == 200
    first = Version.objects.get_for_object(page).order_by("pk").first()
    revision_url = f"/admin/pages/page/{page.pk}/history/{first.pk}/"
    assert len(history.context["action_list"]) == 2
    assert revision_url in history.text

    revision_form = editor_client.get(revision_url)
    assert revision_form.status_code == 200
    data = form_data(revision_form)
    assert data["body"] == "<p>Membership is open to every IRO manager.</p>"
    # Viewing an old revision changes nothing.
    assert "Oops" in visible_text(client.get("/membership/"))

    response = editor_client.post(revision_url, data)
    assert response.status_code == 302, form_errors(response)

    text = visible_text(client.get("/membership/"))
    assert "Membership is open to every IRO manager." in text
    assert "Oops" not in text
    assert Version.objects.get_for_object(page).count() == 3  # the roll-back is kept too


def test_a_deleted_page_can_be_recovered(client, editor_client):
    admin_add(
        editor_client,
        "page",
        title="Members",
        slug="members",
        body="<p>Our members.</p>",
        status=Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    page = Page.objects.get(slug="members")
    response = editor_client.post(f"/admin/pages/page/{page.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Page.objects.filter(slug="members").exists()
    assert client.get("/members/").status_code == 404

    recover_list = editor_client.get("/admin/pages/page/recover/")
    assert recover_list.status_code == 200
    deleted = Version.objects.get_deleted(Page).get()
    assert deleted.object_repr == "Members"
    recover_url = f"/admin/pages/page/recover/{deleted.pk}/"
    assert recover_url in recover_list.text

    recover_form = editor_client.get(recover_url)
    assert recover_form.status_code == 200
    assert not Page.objects.filter(slug="members").exists()  # showing the form recovers nothing
    response = editor_client.post(recover_url, form_data(recover_form))
    assert response.status_code == 302, form_errors(response)

    assert Page.objects.get(slug="members").pk == page.pk
    response = client.get("/members/")
    assert response.status_code == 200
    assert "Our members." in visible_text(response)


# --- The sanitiser, on every write path --------------------------------------------------

DIRTY = (
    "<h2>Our priorities</h2>"
    "<p><strong>Strong</strong> and <em>stressed</em>.</p>"
    "<ul><li>First point</li></ul>"
    '<p><a href="https://www.gov.uk/">A safe link</a> '
    '<a href="javascript:alert(1)">A bad link</a></p>'
    "<blockquote>A quotation</blockquote>"
    '<p onclick="steal(document.cookie)">Click me</p>'
    '<script>alert("owned")</script>'
)


def assert_clean(html: str):
    assert "<script" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "alert" not in html
    assert "steal" not in html
    for kept in (
        "<h2>Our priorities</h2>",
        "<strong>Strong</strong>",
        "<em>stressed</em>",
        "<li>First point</li>",
        'href="https://www.gov.uk/"',
        ">A safe link</a>",
        "<blockquote>A quotation</blockquote>",
        "Click me",
        "A bad link",
    ):
        assert kept in html, kept


def test_admin_post_sanitises_a_page_body(client, editor_client):
    admin_add(
        editor_client,
        "page",
        title="Dirty page",
        slug="dirty-page",
        body=DIRTY,
        status=Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    assert_clean(Page.objects.get(slug="dirty-page").body)
    html = client.get("/dirty-page/").text
    assert '<h2 id="our-priorities">Our priorities</h2>' in html  # the id for a contents list
    assert "onclick" not in html and "javascript:" not in html and "<script" not in html


def test_admin_post_sanitises_an_articles_notes_to_editors(editor_client):
    admin_add(
        editor_client,
        "article",
        kind=Article.Kind.PRESS_RELEASE,
        title="Dirty release",
        slug="dirty-release",
        body=DIRTY,
        notes_to_editors=DIRTY,
    )
    article = Article.objects.get(slug="dirty-release")
    assert_clean(article.notes_to_editors)
    assert_clean(article.body)


def test_create_from_the_shell_sanitises():
    page = Page.objects.create(title="Shell page", slug="shell-page", body=DIRTY)
    assert_clean(page.body)
    article = Article.objects.create(
        title="Shell release", slug="shell-release", body=DIRTY, notes_to_editors=DIRTY
    )
    article.refresh_from_db()
    assert_clean(article.body)
    assert_clean(article.notes_to_editors)
    page.refresh_from_db()
    assert_clean(page.body)


def test_bulk_create_sanitises():
    Page.objects.bulk_create([Page(title="Bulk page", slug="bulk-page", body=DIRTY)])
    assert_clean(Page.objects.get(slug="bulk-page").body)


def test_save_after_assignment_sanitises():
    page = make_page(title="Assigned page")
    page.body = DIRTY
    page.save()
    assert_clean(page.body)
    page.refresh_from_db()
    assert_clean(page.body)

    article = make_article(title="Assigned release")
    article.notes_to_editors = DIRTY
    article.save(update_fields=["notes_to_editors"])
    article.refresh_from_db()
    assert_clean(article.notes_to_editors)


def test_loaddata_sanitises(tmp_path):
    fixture = tmp_path / "dirty.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "pages.page",
                    "pk": 901,
                    "fields": {
                        "title": "Loaded page",
                        "slug": "loaded-page",
                        "status": "published",
                        "publish_at": "2024-01-01T09:00:00Z",
                        "body": DIRTY,
                    },
                },
                {
                    "model": "pages.article",
                    "pk": 901,
                    "fields": {
                        "title": "Loaded release",
                        "slug": "loaded-release",
                        "status": "published",
                        "publish_at": "2024-01-01T09:00:00Z",
                        "body": DIRTY,
                        "notes_to_editors": DIRTY,
                    },
                },
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert_clean(Page.objects.get(pk=901).body)
    article = Article.objects.get(pk=901)
    assert_clean(article.body)
    assert_clean(article.notes_to_editors)


# --- Documents ---------------------------------------------------------------------------

PDF = b"%PDF-1.4\n% a small test document\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def test_an_uploaded_pdf_opens_in_the_browser(client, editor_client, media):
    admin_add(
        editor_client,
        "document",
        title="Annual report 2025",
        slug="annual-report-2025",
        file=SimpleUploadedFile("annual-report.pdf", PDF, content_type="application/pdf"),
        public_on_its_own=True,  # no page lists it (see tests/pages/test_documents_and_errors.py)
    )
    document = Document.objects.get(slug="annual-report-2025")
    assert document.file_type == "PDF"
    response = client.get("/documents/annual-report-2025/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.match(
        r'inline; filename="annual-report(_\w+)?\.pdf"', response["Content-Disposition"]
    )
    assert b"".join(response.streaming_content) == PDF


def test_an_uploaded_word_document_is_downloaded(client, editor_client, media):
    admin_add(
        editor_client,
        "document",
        title="Terms of reference",
        slug="terms-of-reference",
        file=SimpleUploadedFile("terms.docx", DOCX, content_type=WORD),
        public_on_its_own=True,
    )
    assert Document.objects.get(slug="terms-of-reference").file_type == "Word"
    response = client.get("/documents/terms-of-reference/")
    assert response.status_code == 200
    assert response["Content-Type"] == WORD
    assert re.match(r'attachment; filename="terms(_\w+)?\.docx"', response["Content-Disposition"])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00 not a pdf at all", "does not look like a PDF file"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", ".exe is not accepted"),
        ("huge.pdf", PDF + b"x" * 200, "documents can be at most"),
    ],
    ids=["pdf-in-name-only", "exe", "too-big"],
)
def test_unsafe_or_oversized_uploads_are_refused(
    editor_client, media, settings, name, content, message
):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 100
    url = "/admin/pages/document/add/"
    data = form_data(
        editor_client.get(url),
        title="Refused",
        slug="refused",
        file=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors["file"]), errors
    assert message in response.content.decode().replace("\xa0", " ")
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_document_is_listed_on_the_page_that_links_it(client, editor_client, media):
    admin_add(
        editor_client,
        "document",
        title="Annual report 2025",
        slug="annual-report-2025",
        file=SimpleUploadedFile("annual-report.pdf", PDF, content_type="application/pdf"),
    )
    document = Document.objects.get(slug="annual-report-2025")
    page = make_page(title="Reports")
    assert "Annual report 2025" not in visible_text(client.get("/reports/"))

    admin_change(editor_client, page, documents=[document.pk])
    response = client.get("/reports/")
    assert "Download: Annual report 2025 (PDF)" in visible_text(response)
    assert 'href="/documents/annual-report-2025/"' in response.text


def test_the_youth_friendly_document_becomes_a_link_once_uploaded(
    client, editor_client, seeded, media
):
    youth = Document.objects.get(slug="youth-friendly-strategic-priorities")
    # Without a file it is not listed to readers at all.
    assert "Youth Friendly Strategic Priorities" not in visible_text(client.get("/about-us/"))
    admin_change(
        editor_client,
        youth,
        file=SimpleUploadedFile(
            "youth-friendly-strategic-priorities.pdf", PDF, content_type="application/pdf"
        ),
    )
    response = client.get("/about-us/")
    assert 'href="/documents/youth-friendly-strategic-priorities/"' in response.text
    assert "not yet available to download" not in visible_text(response)
    download = client.get("/documents/youth-friendly-strategic-priorities/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"


# Nesting ---------------------------------------------------------------------


def test_a_page_three_levels_down_is_served_at_its_full_address(client):
    top = make_page(title="Regions")
    section = make_page(title="North West", parent=top)
    page = make_page(title="Meetings", parent=section, body="<p>Quarterly.</p>")

    response = client.get("/regions/north-west/meetings/")

    assert page.get_absolute_url() == "/regions/north-west/meetings/"
    assert response.status_code == 200
    assert "Quarterly." in visible_text(response)


def test_a_page_cannot_be_put_a_fourth_level_down():
    top = make_page(title="Regions")
    section = make_page(title="North West", parent=top)
    page = make_page(title="Meetings", parent=section)
    deeper = Page(title="Minutes", slug="minutes", parent=page)

    with pytest.raises(ValidationError) as refused:
        deeper.full_clean()

    assert "at most 3 levels deep" in " ".join(refused.value.message_dict["parent"])


def test_a_section_with_pages_cannot_be_moved_where_they_would_sit_too_deep():
    regions = make_page(title="Regions")
    north_west = make_page(title="North West", parent=regions)
    events = make_page(title="Events")
    make_page(title="Conference", parent=make_page(title="2017", parent=events))

    events.parent = north_west
    with pytest.raises(ValidationError) as refused:
        events.full_clean()

    assert "parent" in refused.value.message_dict
