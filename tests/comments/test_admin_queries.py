"""The moderators' list costs the same queries however many rows it shows,
and lists in the order moderators need without counting the whole table."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"


@pytest.fixture
def comments(db):
    """200 comments in each status, on pages in sections and on an article,
    some flagged by the screen, some replies."""
    section = make_page(title="Section")
    targets = [
        {"page": make_page(title="Inner", parent=section)},
        {"page": make_page(title="Top")},
        {"article": make_article(title="News")},
    ]
    start = timezone.now() - timedelta(days=5)
    made = []
    for status in Comment.Status:
        made += Comment.objects.bulk_create(
            Comment(
                **targets[index % 3],
                author_name=f"Reader {index}",
                author_email="reader@example.org",
                body=f"Comment {index}.",
                status=status,
                concerns="disclosure" if index % 7 == 0 else "",
                submitted_at=start + timedelta(minutes=index),
            )
            for index in range(200)
        )
    Comment.objects.filter(pk__in=[c.pk for c in made[1::5]]).update(parent=made[0], depth=2)
    return made


@pytest.mark.parametrize("query", [{}, {"status": "all"}, {"status": "published"}])
def test_the_comments_list_costs_the_same_queries_for_10_and_200_rows(
    admin_client, comments, monkeypatch, query
):
    comment_admin = admin.site._registry[Comment]
    counts = {}
    for rows in (10, 10, 200):  # the first fills Django's own caches
        monkeypatch.setattr(comment_admin, "list_per_page", rows)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(CHANGELIST, query)
        assert len(response.context["cl"].result_list) == rows
        counts[rows] = len(queries)

    assert counts[10] == counts[200]


def test_the_list_never_counts_the_whole_table(admin_client, comments):
    with CaptureQueriesContext(connection) as queries:
        admin_client.get(CHANGELIST)

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "held" in counts[0]


def test_the_queue_lists_flagged_comments_first_then_oldest_first(admin_client, comments):
    listed = admin_client.get(CHANGELIST).context["cl"].result_list

    flags = [bool(comment.concerns) for comment in listed]
    assert flags == sorted(flags, reverse=True)
    flagged = [c.submitted_at for c in listed if c.concerns]
    rest = [c.submitted_at for c in listed if not c.concerns]
    assert flagged == sorted(flagged)
    assert rest == sorted(rest)


def test_every_other_list_is_oldest_first(admin_client, comments):
    listed = admin_client.get(CHANGELIST, {"status": "all"}).context["cl"].result_list

    times = [(c.submitted_at, c.pk) for c in listed]
    assert times == sorted(times)
