"""Only published, due content reaches the public: pages, lists, feeds, sitemap."""

from datetime import datetime, timedelta
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from pages.models import Article, Status
from tests.factories import make_article, make_page
from tests.helpers import visible_text

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

LONDON = ZoneInfo("Europe/London")

pytestmark = pytest.mark.django_db


def test_a_draft_page_is_not_found(client):
    make_page(title="Secret plans", status=Status.DRAFT)
    assert client.get("/secret-plans/").status_code == 404


def test_a_published_page_is_shown(client):
    make_page(title="Open plans", body="<p>Plans for all to see.</p>")
    response = client.get("/open-plans/")
    assert response.status_code == 200
    assert "Plans for all to see." in visible_text(response)


def test_a_page_in_a_draft_section_is_not_found(client):
    section = make_page(title="Section", status=Status.DRAFT)
    make_page(title="Inside", parent=section)
    assert client.get("/section/inside/").status_code == 404


def test_a_child_page_is_only_found_under_its_own_section(client):
    section = make_page(title="Section")
    make_page(title="Inside", parent=section)
    assert client.get("/section/inside/").status_code == 200
    assert client.get("/inside/").status_code == 404


def test_a_future_article_appears_exactly_when_due(client):
    due = timezone.now() + timedelta(days=2)
    make_article(title="Scheduled news", publish_at=due)
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert client.get("/news/scheduled-news/").status_code == 404
        assert "Scheduled news" not in visible_text(client.get("/news/"))
    with time_machine.travel(due, tick=False):
        assert client.get("/news/scheduled-news/").status_code == 200
        assert "Scheduled news" in visible_text(client.get("/news/"))


def test_a_draft_article_is_hidden_from_lists_and_detail(client):
    make_article(title="Draft news", status=Status.DRAFT)
    assert client.get("/news/draft-news/").status_code == 404
    assert "Draft news" not in visible_text(client.get("/news/"))


def test_news_list_is_newest_first_with_british_dates(client):
    make_article(title="Older", publish_at=timezone.now() - timedelta(days=30))
    make_article(title="Newer", publish_at=timezone.now() - timedelta(days=1))
    make_article(title="Fixed date", publish_at=datetime(2022, 7, 7, 9, tzinfo=LONDON))
    text = visible_text(client.get("/news/"))
    assert text.index("Newer") < text.index("Older") < text.index("Fixed date")
    assert "7 July 2022" in text


def test_news_list_is_paginated(client):
    for day in range(12):
        make_article(title=f"Item {day:02}", publish_at=timezone.now() - timedelta(days=day))
    first = visible_text(client.get("/news/"))
    second = visible_text(client.get("/news/?page=2"))
    assert "Item 00" in first and "Item 09" in first
    assert "Item 10" not in first
    assert "Item 10" in second and "Item 11" in second
    assert "Page 2 of 2" in second
    assert client.get("/news/?page=3").status_code == 404


def test_press_release_list_shows_only_press_releases(client):
    make_article(title="A news item", kind=Article.Kind.NEWS)
    make_article(title="A statement", kind=Article.Kind.PRESS_RELEASE)
    text = visible_text(client.get("/news/press-releases/"))
    assert "A statement" in text
    assert "A news item" not in text


@pytest.mark.parametrize(
    ("url", "kinds"),
    [("/news/feed/", {"news", "press-release"}), ("/news/press-releases/feed/", {"press-release"})],
)
def test_atom_feeds_are_valid_and_list_only_published_items(client, url, kinds):
    make_article(title="Live news", kind="news")
    make_article(title="Live statement", kind="press-release")
    make_article(title="Draft statement", kind="press-release", status=Status.DRAFT)
    make_article(
        title="Future statement",
        kind="press-release",
        publish_at=timezone.now() + timedelta(days=1),
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    titles = {entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")}
    expected = {"Live news": "news", "Live statement": "press-release"}
    assert titles == {title for title, kind in expected.items() if kind in kinds}
    links = [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]
    assert all(link.startswith("http://testserver/news/") for link in links)


def test_rss_feed_is_valid_rss(client):
    make_article(title="Live news")
    response = client.get("/news/feed/rss/")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert [item.find("title").text for item in channel.iter("item")] == ["Live news"]


def test_sitemap_lists_only_published_content(client):
    make_page(title="Visible page")
    make_page(title="Hidden page", status=Status.DRAFT)
    make_article(title="Visible article")
    make_article(title="Hidden article", publish_at=timezone.now() + timedelta(days=1))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {loc.text for loc in ElementTree.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert "http://testserver/visible-page/" in urls
    assert "http://testserver/news/visible-article/" in urls
    assert "http://testserver/news/" in urls
    assert not any("hidden" in url for url in urls)


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Disallow: /admin/" in response.text
    assert "Sitemap: http://testserver/sitemap.xml" in response.text


def test_site_url_setting_makes_canonical_links_absolute_to_the_real_host(client, settings):
    settings.SITE_URL = "https://niromp.example"
    make_page(title="Open plans")
    response = client.get("/open-plans/")
    assert '<link rel="canonical" href="https://niromp.example/open-plans/">' in response.text
    assert '<meta property="og:url" content="https://niromp.example/open-plans/">' in response.text


def test_unknown_address_gets_the_friendly_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = visible_text(response)
    assert "Page not found" in text
    assert "Go to the home page" in text


def test_page_body_cannot_carry_script_whatever_the_write_path(client):
    page = make_page(title="Tricky", body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    page.refresh_from_db()
    assert page.body == "<p>Hi</p>"
    page.body = '<a href="javascript:alert(1)">link</a>'
    page.save()
    page.refresh_from_db()
    assert "javascript" not in page.body
