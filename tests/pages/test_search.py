"""Search (/search/?q=...), as a reader uses it, on SQLite (FTS5) and on
PostgreSQL (full-text search): only what the public may see, best first,
with the words found marked; whatever is typed, never an error."""

import os
import re
from datetime import timedelta
from io import StringIO
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from pages.models import Article, Document, Page, Region, Status
from search import index
from search.kinds import KINDS
from tests.factories import make_article, make_event, make_page
from tests.helpers import SEEDED_URLS, admin_change, html_tree, visible_text

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200, q
    return response


def result_links(response) -> list[str]:
    results = html_tree(response).find("ol", class_="search-results")
    return [] if results is None else [a.attrs["href"] for a in results.find_all("a")]


def count_line(response) -> str:
    line = html_tree(response).find("p", class_="search-count")
    return line.text if line is not None else ""


def many_articles(number: int, word: str) -> None:
    """`number` published articles mentioning `word`, saved in bulk (which
    sends no signals, as a bulk import would not), then indexed by rebuild."""
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Bulletin {n}",
            slug=f"bulletin-{n}",
            status=Status.PUBLISHED,
            publish_at=now - timedelta(minutes=n + 1),
            body=f"<p>Issue {n} of the bulletin on {word} and the partnership.</p>",
        )
        for n in range(number)
    )
    index.rebuild()


def test_a_title_match_ranks_above_a_body_only_match(client):
    make_article(
        title="Notes from the spring meeting",
        body="<p>Kestrel reviews: kestrel planning, kestrel practice.</p>",
    )
    make_page(title="Kestrel", body="<p>About the project.</p>")
    make_article(title="Unrelated", body="<p>Nothing to find.</p>")
    response = search(client, "kestrel")
    assert result_links(response) == ["/kestrel/", "/news/notes-from-the-spring-meeting/"]
    assert count_line(response) == "2 results for “kestrel”"


def test_the_words_found_are_marked_in_an_escaped_excerpt(client):
    make_article(
        title="Chips and fish",
        body="<p>Write &lt;script&gt;alert(1)&lt;/script&gt; here. The <strong>sandwiches</strong> "
        "&amp; crisps cost &lt; £5 at the regional meeting.</p>",
    )
    response = search(client, "sandwich")
    result = html_tree(response).find("ol", class_="search-results")
    excerpt = result.find("p", class_="excerpt")
    # The stem is found ("sandwich" finds "sandwiches") and marked.
    assert [mark.text for mark in excerpt.find_all("mark")] == ["sandwiches"]
    # Content is text: its markup is not carried over, and its own "&" and
    # "<" (or "<script>", which PostgreSQL's excerpt drops) stay text.
    assert excerpt.find("strong") is None and excerpt.find("script") is None
    assert "<mark>sandwiches</mark> &amp; crisps cost &lt; £5" in response.text
    assert "<script>alert" not in response.text
    title = search(client, "chip fish")
    assert "<mark>Chips</mark> and <mark>fish</mark>" in title.text


def test_results_are_counted_and_paginated_keeping_the_query(client):
    many_articles(23, "kestrels")
    first = search(client, "kestrel")
    assert count_line(first) == "23 results for “kestrel”, page 1 of 3"
    assert len(result_links(first)) == 10
    next_link = html_tree(first).find("a", rel="next")
    assert next_link.attrs["href"] == "?q=kestrel&page=2"
    last = search(client, "kestrel", page="3")
    assert len(result_links(last)) == 3
    assert html_tree(last).find("ol", class_="search-results").attrs["start"] == "21"
    # Not a number, or past the end: the nearest page, never an error.
    assert len(result_links(search(client, "kestrel", page="x"))) == 10
    assert len(result_links(search(client, "kestrel", page="99"))) == 3


