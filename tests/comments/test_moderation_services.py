"""What a moderator's actions do (comments.services): approve, reject, spam and
not spam, each recorded, and each correction reported to Akismet (the fake one)."""

import pytest

from comments import services
from comments.models import Comment, CommentHistory
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
Verdict = Comment.Verdict
Actor = CommentHistory.Actor


def snapshot(*comments):
    """What a moderator would see of these comments: status, verdict, history."""
    return [
        (
            c.pk,
            Comment.objects.get(pk=c.pk).status,
            Comment.objects.get(pk=c.pk).verdict,
            list(CommentHistory.objects.filter(comment=c).values_list("pk", flat=True)),
        )
        for c in comments
    ]


# Approve and reject ---------------------------------------------------------------------


def test_approve_publishes_the_comment(page, moderator):
    comment = make_comment(page)

    services.approve(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert Comment.objects.published().filter(pk=comment.pk).exists()


def test_approve_records_the_moderator_and_reason(page, moderator):
    comment = make_comment(page)

    services.approve(comment=comment, moderator=moderator, reason="On topic.")

    row = comment.history.get()
    assert (row.from_status, row.to_status, row.actor, row.user, row.reason) == (
        Status.HELD,
        Status.PUBLISHED,
        Actor.MODERATOR,
        moderator,
        "On topic.",
    )


def test_approving_a_published_comment_again_records_nothing(page, moderator):
    comment = make_comment(page)
    services.approve(comment=comment, moderator=moderator)

    services.approve(comment=comment, moderator=moderator)

    assert comment.history.count() == 1


def test_approving_a_reply_to_an_unpublished_comment_is_refused(page, moderator):
    parent = make_comment(page, body="Still held.")
    reply = make_comment(page, parent=parent, depth=2, body="A reply.")
    before = snapshot(parent, reply)

    with pytest.raises(services.ModerationError, match="approve that one first"):
        services.approve(comment=reply, moderator=moderator)

    assert snapshot(parent, reply) == before
    reply.refresh_from_db()
    assert reply.status == Status.HELD


def test_approving_a_reply_to_a_published_comment_publishes_it(page, moderator):
    parent = make_comment(page, status=Status.PUBLISHED)
    reply = make_comment(page, parent=parent, depth=2)

    services.approve(comment=reply, moderator=moderator)

    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED


def test_approve_changes_no_other_comment(page, moderator):
    comment = make_comment(page)
    others = [
        make_comment(page, body="Another held one."),
        make_comment(page, body="A spam one.", status=Status.SPAM, verdict=Verdict.SPAM),
    ]
    before = snapshot(*others)

    services.approve(comment=comment, moderator=moderator)

    assert snapshot(*others) == before


def test_reject_moves_the_comment_to_rejected_and_records_it(page, moderator):
    comment = make_comment(page)

    services.reject(comment=comment, moderator=moderator, reason="Off topic.")

    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    row = comment.history.get()
    assert (row.from_status, row.to_status, row.actor, row.user, row.reason) == (
        Status.HELD,
        Status.REJECTED,
        Actor.MODERATOR,
        moderator,
        "Off topic.",
    )


def test_reject_changes_no_other_comment(page, moderator):
    comment = make_comment(page)
    others = [
        make_comment(page, body="Another held one."),
        make_comment(page, body="A published one.", status=Status.PUBLISHED),
    ]
    before = snapshot(*others)

    services.reject(comment=comment, moderator=moderator)

    assert snapshot(*others) == before


def test_rejecting_a_published_comment_takes_it_off_the_site(page, moderator):
    comment = make_comment(page, status=Status.PUBLISHED)

    services.reject(comment=comment, moderator=moderator)

    assert not Comment.objects.published().filter(pk=comment.pk).exists()


def test_approve_and_reject_do_not_contact_akismet(akismet, page, moderator):
    services.approve(comment=make_comment(page), moderator=moderator)
    services.reject(comment=make_comment(page), moderator=moderator)

    assert akismet.calls == []


# Spam and not spam ------------------------------------------------------------------------


def test_mark_spam_moves_the_comment_to_spam(akismet, page, moderator):
    comment = make_comment(page)

    services.mark_spam(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert comment.verdict == Verdict.SPAM


def test_mark_spam_reports_the_comment_to_akismet(akismet, page, moderator):
    comment = make_comment(page, body="Buy cheap watches at a link near you.")

    services.mark_spam(comment=comment, moderator=moderator)

    reports = akismet.calls_to("submit-spam")
    assert len(reports) == 1
    assert reports[0]["comment_content"] == "Buy cheap watches at a link near you."
    assert reports[0]["user_ip"] == "203.0.113.7"
    assert akismet.calls_to("submit-ham") == []


def test_mark_spam_records_the_change_and_the_report(akismet, page, moderator):
    comment = make_comment(page)

    services.mark_spam(comment=comment, moderator=moderator)

    rows = list(comment.history.values_list("from_status", "to_status", "actor", "user", "reason"))
    assert rows == [
        ("held", "spam", "moderator", moderator.pk, "Marked as spam by a moderator."),
        ("spam", "spam", "system", None, "Reported to Akismet (submit-spam)."),
    ]


def test_mark_spam_changes_no_other_comment(akismet, page, moderator):
    comment = make_comment(page)
    other = make_comment(page, body="Another held one.")
    before = snapshot(other)

    services.mark_spam(comment=comment, moderator=moderator)

    assert snapshot(other) == before


def test_mark_not_spam_holds_the_comment(akismet, page, moderator):
    comment = make_comment(page, status=Status.SPAM, verdict=Verdict.SPAM)

    services.mark_not_spam(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert comment.verdict == Verdict.HAM


def test_mark_not_spam_reports_the_comment_to_akismet(akismet, page, moderator):
    comment = make_comment(
        page, body="A real comment Akismet got wrong.", status=Status.SPAM, verdict=Verdict.SPAM
    )

    services.mark_not_spam(comment=comment, moderator=moderator)

    reports = akismet.calls_to("submit-ham")
    assert len(reports) == 1
    assert reports[0]["comment_content"] == "A real comment Akismet got wrong."
    assert akismet.calls_to("submit-spam") == []
    assert comment.history.filter(
        actor=Actor.SYSTEM, reason="Reported to Akismet (submit-ham)."
    ).exists()


def test_mark_not_spam_can_publish_at_once(akismet, page, moderator):
    comment = make_comment(page, status=Status.SPAM, verdict=Verdict.DISCARD)

    services.mark_not_spam(comment=comment, moderator=moderator, publish=True)

    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert comment.verdict == Verdict.HAM
    change = comment.history.get(actor=Actor.MODERATOR)
    assert (change.from_status, change.to_status, change.user) == (
        Status.SPAM,
        Status.PUBLISHED,
        moderator,
    )


def test_mark_not_spam_will_not_publish_a_reply_to_an_unpublished_comment(akismet, page, moderator):
    parent = make_comment(page)
    reply = make_comment(page, parent=parent, depth=2, status=Status.SPAM, verdict=Verdict.SPAM)
    before = snapshot(parent, reply)

    with pytest.raises(services.ModerationError):
        services.mark_not_spam(comment=reply, moderator=moderator, publish=True)

    assert snapshot(parent, reply) == before
    assert akismet.calls_to("submit-ham") == []


def test_marking_a_published_comment_not_spam_leaves_it_on_the_site(akismet, page, moderator):
    comment = make_comment(page, status=Status.PUBLISHED)

    services.mark_not_spam(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED


@pytest.mark.parametrize("mode", ["down", "bad-key"])
def test_mark_spam_when_akismet_fails_still_moves_it_and_records_the_failure(
    akismet, page, moderator, mode
):
    akismet.mode = mode
    comment = make_comment(page)

    services.mark_spam(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    report = comment.history.get(actor=Actor.SYSTEM)
    assert report.reason.startswith("Could not report to Akismet (submit-spam)")
    assert len(akismet.calls_to("submit-spam")) == 1


def test_mark_spam_when_akismet_is_not_configured_records_the_failure(
    akismet, settings, page, moderator
):
    settings.AKISMET_API_KEY = ""
    comment = make_comment(page)

    services.mark_spam(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    report = comment.history.get(actor=Actor.SYSTEM)
    assert "Could not report to Akismet (submit-spam)" in report.reason
    assert "not configured" in report.reason
    assert akismet.calls == []


def test_old_site_comments_are_not_reported_to_akismet(akismet, page, moderator):
    comment = make_comment(page, source=Comment.Source.OLD_SITE, ip_address=None)

    services.mark_spam(comment=comment, moderator=moderator)

    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert akismet.calls == []
