"""Downloads: shown as links only when there is a file; served safely. Error pages."""

import re

import pytest
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.views.defaults import server_error

from pages.models import Document
from tests.helpers import SEEDED_URLS, visible_text

pytestmark = pytest.mark.django_db


def test_the_strategic_vision_links_to_its_published_address(client, seeded):
    html = client.get("/strategic-priorities/").text
    assert (
        'href="https://smad6740.files.wordpress.com/2019/07/'
        'niromp-strategic-vision-priorities-2019-22-pdf-1.pdf"'
    ) in html


def test_youth_friendly_version_is_plain_text_until_a_file_is_uploaded(client, seeded, media):
    youth = Document.objects.get(slug="youth-friendly-strategic-priorities")
    before = client.get("/about-us/").text
    assert "Youth Friendly Strategic Priorities (not yet available to download)" in (
        visible_text(client.get("/about-us/"))
    )
    assert "/documents/youth-friendly-strategic-priorities/" not in before

    youth.file.save("youth-friendly.pdf", ContentFile(b"%PDF-1.4 youth friendly"))
    after = client.get("/about-us/").text
    assert 'href="/documents/youth-friendly-strategic-priorities/"' in after


def test_an_uploaded_document_is_served_inline_with_its_type(client, media):
    document = Document.objects.create(title="Annual report", slug="annual-report")
    document.file.save("annual report.pdf", ContentFile(b"%PDF-1.4 report"))
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
