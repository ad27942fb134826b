"""Every public address costs the same number of SQL queries however much
the site holds: comments under each item, articles, pages and documents.
With the page cache off (PAGE_CACHE = False), so these keep testing the path
that builds each page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from pages.models import Article, Document, Page, Status
from tests.helpers import SEEDED_URLS

PRESS_RELEASE = "/news/niromp-responds-to-community-care-poll/"
LISTS_AND_FEEDS = [
    "/news/",
    "/news/press-releases/",
    "/news/feed/",
    "/news/feed/rss/",
    "/news/press-releases/feed/",
    "/news/press-releases/feed/rss/",
    "/sitemap.xml",
    "/robots.txt",
    "/documents/strategic-vision-and-priorities-2019-22/",
]
ADDRESSES = SEEDED_URLS + LISTS_AND_FEEDS


@pytest.fixture
def uncached(settings):
    settings.PAGE_CACHE = False


def query_count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in {200, 302}, (url, response.status_code)
    return len(queries)


def counts(client) -> dict[str, int]:
    return {url: query_count(client, url) for url in ADDRESSES}


def add_published_comments(number: int) -> None:
    """`number` more published comments under every page and article, a
    third of them replies, so the thread has depth."""
    start = timezone.now() - timedelta(days=30)
    for target in [*Page.objects.all(), *Article.objects.all()]:
        roots = Comment.objects.bulk_create(
            Comment(
                **Comment.pointing_at(target),
                author_name=f"Reader {index}",
                author_email="reader@example.org",
                author_url="https://example.org/" if index % 2 else "",
                body=f"Comment {index}, see https://example.org/{index}.",
                status=Comment.Status.PUBLISHED,
                submitted_at=start + timedelta(minutes=index),
            )
            for index in range(number - number // 3)
        )
        Comment.objects.bulk_create(
            Comment(
                **Comment.pointing_at(target),
                parent=roots[index],
                depth=2,
                author_name=f"Replier {index}",
                author_email="replier@example.org",
                body=f"Reply {index}.",
                status=Comment.Status.PUBLISHED,
                submitted_at=start + timedelta(minutes=number + index),
            )
            for index in range(number // 3)
        )


def add_content(number: int) -> None:
    """`number` more articles, sections' pages and documents (listed on a page)."""
    now = timezone.now() - timedelta(hours=1)
    Article.objects.bulk_create(
        Article(
            title=f"Article {index}",
            slug=f"article-{index}",
            kind=Article.Kind.PRESS_RELEASE if index % 2 else Article.Kind.NEWS,
            summary="A summary.",
            status=Status.PUBLISHED,
            publish_at=now - timedelta(minutes=index),
        )
        for index in range(number)
    )
    events = Page.objects.get(slug="events")
    Page.objects.bulk_create(
        Page(
            title=f"Event {index}",
            slug=f"event-{index}",
            parent=events,
            status=Status.PUBLISHED,
            publish_at=now,
        )
        for index in range(number)
    )
    documents = Document.objects.bulk_create(
        Document(
            title=f"Document {index}",
            slug=f"document-{index}",
            external_url=f"https://example.org/{index}.pdf",
        )
        for index in range(number)
    )
    Page.objects.get(slug="about-us").documents.add(*documents)
    # A document listed on many pages.
    Document.objects.get(slug="strategic-vision-and-priorities-2019-22").pages.add(
        *Page.objects.filter(parent=events)
    )


@pytest.mark.django_db
def test_every_public_address_costs_the_same_queries_however_much_the_site_holds(
    seeded, uncached, client
):
    client.get("/")  # the first request fills Django's own caches (content types)
    empty = counts(client)

    add_published_comments(10)
    baseline = counts(client)
    # With no comments there is no page of them to load: one query fewer, never more.
    grew = {
        path: (empty[path], baseline[path]) for path in baseline if empty[path] > baseline[path]
    }
    assert set(empty) == set(baseline) and not grew, "10 comments on every item"
    assert all(baseline[path] - empty[path] <= 1 for path in baseline)

    add_published_comments(490)
    assert Comment.objects.for_target(Article.objects.get()).count() >= 500
    assert counts(client) == baseline, "500 comments on every item"

    add_content(200)
    assert counts(client) == baseline, "200 more articles, pages and documents"


@pytest.mark.django_db
def test_a_readers_own_form_state_costs_no_extra_queries_per_comment(seeded, uncached, client):
    """A reply target and remembered details: a fixed cost, not one per comment."""
    article = Article.objects.get()
    add_published_comments(10)
    reply_to = Comment.objects.for_target(article).published().first()
    url = f"{PRESS_RELEASE}?replyto={reply_to.pk}"
    client.get(url)
    few = query_count(client, url)
    add_published_comments(200)
    assert query_count(client, url) == few


@pytest.mark.django_db
def test_the_news_list_and_the_sitemap_list_every_article(seeded, uncached, client):
    """Constant queries, but nothing dropped: the sitemap lists all 201 articles."""
    add_content(200)
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert sitemap.count("/news/article-") == 200
    assert PRESS_RELEASE in sitemap
