"""The content memo (niromp_site/memo.py) with the page cache off: every page
is rendered, from the content's query results kept per content version. A
change still shows on the very next request, by every path the page cache's
own tests try (imported from there and run here with the memo instead), and
nothing one reader sees is kept for another."""

from urllib.parse import urlencode

import pytest
from django.test import Client

from comments.models import Comment
from comments.templatetags.comments import CSRF_PLACEHOLDER, SECTION
from comments.threads import COMMENTS_PER_PAGE, PAGE_PARAMETER
from comments.views import PENDING_COOKIE
from niromp_site import memo
from pages.models import Region
from tests.factories import make_article, make_comment, make_page, post_comment
from tests.helpers import field_value, html_tree, visible_text
from tests.site.test_page_cache import (  # noqa: F401 - run here too, with the memo
    URL,
    about_us,
    test_a_comment_taken_down_is_gone_at_once,
    test_a_commenter_erased_by_the_command_is_gone_at_once,
    test_a_form_sent_back_with_mistakes_is_not_shown_to_the_next_reader,
    test_a_new_document_shows_at_once,
    test_a_page_added_to_the_menu_shows_at_once,
    test_a_page_made_where_a_reader_found_nothing_shows_at_once,
    test_a_reader_who_commented_sees_their_own_page_and_no_one_else_does,
    test_a_revision_rolled_back_shows_at_once,
    test_a_scheduled_article_appears_when_it_comes_due,
    test_an_approved_comment_shows_at_once,
    test_an_editors_change_in_the_admin_shows_at_once,
    test_an_event_moves_to_past_events_the_moment_it_ends,
    test_content_loaded_with_loaddata_shows_at_once,
    text_of,
)


@pytest.fixture(autouse=True)
def page_cache(settings):
    """(Named as test_page_cache's own, which this replaces for its tests.)"""
    settings.PAGE_CACHE = False
    settings.CONTENT_MEMO = True
    # Each test's writes are rolled back, so the version can come round to
    # the same number in the next test: start with nothing kept.
    memo.clear()
    yield
    memo.clear()


@pytest.fixture
def version_counted(seeded, committed):
    """The seed content counted as one committed change (a site's version row
    exists once anything has been written)."""
    with committed():
        make_page(title="Counted", status="draft")


@pytest.mark.parametrize(
    "url",
    [
        URL,
        "/",
        "/contact-us/",
        "/news/niromp-responds-to-community-care-poll/",
        "/events/",
        "/sitemap.xml",
    ],
)
def test_a_page_already_worked_out_is_rendered_again_with_fewer_queries(
    version_counted, url, django_assert_max_num_queries
):
    with memo_off():
        uncached = Client().get(url)
    first = Client().get(url)
    with django_assert_max_num_queries(1):  # the content version
        second = Client().get(url)
    assert second.status_code == first.status_code == 200
    assert visible_text(second) == visible_text(first) == visible_text(uncached)


class memo_off:
    def __enter__(self):
        self.stamp = memo._stamp.set(None)

    def __exit__(self, *exc):
        memo._stamp.reset(self.stamp)


def test_a_staff_preview_of_a_draft_is_not_kept_for_the_public(
    version_counted, editor_client, committed
):
    with committed():
        draft = make_page(title="Not yet public", status="draft")
    preview = editor_client.get(draft.get_absolute_url())
    assert "Not yet public" in visible_text(preview)
    assert Client().get(draft.get_absolute_url()).status_code == 404
    assert "Not yet public" not in text_of("/")  # nor in the menu


def test_a_readers_own_held_comment_is_not_kept_for_the_next_reader(
    version_counted, client, committed
):
    text_of(URL)  # the thread as everyone sees it, kept
    with committed():
        post_comment(client, about_us(), body="Only mine until it is read.")
    assert "Only mine until it is read." in visible_text(client.get(URL))
    assert "Only mine until it is read." not in text_of(URL)


def test_addresses_with_nothing_there_are_not_kept(version_counted):
    text_of(URL)
    kept = len(memo._generation.values)
    for number in range(50):
        assert Client().get(f"/no-such-page-{number}/").status_code == 404
    assert len(memo._generation.values) == kept


def test_the_memo_holds_a_bounded_number_of_values(version_counted, monkeypatch):
    monkeypatch.setattr(memo, "MAX_VALUES", 3)
    for url in (URL, "/", "/contact-us/", "/events/", "/partners/"):
        assert Client().get(url).status_code == 200
    assert len(memo._generation.values) == 3
    assert "About" in text_of(URL)  # past the bound, still worked out


