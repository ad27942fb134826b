"""The page cache (niromp_site/pagecache.py), through real requests: pages
come from the cache, every way content changes shows on the very next
request, and nothing personal is ever shared through it.

tests/settings.py turns the cache off for the rest of the suite (a test's
transaction never commits, and the version is bumped on commit); here it is
on, and writes are committed with `committed()`."""

import gzip
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import reversion
from django.core import serializers
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import F
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from comments import services
from niromp_site.models import ContentVersion
from niromp_site.pagecache import Schedule, last_modified
from pages.models import Document, Page
from tests.factories import (
    comment_data,
    make_article,
    make_event,
    make_moderator,
    make_page,
    post_comment,
    published_comment,
    submit_comment,
)
from tests.helpers import admin_change, field_value, html_tree, visible_text
from tests.live_site import free_port

URL = "/about-us/"
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE = True
    # Each test's writes are rolled back, so the version can come round to the
    # same number in the next test: start with an empty cache, as a site
    # never reuses a number once it has committed it.
    cache.clear()


def text_of(url: str) -> str:
    """The page as a new reader (no cookies) sees it."""
    response = Client().get(url)
    assert response.status_code == 200
    return visible_text(response)


def about_us() -> Page:
    return Page.objects.get(slug="about-us")


# Served from the cache ------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [URL, "/", "/news/", "/news/feed/", "/sitemap.xml", "/robots.txt", "/events/", "/regions/"],
)
def test_a_second_reader_gets_the_page_from_the_cache_with_one_query(
    seeded, url, django_assert_max_num_queries
):
    first = Client().get(url)
    with django_assert_max_num_queries(1):  # the content version
        second = Client().get(url)
    assert second.status_code == 200
    assert visible_text(second) == visible_text(first)
    assert second["ETag"] == first["ETag"]


def test_a_page_from_the_cache_carries_the_same_headers_as_one_rendered(seeded, settings):
    first, second = Client().get(URL), Client().get(URL)
    assert dict(second.headers) == dict(first.headers)
    # The cookies' expiry dates are to the second, so they may tick between the two.
    assert [(c.key, dict(c, expires="")) for c in second.cookies.values()] == [
        (c.key, dict(c, expires="")) for c in first.cookies.values()
    ]
    settings.PAGE_CACHE = False
    uncached = Client().get(URL)
    for header in SECURITY_HEADERS:
        assert second[header] == uncached[header], header


def post_with_token(reader, token):
    """A comment posted by `reader` with the CSRF token their page carried."""
    return reader.post(
        URL,
        urlencode(comment_data(csrfmiddlewaretoken=token)),
        content_type="application/x-www-form-urlencoded",
    )


def test_a_comment_posted_from_a_page_from_the_cache_is_accepted(
    seeded, committed, django_assert_max_num_queries
):
    Client().get(URL)
    readers = [Client(enforce_csrf_checks=True) for _ in range(2)]
    with django_assert_max_num_queries(2):
        pages = [reader.get(URL) for reader in readers]
    tokens = [field_value(html_tree(page), "csrfmiddlewaretoken") for page in pages]
    assert tokens[0] != tokens[1]
    assert all(page.cookies["csrftoken"].value for page in pages)
    with committed():
        assert post_with_token(readers[0], tokens[0]).status_code == 302
    # Another reader's token is refused, as without the cache.
    assert post_with_token(readers[1], "x" * 64).status_code == 403


def test_a_browser_that_accepts_gzip_gets_the_page_gzipped_with_its_own_working_token(
    seeded, committed
):
    """The page is gzipped once; each reader's CSRF token is gzipped in on
    every hit, and the page it makes is the page, token and all."""
    plain = Client().get(URL)
    readers = [Client(enforce_csrf_checks=True, HTTP_ACCEPT_ENCODING="gzip, deflate, br")]
    readers.append(Client(enforce_csrf_checks=True, HTTP_ACCEPT_ENCODING="gzip"))
    pages = [reader.get(URL) for reader in readers]
    assert [page["Content-Encoding"] for page in pages] == ["gzip", "gzip"]
    assert "Accept-Encoding" in pages[0]["Vary"] and "Accept-Encoding" in plain["Vary"]
    html = [HttpResponse(gzip.decompress(page.content)) for page in pages]
    assert int(pages[0]["Content-Length"]) == len(pages[0].content) < len(html[0].content) / 2
    tokens = [field_value(html_tree(page), "csrfmiddlewaretoken") for page in html]
    assert tokens[0] != tokens[1]
    texts = [page.content.decode() for page in html]
    assert [text.replace(token, "") for text, token in zip(texts, tokens, strict=True)] == [
        plain.text.replace(field_value(html_tree(plain), "csrfmiddlewaretoken"), "")
    ] * 2
    with committed():
        assert post_with_token(readers[0], tokens[0]).status_code == 302
    # Asked again with its tag, the gzipped page is unchanged: 304.
    again = readers[1].get(URL, HTTP_IF_NONE_MATCH=pages[1]["ETag"])
    assert pages[1]["ETag"].startswith("W/") and again.status_code == 304


