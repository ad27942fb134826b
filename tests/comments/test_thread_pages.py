"""A long thread is shown a page of top-level comments at a time, with links
a reader follows without JavaScript, and every link to a comment goes to
the page that shows it."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.threads import COMMENTS_PER_PAGE
from tests.factories import make_article, post_comment
from tests.helpers import html_tree, logged_in

pytestmark = pytest.mark.django_db

PAGES = 3


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PAGE_CACHE = False


@pytest.fixture
def article(db):
    return make_article(title="A long thread")


def publish_thread(article, roots: int) -> list[Comment]:
    """`roots` published top-level comments, each third with a reply and a
    reply to that, oldest first."""
    start = timezone.now() - timedelta(days=10)
    tops = Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"Reader {index}",
            body=f"Comment {index}.",
            status=Comment.Status.PUBLISHED,
            submitted_at=start + timedelta(minutes=index),
        )
        for index in range(roots)
    )
    later = start + timedelta(days=1)
    replies = Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=top,
            depth=2,
            author_name="Replier",
            body="A reply.",
            status=Comment.Status.PUBLISHED,
            submitted_at=later,
        )
        for top in tops[::3]
    )
    deeper = Comment.objects.bulk_create(
        Comment(
            article=article,
            parent=reply,
            depth=3,
            author_name="Deeper",
            body="A reply to a reply.",
            status=Comment.Status.PUBLISHED,
            submitted_at=later + timedelta(minutes=1),
        )
        for reply in replies
    )
    return [*tops, *replies, *deeper]


def shown_ids(client, url) -> set[int]:
    html = client.get(url).content.decode()
    return {int(pk) for pk in re.findall(r'<article id="comment-(\d+)"', html)}


def test_every_one_of_500_comments_is_on_the_page_its_permalink_names(client, article):
    comments = publish_thread(article, 300)  # 300 threads, 500 comments
    assert len(comments) == 500
    pages = {}
    for comment in comments:
        url = comment.get_absolute_url()
        address, anchor = url.split("#")
        if address not in pages:
            pages[address] = shown_ids(client, address)
        assert anchor == f"comment-{comment.pk}"
        assert comment.pk in pages[address], url
    assert len(pages) == 300 // COMMENTS_PER_PAGE  # every page of the thread


def test_the_thread_shows_one_page_of_top_level_comments_with_links_to_the_others(client, article):
    publish_thread(article, COMMENTS_PER_PAGE * (PAGES - 1) + 1)

    first = html_tree(client.get(article.get_absolute_url()))
    later = first.find("a", rel="next")
    middle = html_tree(client.get(article.get_absolute_url() + later.attrs["href"]))

    assert len(first.find("ol", class_="comment-list").find_all("li", class_="comment")) > (
        COMMENTS_PER_PAGE
    )
    assert "Comments page 1 of 3" in first.find("nav", class_="pagination").text
    assert first.find("a", rel="prev") is None
    assert "Comments page 2 of 3" in middle.find("nav", class_="pagination").text
    assert middle.find("a", rel="prev").attrs["href"] == "?comments-page=1#comments"
    assert "3 " not in first.by_id("comments-heading").text[:2]


def test_a_reply_on_a_later_page_of_the_thread_returns_the_reader_to_that_page(client, article):
    comments = publish_thread(article, COMMENTS_PER_PAGE + 10)
    on_page_two = comments[COMMENTS_PER_PAGE + 5]
    page_two = html_tree(client.get(article.get_absolute_url() + "?comments-page=2"))
    reply_link = page_two.find("a", href=f"?comments-page=2&replyto={on_page_two.pk}#respond")
    assert reply_link is not None

    response = post_comment(client, article, parent=str(on_page_two.pk), body="My reply.")

    reply = Comment.objects.get(body="My reply.")
    assert response.url == (f"{article.get_absolute_url()}?comments-page=2#comment-{reply.pk}")
    assert reply.pk in shown_ids(client, response.url.split("#")[0])


def test_a_new_comment_is_shown_to_its_author_on_the_last_page(client, article):
    publish_thread(article, COMMENTS_PER_PAGE * 2)

    response = post_comment(client, article, body="Mine, held.")

    mine = Comment.objects.get(body="Mine, held.")
    assert response.url == f"{article.get_absolute_url()}?comments-page=2#comment-{mine.pk}"
    assert mine.pk in shown_ids(client, response.url.split("#")[0])


def test_view_on_site_in_the_admin_opens_the_page_of_the_thread_with_the_comment(
    article, django_user_model
):
    comments = publish_thread(article, COMMENTS_PER_PAGE + 1)
    last = comments[COMMENTS_PER_PAGE]
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    content_type = ContentType.objects.get_for_model(Comment)

    response = logged_in(admin).get(reverse("admin:view_on_site", args=[content_type.pk, last.pk]))

    assert response.url.endswith(f"{article.get_absolute_url()}?comments-page=2#comment-{last.pk}")


def test_a_page_number_that_is_not_one_shows_the_nearest_page(client, article):
    publish_thread(article, COMMENTS_PER_PAGE + 1)

    for number in ["0", "x", "99", "2" * 30]:
        response = client.get(article.get_absolute_url() + f"?comments-page={number}")
        assert response.status_code == 200