def test_only_what_the_public_may_see_is_found_or_counted(client, media):
    now = timezone.now()
    make_page(title="Public heron page")
    make_page(title="Draft heron page", status=Status.DRAFT)
    scheduled = make_article(title="Scheduled heron news", publish_at=now + timedelta(days=1))
    draft_section = make_page(title="Drafts", status=Status.DRAFT)
    make_page(title="Heron page in a draft section", parent=draft_section)
    listed = make_page(title="Downloads")
    listed.documents.add(
        Document.objects.create(title="Heron listed", slug="a", external_url="https://e.org/a")
    )
    draft_section.documents.add(
        Document.objects.create(title="Heron in a draft", slug="b", external_url="https://e.org/b")
    )
    Document.objects.create(title="Heron unlisted", slug="c", external_url="https://e.org/c")
    Document.objects.create(
        title="Heron on its own", slug="d", external_url="https://e.org/d", public_on_its_own=True
    )
    Document.objects.create(title="Heron without a file", slug="e", public_on_its_own=True)

    response = search(client, "heron")
    assert sorted(result_links(response)) == [
        "/public-heron-page/",
        "https://e.org/a",
        "https://e.org/d",
    ]
    assert count_line(response) == "3 results for “heron”"
    assert "Draft heron" not in response.text and "Scheduled" not in response.text

    # A scheduled item is found once it is due, without anything reindexing it.
    Article.objects.filter(pk=scheduled.pk).update(publish_at=now - timedelta(minutes=1))
    assert "/news/scheduled-heron-news/" in result_links(search(client, "heron"))