def test_a_browser_that_does_not_accept_gzip_gets_the_page_as_it_is(seeded):
    Client().get(URL)
    page = Client(HTTP_ACCEPT_ENCODING="identity").get(URL)
    assert not page.has_header("Content-Encoding")
    assert "About Us" in page.text


# Changes show on the very next request ------------------------------------------


def test_an_editors_change_in_the_admin_shows_at_once(seeded, editor_client, committed):
    assert "About the partnership" not in text_of(URL)
    with committed():
        admin_change(editor_client, about_us(), title="About the partnership")
    assert "About the partnership" in text_of(URL)
    assert "About the partnership" in text_of("/")  # the menu on every page


def test_an_approved_comment_shows_at_once(seeded, committed):
    with committed():
        comment = submit_comment(about_us(), body="Seen only once approved.")
    assert "Seen only once approved." not in text_of(URL)
    with committed():
        services.approve(comment=comment, moderator=make_moderator())
    assert "Seen only once approved." in text_of(URL)


def test_a_comment_taken_down_is_gone_at_once(seeded, committed):
    moderator = make_moderator()
    with committed():
        comment = published_comment(about_us(), moderator, body="Published, then taken down.")
    assert "Published, then taken down." in text_of(URL)
    with committed():
        services.mark_spam(comment=comment, moderator=moderator)
    assert "Published, then taken down." not in text_of(URL)


def test_new_held_comments_and_their_spam_check_leave_the_cache_warm(
    seeded, committed, django_assert_num_queries
):
    text_of(URL)
    with committed():
        comment = submit_comment(about_us(), body="Held: nobody else sees it yet.")
        services.check_comment(comment_id=comment.pk)  # Akismet unset: stays held
        services.reject(comment=comment, moderator=make_moderator())
    with django_assert_num_queries(1):  # the version's read, then the cache
        assert "Held: nobody else sees it yet." not in text_of(URL)


def test_a_commenter_erased_by_the_command_is_gone_at_once(seeded, committed):
    moderator = make_moderator()
    with committed():
        first = published_comment(about_us(), moderator, "Pat Writer", "Kept for its reply.")
        published_comment(about_us(), moderator, "Sam Replier", "A reply.", parent=first)
    assert "Pat Writer" in text_of(URL)
    with committed():
        call_command("commenter_data", "pat@example.org", "--erase", stdout=None)
    text = text_of(URL)
    assert "Pat Writer" not in text
    assert "Kept for its reply." not in text


def test_content_loaded_with_loaddata_shows_at_once(seeded, committed, tmp_path):
    assert "Loaded from a fixture" not in text_of(URL)
    record = json.loads(serializers.serialize("json", [about_us()]))
    record[0]["fields"]["title"] = "Loaded from a fixture"
    fixture = tmp_path / "about.json"
    fixture.write_text(json.dumps(record))
    with committed():
        call_command("loaddata", str(fixture), verbosity=0)
    assert "Loaded from a fixture" in text_of(URL)


def test_a_revision_rolled_back_shows_at_once(seeded, committed):
    page = about_us()
    with committed(), reversion.create_revision():
        page.save()
    with committed(), reversion.create_revision():
        page.title = "A mistaken title"
        page.save()
    assert "A mistaken title" in text_of(URL)
    with committed():
        Version.objects.get_for_object(page).order_by("pk").first().revision.revert()
    assert "A mistaken title" not in text_of(URL)


