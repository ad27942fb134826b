"""The daily purge_comments command: old spam goes, and the IP address, browser
and referrer of old comments are removed; nothing else is touched."""

import io

import pytest
from django.core.management import call_command

from comments.models import Comment, CommentHistory
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

Status = Comment.Status
Verdict = Comment.Verdict
SPAM = {"status": Status.SPAM, "verdict": Verdict.SPAM}
DISCARD = {"status": Status.SPAM, "verdict": Verdict.DISCARD}  # blatant spam


@pytest.fixture(autouse=True)
def retention(settings):
    """The retention periods the README documents (the settings' defaults)."""
    settings.COMMENTS_SPAM_RETENTION_DAYS = 15
    settings.COMMENTS_DISCARD_RETENTION_DAYS = 2
    settings.COMMENTS_PERSONAL_DATA_RETENTION_DAYS = 30


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_comments", *args, stdout=out)
    return out.getvalue()


def exists(comment) -> bool:
    return Comment.objects.filter(pk=comment.pk).exists()


def state(*comments):
    """Every stored field of these comments (None for a deleted one)."""
    return [Comment.objects.filter(pk=c.pk).values().first() for c in comments]


# Deleting spam --------------------------------------------------------------------------


def test_spam_older_than_15_days_is_deleted(page):
    old = make_comment(page, days_old=16, **SPAM)

    purge()

    assert not exists(old)


def test_spam_newer_than_15_days_is_kept(page):
    recent = make_comment(page, days_old=14, **SPAM)

    purge()

    assert exists(recent)


def test_honeypot_spam_older_than_15_days_is_deleted(page):
    trapped = make_comment(page, days_old=16, status=Status.SPAM, verdict=Verdict.UNCHECKED)

    purge()

    assert not exists(trapped)


def test_blatant_spam_older_than_the_discard_retention_is_deleted(page):
    blatant = make_comment(page, days_old=3, **DISCARD)

    purge()

    assert not exists(blatant)


def test_blatant_spam_newer_than_the_discard_retention_is_kept(page):
    blatant = make_comment(page, days_old=1, **DISCARD)

    purge()

    assert exists(blatant)


def test_discard_retention_follows_the_setting(page, settings):
    settings.COMMENTS_DISCARD_RETENTION_DAYS = 5
    kept = make_comment(page, days_old=3, **DISCARD)
    deleted = make_comment(page, days_old=6, **DISCARD)

    purge()

    assert exists(kept)
    assert not exists(deleted)


def test_spam_retention_follows_the_setting(page, settings):
    settings.COMMENTS_SPAM_RETENTION_DAYS = 60
    kept = make_comment(page, days_old=40, **SPAM)
    deleted = make_comment(page, days_old=61, **SPAM)

    purge()

    assert exists(kept)
    assert not exists(deleted)


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (Status.HELD, Verdict.HAM),
        (Status.HELD, Verdict.UNCHECKED),
        (Status.PUBLISHED, Verdict.HAM),
        (Status.REJECTED, Verdict.HAM),
        # Once spam, then rejected by a moderator: no longer in the spam folder.
        (Status.REJECTED, Verdict.SPAM),
        # Akismet said blatant spam; a moderator published it (a rescued comment).
        (Status.PUBLISHED, Verdict.DISCARD),
    ],
)
def test_comments_outside_the_spam_folder_are_never_deleted(page, status, verdict):
    comment = make_comment(page, days_old=3650, status=status, verdict=verdict)

    purge()

    assert exists(comment)


def test_old_spam_with_a_reply_is_kept_with_its_reply(page):
    parent = make_comment(page, days_old=100, **SPAM)
    reply = make_comment(page, days_old=99, parent=parent, depth=2, status=Status.PUBLISHED)

    purge()

    assert exists(parent)
    assert exists(reply)


def test_deleting_spam_deletes_its_history(page):
    old = make_comment(page, days_old=16, **SPAM)
    CommentHistory.objects.create(
        comment=old, from_status=Status.HELD, to_status=Status.SPAM, actor="akismet"
    )

    purge()

    assert not CommentHistory.objects.filter(comment_id=old.pk).exists()


# Removing personal data -------------------------------------------------------------------


def test_personal_data_is_removed_from_comments_older_than_30_days(page):
    old = make_comment(page, days_old=31, status=Status.PUBLISHED)

    purge()

    old.refresh_from_db()
    assert old.ip_address is None
    assert old.user_agent == ""
    assert old.referrer == ""
    assert old.personal_data_removed_at is not None


def test_removing_personal_data_keeps_the_comment_itself(page):
    old = make_comment(page, days_old=31, status=Status.PUBLISHED)
    before = state(old)[0]

    purge()

    after = state(old)[0]
    for field in ("ip_address", "user_agent", "referrer", "personal_data_removed_at"):
        before.pop(field)
        after.pop(field)
    assert after == before


def test_personal_data_is_kept_on_comments_newer_than_30_days(page):
    recent = make_comment(page, days_old=29)

    purge()

    recent.refresh_from_db()
    assert recent.ip_address == "203.0.113.7"
    assert recent.user_agent == "Mozilla/5.0 TestBrowser/1.0"
    assert recent.referrer == "http://testserver/strategic-thinking/"
    assert recent.personal_data_removed_at is None


# Reporting, dry run, running again --------------------------------------------------------


def test_purge_says_what_it_did(page):
    make_comment(page, days_old=16, **SPAM)
    make_comment(page, days_old=3, **DISCARD)
    make_comment(page, days_old=31)

    out = purge()

    assert "Deleted 2 spam comment(s)" in out
    assert "removed IP address and browser details from 1 comment(s)" in out


def test_dry_run_changes_nothing(page):
    comments = [
        make_comment(page, days_old=16, **SPAM),
        make_comment(page, days_old=3, **DISCARD),
        make_comment(page, days_old=31),
        make_comment(page, days_old=1),
    ]
    before = state(*comments)

    purge("--dry-run")

    assert state(*comments) == before


def test_dry_run_says_what_it_would_do(page):
    make_comment(page, days_old=16, **SPAM)
    make_comment(page, days_old=3, **DISCARD)
    make_comment(page, days_old=1, **SPAM)
    make_comment(page, days_old=31)
    make_comment(page, days_old=45)

    out = purge("--dry-run")

    assert "Would delete 2 spam comment(s)" in out
    assert "would remove IP address and browser details from 2 comment(s)" in out


def test_running_twice_is_harmless(page):
    make_comment(page, days_old=16, **SPAM)
    survivors = [
        make_comment(page, days_old=1, **SPAM),
        make_comment(page, days_old=31, status=Status.PUBLISHED),
        make_comment(page, days_old=2),
    ]
    purge()
    after_first = state(*survivors)

    out = purge()

    assert state(*survivors) == after_first
    assert all(row is not None for row in after_first)
    assert "Deleted 0 spam comment(s)" in out
    assert "from 0 comment(s)" in out
