"""Readers report a published comment: it goes before a moderator, and three
readers' reports hide it until a moderator decides (issue 10)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import Comment, CommentReport
from tests.conftest import BrowserClient
from tests.factories import make_comment, published_comment
from tests.helpers import field_value, html_tree, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(page, moderator):
    return published_comment(page, moderator, "Pat Writer", "Words someone may object to.")


def report(comment, address, reason="abusive", client=None):
    client = client or BrowserClient()
    return client.post(
        f"/comments/{comment.pk}/report/",
        {"reason": reason, "details": "Please look."},
        REMOTE_ADDR=address,
    )


def test_every_published_comment_has_a_report_link_that_works_without_javascript(
    client, page, published
):
    html = client.get(page.get_absolute_url()).content.decode()
    assert f'href="/comments/{published.pk}/report/"' in html

    form = client.get(f"/comments/{published.pk}/report/")

    assert form.status_code == 200
    text = visible_text(form)
    assert "Report a comment" in text
    assert "Words someone may object to." in text
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert "It suggests a child or young person may be at risk" in text


def test_a_report_puts_the_comment_before_a_moderator_and_thanks_the_reader(
    page, published, mod_client
):
    reader = BrowserClient()
    response = report(published, "198.51.100.1", client=reader)

    assert response.status_code == 302
    assert response["Location"] == f"{page.get_absolute_url()}#comments"
    assert "A moderator will look at this comment" in visible_text(reader.get(response["Location"]))
    published.refresh_from_db()
    assert published.status == Comment.Status.PUBLISHED  # one report does not hide it
    assert "Reported by a reader: It is abusive" in " ".join(
        published.history.values_list("reason", flat=True)
    )
    queue = mod_client.get("/admin/comments/comment/?status=all&reported=open")
    assert [c.pk for c in queue.context["cl"].result_list] == [published.pk]
    assert "1 reported by readers" in visible_text(mod_client.get("/admin/"))
    opened = mod_client.get(f"/admin/comments/comment/{published.pk}/change/")
    assert "Please look." in opened.text
    assert (
        "198.51.100.1" not in opened.text.split("Reports from readers")[1].split("</fieldset>")[0]
    )


def test_three_readers_reports_hide_the_comment_until_a_moderator_decides(
    client, page, published, moderator
):
    for address in ("198.51.100.1", "198.51.100.1", "198.51.100.2"):
        report(published, address)
    assert Comment.objects.get(pk=published.pk).status == Comment.Status.PUBLISHED

    report(published, "198.51.100.3")

    published.refresh_from_db()
    assert published.status == Comment.Status.HELD
    assert f'id="comment-{published.pk}"' not in client.get(page.get_absolute_url()).text

    services.approve(comment=published, moderator=moderator, read=True)

    assert Comment.objects.get(pk=published.pk).status == Comment.Status.PUBLISHED
    assert not CommentReport.objects.filter(resolved_at__isnull=True).exists()


def test_a_report_without_a_reason_is_shown_back_with_the_error(published):
    response = BrowserClient().post(f"/comments/{published.pk}/report/", {"details": "Kept text."})

    assert response.status_code == 200
    assert "Choose why you are reporting this comment" in visible_text(response)
    assert field_value(html_tree(response), "details") == "Kept text."
    assert response.content.decode().count("<title>Error: ") == 1
    assert not CommentReport.objects.exists()


def test_reports_are_rate_limited_per_address(published, settings):
    settings.REPORT_RATE_LIMIT = "2/1h"
    statuses = [report(published, "198.51.100.9").status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert CommentReport.objects.count() == 2


@pytest.mark.parametrize("status", ["held", "rejected", "spam"])
def test_only_a_published_comment_can_be_reported(page, status):
    held = make_comment(page, "Sam", "Not on the site.", status=status)

    assert BrowserClient().get(f"/comments/{held.pk}/report/").status_code == 404
    assert report(held, "198.51.100.4").status_code == 404


def test_a_report_needs_the_csrf_token(published):
    strict = BrowserClient(enforce_csrf_checks=True)

    response = report(published, "198.51.100.5", client=strict)

    assert response.status_code == 403
    assert not CommentReport.objects.exists()


def test_a_reporters_address_is_removed_after_the_retention_period(published, settings):
    report(published, "198.51.100.6")
    CommentReport.objects.update(created_at=timezone.now() - timedelta(days=31))

    services.purge()

    assert list(CommentReport.objects.values_list("ip_address", flat=True)) == [None]