HOSTILE = [
    "",
    " ",
    "*",
    "^",
    '"',
    '"unbalanced',
    "((brackets",
    "review)",
    "-review",
    "NOT",
    "review AND",
    "OR review OR",
    "NEAR(review care",
    "NEAR(",
    "title:review",
    "body:review OR title:x",
    "{title body}: review",
    "review*",
    "'; DROP TABLE pages_page; --",
    "1' OR '1'='1",
    "x\x00y",
    "\x00",
    "\x01\x02\x1b[31m",
    "!!!???...",
    "\u2026\u201c\u201d\u2018\u2019",  # ellipsis and curly quotes
    "\ue000marked\ue001",
    "<script>alert(1)</script>",
    "%",
    "_",
    "\\",
    "the of and",
    "review " * 2000,
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_a_page_never_an_error(client, seeded, q):
    response = search(client, q)
    assert "<script>alert" not in response.text


def test_a_long_query_is_shortened_with_a_note(client, seeded):
    response = search(client, "review " + "x" * 10_000)
    assert "only its first 200 characters were used" in visible_text(response)
    assert len(html_tree(response).find(id="search-q").attrs["value"]) == 200


@settings(
    max_examples=100,
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(q=st.text(st.characters(exclude_categories=["Cs"]), max_size=300))
def test_any_text_searched_for_gives_a_page(client, q):
    assert client.get("/search/", {"q": q}).status_code == 200, repr(q)


def test_the_index_follows_edits_unpublishing_and_deletion_in_the_admin(client, editor_client):
    article = make_article(title="Osprey survey", body="<p>First findings.</p>")
    assert result_links(search(client, "osprey")) == ["/news/osprey-survey/"]

    admin_change(editor_client, article, title="Kingfisher survey", body="<p>Osprey gone.</p>")
    assert result_links(search(client, "kingfisher")) == ["/news/osprey-survey/"]
    assert "<mark>Osprey</mark> gone" in search(client, "osprey").text  # body only now

    admin_change(editor_client, Article.objects.get(), status=Status.DRAFT)
    assert count_line(search(client, "kingfisher")) == "No results for “kingfisher”"

    admin_change(editor_client, Article.objects.get(), status=Status.PUBLISHED)
    assert len(result_links(search(client, "kingfisher"))) == 1
    Article.objects.get().delete()
    assert result_links(search(client, "kingfisher")) == []


def test_the_index_follows_a_rollback_and_a_recovery(client, editor_client):
    page = make_page(title="Curlew")
    admin_change(editor_client, page, title="Curlew")
    admin_change(editor_client, Page.objects.get(), title="Lapwing")
    first = Version.objects.get_for_object(page).order_by("pk").first()

    first.revision.revert()
    assert result_links(search(client, "curlew")) == ["/curlew/"]
    assert result_links(search(client, "lapwing")) == []

    Page.objects.get().delete()
    assert result_links(search(client, "curlew")) == []
    first.revision.revert()  # recovering a deleted item, as the admin's Recover does
    assert result_links(search(client, "curlew")) == ["/curlew/"]


def test_the_seed_content_is_found_once_loaded(client, seeded):
    response = search(client, "Independent Reviewing Officers")
    assert "/about-us/" in result_links(response)


def test_rebuild_search_index_indexes_everything_again_and_can_be_repeated(client, seeded):
    many_articles(3, "plover")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {index.TABLE}")  # noqa: S608
    assert result_links(search(client, "plover")) == []

    items = sum(kind.model_class.objects.count() for kind in KINDS)
    for _ in range(2):
        out = StringIO()
        call_command("rebuild_search_index", stdout=out)
        assert out.getvalue().startswith(f"Indexed {items} items (")
        assert len(result_links(search(client, "plover"))) == 3


def test_a_results_page_costs_the_same_queries_for_1_or_200_matches(client):
    many_articles(1, "dunlin")
    with CaptureQueriesContext(connection) as one:
        assert count_line(search(client, "dunlin")) == "1 result for “dunlin”"
    Article.objects.all().delete()
    many_articles(200, "dunlin")
    with CaptureQueriesContext(connection) as many:
        assert count_line(search(client, "dunlin")) == "200 results for “dunlin”, page 1 of 20"
    assert len(many) == len(one), [q["sql"][:80] for q in many]


def test_no_results_suggest_where_to_browse(client, seeded):
    response = search(client, "zzyzx")
    assert count_line(response) == "No results for “zzyzx”"
    links = [
        a.attrs["href"]
        for a in html_tree(response).find("div", class_="search-help").iter()
        if a.tag == "a"
    ]
    assert links == ["/news/", "/events/", "/regions/", "/strategic-priorities/"]
    assert "The nine regions" in visible_text(response)
    for link in links:
        assert client.get(link).status_code == 200


@pytest.mark.parametrize("url", SEEDED_URLS)
def test_every_page_has_the_search_box_in_its_header(client, seeded, url):
    tree = html_tree(client.get(url))
    form = tree.find("header").find("form", role="search")
    assert (form.attrs["action"], form.attrs["method"]) == ("/search/", "get")
    box = form.find("input", name="q")
    label = form.find("label", for_=box.attrs["id"])
    assert label.text == "Search the site" and form.find("button").text == "Search"


def test_search_pages_are_kept_out_of_search_engines_and_the_sitemap(client, seeded):
    response = search(client, "review")
    assert '<meta name="robots" content="noindex">' in response.text
    assert response["X-Robots-Tag"] == "noindex"
    assert "Disallow: /search/" in client.get("/robots.txt").text
    sitemap = client.get("/sitemap.xml")
    locs = [loc.text for loc in ElementTree.fromstring(sitemap.content).iter()]
    assert not any(loc and "/search/" in loc for loc in locs)
    assert re.search(r"<loc>http://testserver/about-us/</loc>", sitemap.text)


def test_events_and_regions_are_found_and_a_draft_event_is_not(client):
    event = make_event(title="Quarterly practice forum", body="<p>Care planning reviews.</p>")
    make_event(title="Quarterly draft gathering", status=Status.DRAFT)
    yorkshire = Region.objects.get(slug="yorkshire-and-the-humber")

    found = search(client, "quarterly")
    assert result_links(found) == [event.get_absolute_url()]
    assert "Conference" in visible_text(found)  # the kind of event, as the result shows it
    assert result_links(search(client, "Humber")) == [yorkshire.get_absolute_url()]