def test_the_memo_holds_a_bounded_amount_of_html(version_counted, monkeypatch):
    monkeypatch.setattr(memo, "MAX_HTML", 1000)  # less than one comment section
    for _ in range(2):
        assert "Comments" in text_of(URL)  # past the bound, still rendered
    assert kept_sections() == []
    assert memo._generation.html == 0


def test_a_new_article_shows_at_once_in_the_lists_feeds_and_its_region(version_counted, committed):
    region = Region.objects.order_by("pk").first()
    lists = ("/news/", "/news/feed/", "/news/feed/rss/", region.get_absolute_url(), "/sitemap.xml")
    before = {url: Client().get(url).text for url in lists}
    with committed():
        article = make_article(title="Kept lists end at once")
        article.regions.add(region)
    for url in lists:
        assert "Kept lists end at once" not in before[url]
        page = Client().get(url).text
        assert "Kept lists end at once" in page or article.get_absolute_url() in page, url


def test_a_region_renamed_shows_at_once_on_its_page_and_in_the_list(version_counted, committed):
    region = Region.objects.order_by("pk").first()
    assert "Renamed region" not in text_of("/regions/")
    with committed():
        region.name = "Renamed region"
        region.save()
    assert "Renamed region" in text_of("/regions/")
    assert "Renamed region" in text_of(region.get_absolute_url())


def test_a_feed_kept_for_one_host_is_not_sent_to_another(version_counted, settings):
    settings.ALLOWED_HOSTS = ["testserver", "news.example.org"]
    assert "http://testserver/" in Client().get("/news/feed/").text
    other = Client(HTTP_HOST="news.example.org").get("/news/feed/").text
    assert "http://news.example.org/" in other
    assert "testserver" not in other


def kept_sections() -> list:
    return [key for key in memo._generation.values if isinstance(key, tuple) and key[0] == SECTION]


def test_a_comment_section_kept_for_everyone_carries_each_readers_own_token(version_counted):
    trees = [html_tree(Client().get(URL)) for _ in range(2)]  # the second from the kept section
    assert len(kept_sections()) == 1
    tokens = {field_value(tree, "csrfmiddlewaretoken") for tree in trees}
    assert len(tokens) == 2
    assert "placeholder" not in "".join(tokens)

    reader = Client(enforce_csrf_checks=True)
    token = field_value(html_tree(reader.get(URL)), "csrfmiddlewaretoken")
    form = {"csrfmiddlewaretoken": token, "author_name": "Cass", "author_email": "cass@example.org"}
    form["body"] = "Sent from a kept section."
    response = reader.post(URL, urlencode(form), content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    assert Comment.objects.filter(body="Sent from a kept section.").exists()


def test_each_page_of_a_kept_thread_shows_its_own_comments(version_counted, committed):
    with committed():
        page = about_us()
        for number in range(COMMENTS_PER_PAGE + 1):
            make_comment(page, f"Reader {number}", status=Comment.Status.PUBLISHED)
    first, second = text_of(URL), text_of(f"{URL}?{PAGE_PARAMETER}=2")
    assert "Reader 0" in first and "Reader 0" not in second
    assert f"Reader {COMMENTS_PER_PAGE}" in second and f"Reader {COMMENTS_PER_PAGE}" not in first
    assert len(kept_sections()) == 2


def test_a_readers_remembered_details_are_not_kept_for_the_next_reader(version_counted, client):
    text_of(URL)  # the section as everyone sees it, kept
    post_comment(client, about_us(), author_name="Remembered Reader", remember="on")
    client.cookies.pop(PENDING_COOKIE)  # read and published since: only the details remain
    assert field_value(html_tree(client.get(URL)), "author_name") == "Remembered Reader"
    assert field_value(html_tree(Client().get(URL)), "author_name") == ""


def test_a_comment_holding_the_token_placeholder_never_gets_a_readers_token(
    version_counted, committed
):
    """The token goes into the form's field alone: a comment that quotes the
    placeholder shows it as written, to every reader (were it replaced, the
    page cache would hand one reader's token to the next)."""
    with committed():
        make_comment(about_us(), "Quoting", f"See {CSRF_PLACEHOLDER} here.", status="published")
    for _ in range(2):  # rendered, then from the kept section
        reader = Client()
        response = reader.get(URL)
        token = field_value(html_tree(response), "csrfmiddlewaretoken")
        assert token not in ("", CSRF_PLACEHOLDER)
        assert f"See {CSRF_PLACEHOLDER} here." in visible_text(response)
        assert response.text.count(token) == 1
