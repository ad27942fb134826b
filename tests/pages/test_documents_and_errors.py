"""Downloads: shown as links only when there is a file; served safely. Error pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error

from pages.models import Document, Status
from tests.factories import make_article, make_editor, make_page
from tests.helpers import SEEDED_URLS, logged_in, visible_text

pytestmark = pytest.mark.django_db


def test_the_strategic_vision_links_to_its_published_address(client, seeded):
    html = client.get("/strategic-priorities/").text
    assert (
        'href="https://smad6740.files.wordpress.com/2019/07/'
        'niromp-strategic-vision-priorities-2019-22-pdf-1.pdf"'
    ) in html


def test_youth_friendly_version_is_listed_once_a_file_is_uploaded(client, seeded, media):
    youth = Document.objects.get(slug="youth-friendly-strategic-priorities")
    before = client.get("/about-us/")
    assert "Youth Friendly Strategic Priorities" not in visible_text(before)
    assert "/documents/youth-friendly-strategic-priorities/" not in before.text

    youth.file.save("youth-friendly.pdf", ContentFile(b"%PDF-1.4 youth friendly"))
    after = client.get("/about-us/").text
    assert 'href="/documents/youth-friendly-strategic-priorities/"' in after


def uploaded(slug="annual-report", name="annual report.pdf", **fields) -> Document:
    document = Document.objects.create(title=slug.replace("-", " ").title(), slug=slug, **fields)
    document.file.save(name, ContentFile(b"%PDF-1.4 report"))
    return document


def test_an_uploaded_document_is_served_inline_with_its_type(client, media):
    make_page(title="Reports").documents.add(uploaded())
    response = client.get("/documents/annual-report/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert re.match(
        r'inline; filename="annual_report(_\w+)?\.pdf"', response["Content-Disposition"]
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"


def test_a_document_without_a_file_is_not_found(client, seeded):
    assert client.get("/documents/youth-friendly-strategic-priorities/").status_code == 404


# Who may download: the public only what a live page lists (or what stands on its own).


def test_a_document_attached_to_a_draft_page_is_not_downloadable_by_the_public(client, media):
    make_page(title="Draft plans", status=Status.DRAFT).documents.add(uploaded())

    response = client.get("/documents/annual-report/")

    assert response.status_code == 404
    assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_a_document_no_page_lists_is_not_downloadable_by_the_public(client, media):
    uploaded()

    assert client.get("/documents/annual-report/").status_code == 404


def test_a_document_on_a_page_inside_a_draft_section_is_not_downloadable(client, media):
    section = make_page(title="Section", status=Status.DRAFT)
    make_page(title="Inside", parent=section).documents.add(uploaded())

    assert client.get("/documents/annual-report/").status_code == 404


def test_a_document_on_a_scheduled_page_is_not_downloadable_until_the_page_is_live(client, media):
    page = make_page(title="Soon", publish_at=timezone.now() + timedelta(days=1))
    page.documents.add(uploaded())
    assert client.get("/documents/annual-report/").status_code == 404

    page.publish_at = timezone.now() - timedelta(minutes=1)
    page.save()
    assert client.get("/documents/annual-report/").status_code == 200


def test_a_document_published_elsewhere_is_not_revealed_while_only_a_draft_lists_it(client, db):
    document = Document.objects.create(
        title="Draft plan", slug="draft-plan", external_url="https://example.org/plan.pdf"
    )
    make_page(title="Draft plans", status=Status.DRAFT).documents.add(document)

    assert client.get("/documents/draft-plan/").status_code == 404


def test_a_document_marked_public_on_its_own_is_downloadable_without_a_page(client, media):
    uploaded(public_on_its_own=True)

    assert client.get("/documents/annual-report/").status_code == 200


def test_a_live_article_does_not_make_a_document_public(client, media):
    """Articles list no documents; a live one beside a draft page changes nothing."""
    make_article(title="Live news")
    make_page(title="Draft plans", status=Status.DRAFT).documents.add(uploaded())

    assert client.get("/documents/annual-report/").status_code == 404


def test_staff_who_may_view_documents_preview_an_unlisted_one(media, django_user_model):
    make_page(title="Draft plans", status=Status.DRAFT).documents.add(uploaded())
    editor = logged_in(make_editor())

    response = editor.get("/documents/annual-report/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 report"
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_a_moderator_cannot_preview_an_unlisted_document(media, django_user_model):
    moderator = django_user_model.objects.create_user(username="mo", password=None, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    uploaded()

    assert logged_in(moderator).get("/documents/annual-report/").status_code == 404


def test_an_editor_marks_a_document_public_on_its_own_in_the_admin(
    client, media, django_user_model
):
    editor = logged_in(make_editor())
    document = uploaded()
    assert client.get("/documents/annual-report/").status_code == 404
    url = f"/admin/pages/document/{document.pk}/change/"
    assert "public_on_its_own" in editor.get(url).context["adminform"].form.fields

    response = editor.post(
        url,
        {"title": document.title, "slug": document.slug, "public_on_its_own": "on"},
    )

    assert response.status_code == 302, response.content[:2000]
    assert client.get("/documents/annual-report/").status_code == 200


def test_every_seeded_document_with_a_file_stays_downloadable(client, seeded):
    """The seed's documents are listed on live pages: nothing a reader could
    download before is lost."""
    documents = [d for d in Document.objects.all() if d.is_available]
    assert documents
    for document in documents:
        response = client.get(f"/documents/{document.slug}/")
        assert response.status_code in {200, 302}, document.slug


def test_the_500_page_stands_alone_and_apologises():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Sorry, something went wrong" in response.content.decode()


PUBLIC_PAGES = [*SEEDED_URLS, "/news/", "/news/press-releases/", "/no-such-page/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_the_accessible_frame(client, seeded, url):
    html = client.get(url).text
    assert html.count("<h1") == 1
    assert '<html lang="en-GB">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav aria-label="Main">' in html
    assert "<footer" in html
    assert "Purpose and limitations of this website" in html
    assert re.search(r'<meta name="description" content="[^"]{20,}">', html)
    assert '<meta property="og:title" content="' in html
    assert "<script" not in html  # no JavaScript, ours or anyone else's