def test_a_scheduled_article_appears_when_it_comes_due(seeded, committed, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    with committed():
        make_article(title="Due in ten minutes", publish_at=now + timedelta(minutes=10))
    assert "Due in ten minutes" not in text_of("/news/")
    assert "Due in ten minutes" not in text_of("/news/")  # from the cache
    time_machine.move_to(now + timedelta(minutes=10, seconds=1), tick=False)
    assert "Due in ten minutes" in text_of("/news/")


def test_an_event_moves_to_past_events_the_moment_it_ends(seeded, committed, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    with committed():
        make_event(title="Ends in five minutes", start=now - timedelta(hours=1))
    for _ in range(2):  # rendered, then from the cache
        assert "Ends in five minutes" in text_of("/events/")
        assert "Ends in five minutes" not in text_of("/events/past/")
    time_machine.move_to(now + timedelta(hours=1, seconds=1), tick=False)
    assert "Ends in five minutes" not in text_of("/events/")
    assert "Ends in five minutes" in text_of("/events/past/")


def test_a_page_added_to_the_menu_shows_at_once(seeded, editor_client, committed):
    with committed():
        page = make_page(title="Membership")
    assert 'href="/membership/"' not in Client().get("/").text
    with committed():
        admin_change(editor_client, page, menu_order=5)
    assert 'href="/membership/"' in Client().get("/").text


def test_a_new_document_shows_at_once(seeded, committed):
    assert "A newly listed document" not in text_of(URL)
    with committed():
        document = Document.objects.create(
            title="A newly listed document",
            slug="newly-listed",
            external_url="https://example.org/document.pdf",
        )
        about_us().documents.add(document)
    assert "A newly listed document" in text_of(URL)


def test_a_page_made_where_a_reader_found_nothing_shows_at_once(seeded, committed):
    assert Client().get("/membership/").status_code == 404
    assert Client().get("/membership/").status_code == 404  # from the cache
    with committed():
        make_page(title="Membership")
    assert Client().get("/membership/").status_code == 200


# Never shared --------------------------------------------------------------


def test_a_signed_in_editor_neither_gets_nor_makes_a_cached_page(seeded, editor_client, committed):
    with committed():
        draft = make_page(title="Not yet", status="draft")
    Client().get(URL)
    signed_in = editor_client.get(URL)
    assert "ETag" not in signed_in
    preview = editor_client.get(draft.get_absolute_url())
    assert "Preview." in visible_text(preview)
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_a_reader_who_commented_sees_their_own_page_and_no_one_else_does(seeded, client, committed):
    other = Client()
    other.get(URL)  # the page is in the cache
    with committed():
        sent = post_comment(
            client, about_us(), author_name="Pat Writer", body="My own words.", remember="on"
        )
    assert sent.status_code == 302
    message = "Thank you. Your comment has been received"
    own = client.get(URL)
    assert message in visible_text(own)  # the one-time message
    again = client.get(URL)
    assert message not in visible_text(again)
    assert "My own words." in visible_text(again)  # their held comment
    assert field_value(html_tree(again), "author_name") == "Pat Writer"  # remembered

    for reader in (other, Client()):
        theirs = reader.get(URL)
        assert "My own words." not in visible_text(theirs)
        assert message not in visible_text(theirs)
        assert field_value(html_tree(theirs), "author_name") == ""


def test_a_form_sent_back_with_mistakes_is_not_shown_to_the_next_reader(seeded, client):
    Client().get(URL)
    refused = post_comment(client, about_us(), body="")
    assert refused.status_code == 200
    assert "There is a problem" in visible_text(refused)
    assert "There is a problem" not in text_of(URL)


# Conditional requests ------------------------------------------------------------


def test_an_unchanged_page_is_not_sent_again_and_a_changed_one_is(
    seeded, client, editor_client, committed
):
    # Seeding's publish times and the version row (made on first use) fall
    # within moments of each other: in one whole second the page rightly has
    # no date (CI met that once). A site last written an hour ago has one.
    hour_ago = timezone.now() - timedelta(hours=1)
    ContentVersion.current()
    ContentVersion.objects.update(number=F("number") + 1, changed_at=hour_ago, previous_at=hour_ago)
    first = client.get(URL)
    assert "Last-Modified" in first
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(URL, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    with committed():
        admin_change(editor_client, about_us(), title="About the partnership")
    for condition in (
        {"HTTP_IF_NONE_MATCH": first["ETag"]},
        {"HTTP_IF_MODIFIED_SINCE": first["Last-Modified"]},
    ):
        changed = client.get(URL, **condition)
        assert changed.status_code == 200, condition
        assert "About the partnership" in visible_text(changed)
    assert client.get(URL, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 304


def test_an_edit_in_the_same_second_as_a_publish_time_is_never_answered_304():
    """Last-Modified has whole seconds: when the page last changed by the
    clock (an item came due at P) and an editor then changes it within that
    same second, the new page must not carry the old page's date."""
    published = datetime(2026, 11, 30, 8, 16, 55, 200_000, tzinfo=UTC)
    before_edit = ContentVersion(
        number=4,
        changed_at=published - timedelta(hours=1),
        previous_at=published - timedelta(days=1),
    )
    plan = Schedule(next_change=published.timestamp() + 3600, last_change=published.timestamp())
    assert last_modified(before_edit, plan) == int(published.timestamp())
    edited = ContentVersion(
        number=5,
        changed_at=published + timedelta(milliseconds=500),
        previous_at=before_edit.changed_at,
    )
    assert last_modified(edited, plan) is None  # no date, so no 304 on an old one
    later = ContentVersion(
        number=6, changed_at=published + timedelta(seconds=3), previous_at=edited.changed_at
    )
    assert last_modified(later, plan) == int(later.changed_at.timestamp())


# Redis --------------------------------------------------------------------


def use_redis(settings, url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_pages_come_from_redis_and_a_change_shows_at_once(
    seeded, settings, redis_url, editor_client, committed, django_assert_max_num_queries
):
    use_redis(settings, redis_url)
    Client().get(URL)
    with django_assert_max_num_queries(1):
        assert Client().get(URL).status_code == 200
    with committed():
        admin_change(editor_client, about_us(), title="About the partnership")
    assert "About the partnership" in text_of(URL)


def test_a_redis_that_is_down_costs_speed_not_the_page(seeded, settings, editor_client, committed):
    use_redis(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    assert "About Us" in text_of(URL)
    with committed():
        admin_change(editor_client, about_us(), title="About the partnership")
    assert "About the partnership" in text_of(URL)
