"""The comment pipeline end to end: a reader posts through the page, the spam
check talks to a fake Akismet over HTTP through the real `akismet` library,
moderators are e-mailed, and only a moderator publishes.

See "How a comment flows" in the README."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client

from comments import services, spam
from comments.models import Comment, CommentHistory
from tests.factories import comment_data, make_comment, make_editor, make_moderator
from tests.factories import post_comment as post_form
from tests.fake_akismet import VALID_KEY

pytestmark = pytest.mark.django_db

SUCCESS_MESSAGE = "Your comment has been received and is awaiting moderation"


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = ""


class BrokenEmailBackend(BaseEmailBackend):
    """An SMTP server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server is down.")


@pytest.fixture
def post_comment(client, page, django_capture_on_commit_callbacks):
    """Post the comment form as a reader does; the spam check runs once the
    request's transaction has committed. Returns the response and the comment."""

    def post(**overrides):
        headers = {
            "REMOTE_ADDR": "203.0.113.7",
            "HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0",
            "HTTP_REFERER": f"http://testserver{page.get_absolute_url()}",
        }
        before = set(Comment.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            response = post_form(client, page, environ=headers, **overrides)
        new = Comment.objects.exclude(pk__in=before)
        assert new.count() == 1, response.content.decode()[:2000]
        return response, new.get()

    return post


def public_text(page) -> str:
    """The page as a reader who has never commented sees it."""
    response = Client().get(page.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# The spam check --------------------------------------------------------------------------


def test_ham_comment_is_held_with_verdict_ham(akismet, post_comment):
    response, comment = post_comment(body="A genuine thought about strategy.")

    assert response.status_code == 302
    assert comment.status == Comment.Status.HELD
    assert comment.verdict == Comment.Verdict.HAM
    assert comment.checked_at is not None


def test_held_ham_comment_is_not_shown_to_other_readers(akismet, page, post_comment):
    post_comment(body="Only a moderator may publish this sentence.")

    assert "Only a moderator may publish this sentence." not in public_text(page)


def test_spam_check_sends_akismet_what_it_uses(akismet, page, post_comment):
    _, comment = post_comment(
        author_name="Alex Reader",
        author_email="alex@example.org",
        body="A genuine thought about strategy.",
    )

    checks = akismet.calls_to("comment-check")
    assert len(checks) == 1
    sent = checks[0]
    assert sent["api_key"] == VALID_KEY
    assert sent["blog"] == "http://testserver"
    assert sent["blog_lang"] == "en_gb"
    assert sent["user_ip"] == "203.0.113.7"
    assert sent["user_agent"] == "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0"
    assert sent["referrer"] == f"http://testserver{page.get_absolute_url()}"
    assert sent["permalink"] == f"http://testserver{page.get_absolute_url()}"
    assert sent["comment_type"] == "comment"
    assert sent["comment_author"] == "Alex Reader"
    assert sent["comment_author_email"] == "alex@example.org"
    assert sent["comment_content"] == "A genuine thought about strategy."
    sent_date = datetime.fromisoformat(sent["comment_date_gmt"])
    assert sent_date.utcoffset() == timedelta(0)
    assert abs(sent_date - comment.submitted_at.astimezone(UTC)) < timedelta(seconds=1)


def test_comments_are_checked_over_one_connection_kept_open(akismet, post_comment):
    """Each check reuses the open connection to Akismet: no new TCP and TLS
    handshake for every comment (the real service is HTTPS, across the internet)."""
    for n in range(3):
        _, comment = post_comment(body=f"Comment number {n} on the page.")
        assert comment.verdict == Comment.Verdict.HAM
    assert len(akismet.calls_to("comment-check")) == 3
    # One opened now, or none: the one a previous check left open.
    assert akismet.connections <= 1


def test_spam_check_of_a_reply_sends_comment_type_reply(akismet, page, post_comment):
    parent = make_comment(
        page, "First Reader", "The comment being replied to.", status=Comment.Status.PUBLISHED
    )

    _, reply = post_comment(parent=str(parent.pk), body="I agree with you.")

    assert reply.parent == parent
    checks = akismet.calls_to("comment-check")
    assert len(checks) == 1
    assert checks[0]["comment_type"] == "reply"
    assert checks[0]["comment_content"] == "I agree with you."


@pytest.mark.parametrize(
    ("author", "verdict"),
    [
        ("akismet-guaranteed-spam", Comment.Verdict.SPAM),
        ("akismet-guaranteed-discard", Comment.Verdict.DISCARD),
    ],
)
def test_spam_goes_to_the_spam_folder(akismet, post_comment, author, verdict):
    response, comment = post_comment(author_name=author)

    assert response.status_code == 302
    assert comment.status == Comment.Status.SPAM
    assert comment.verdict == verdict


@pytest.mark.parametrize("author", ["akismet-guaranteed-spam", "akismet-guaranteed-discard"])
def test_spam_does_not_email_moderators(akismet, moderator, post_comment, author):
    _, comment = post_comment(author_name=author)

    assert comment.status == Comment.Status.SPAM
    assert mail.outbox == []
    assert comment.notified_at is None


# When Akismet cannot answer -----------------------------------------------------------------

FAILURES = {
    "down": "could not be reached",
    "slow": "could not be reached",
    "bad-key": "rejected the API key",
    "unconfigured": "not configured",
}


def break_akismet(akismet, settings, failure):
    """Put the fake service in one failure mode; "unconfigured" means no API key at all."""
    if failure == "unconfigured":
        settings.AKISMET_API_KEY = ""
    else:
        akismet.mode = failure
        akismet.delay = 2.0  # past AKISMET_TIMEOUT (0.5 s)


def mend_akismet(akismet, settings):
    akismet.mode = "ok"
    settings.AKISMET_API_KEY = VALID_KEY


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failed_check_leaves_the_comment_held_and_unchecked(
    akismet, settings, post_comment, failure
):
    break_akismet(akismet, settings, failure)
    _, comment = post_comment()

    assert comment.status == Comment.Status.HELD
    assert comment.verdict == Comment.Verdict.UNCHECKED
    assert FAILURES[failure] in comment.verdict_reason
    assert comment.verdict_reason.startswith("Akismet")
    assert comment.check_attempts == 1


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failed_check_is_recorded_in_the_history_by_the_system(
    akismet, settings, post_comment, failure
):
    break_akismet(akismet, settings, failure)
    _, comment = post_comment()

    row = comment.history.get(actor=CommentHistory.Actor.SYSTEM)
    assert row.from_status == Comment.Status.HELD
    assert row.to_status == Comment.Status.HELD
    assert row.user is None
    assert "Spam check failed" in row.reason
    assert FAILURES[failure] in row.reason


@pytest.mark.parametrize("failure", list(FAILURES))
def test_failed_check_still_thanks_the_reader(
    akismet, settings, client, page, post_comment, failure
):
    break_akismet(akismet, settings, failure)
    response, comment = post_comment()

    assert response.status_code == 302
    assert response["Location"] == f"{page.get_absolute_url()}#comment-{comment.pk}"
    follow = client.get(response["Location"])
    assert SUCCESS_MESSAGE in follow.content.decode()


def test_unconfigured_akismet_is_not_contacted(akismet, settings, post_comment):
    settings.AKISMET_API_KEY = ""

    post_comment()

    assert akismet.calls == []


def test_unconfigured_akismet_is_recorded_with_the_comment_and_moderators_are_told(
    akismet, settings, moderator, post_comment
):
    settings.AKISMET_API_KEY = ""

    _, comment = post_comment()

    history = list(comment.history.order_by("pk").values_list("actor", "to_status", "reason"))
    assert history == [
        (CommentHistory.Actor.READER, Comment.Status.HELD, "Submitted."),
        (
            CommentHistory.Actor.SYSTEM,
            Comment.Status.HELD,
            "Spam check failed; stays held and unchecked. "
            "Akismet is not configured (AKISMET_API_KEY, AKISMET_SITE_URL).",
        ),
    ]
    assert len(mail.outbox) == 1
    comment.refresh_from_db()
    assert comment.notified_at is not None


def test_a_caught_bot_is_not_counted_as_a_failed_check(akismet, settings, post_comment):
    settings.AKISMET_API_KEY = ""

    _, comment = post_comment(homepage="http://bot.example")

    assert comment.status == Comment.Status.SPAM
    assert comment.check_attempts == 0
    assert not comment.history.filter(actor=CommentHistory.Actor.SYSTEM).exists()


def published_thread(page, size: int) -> None:
    Comment.objects.bulk_create(
        Comment(page=page, author_name=f"Reader {n}", body="Hi.", status=Comment.Status.PUBLISHED)
        for n in range(size)
    )


@pytest.mark.parametrize("thread", [0, 300])
@pytest.mark.parametrize("configured", [True, False], ids=["akismet", "no-akismet"])
def test_posting_a_comment_takes_the_same_few_queries_however_long_the_thread(
    akismet,
    settings,
    client,
    page,
    moderator,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    thread,
    configured,
):
    """Everything a POST does, the spam check and the moderators' e-mail
    included: the page, the insert and its history, the check's verdict, the
    e-mail's recipients, its claim and the page it names (the check loads the
    comment alone), and the page of the thread to return to."""
    if not configured:
        settings.AKISMET_API_KEY = ""
    published_thread(page, thread)

    with (
        django_assert_num_queries(14 if configured else 8),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_form(client, page)

    assert response.status_code == 302
    assert Comment.objects.get(status=Comment.Status.HELD).check_attempts == 1
    assert len(mail.outbox) == 1


def test_a_verdict_that_arrives_after_a_moderator_decided_changes_nothing(page, moderator):
    comment = make_comment(page, verdict=Comment.Verdict.UNCHECKED)
    as_the_check_read_it = Comment.objects.get(pk=comment.pk)
    services.approve(comment=comment, moderator=moderator)

    services._record_verdict(as_the_check_read_it, verdict=spam.Verdict(is_spam=True))

    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.verdict == Comment.Verdict.UNCHECKED
    assert comment.check_attempts == 0
    assert not comment.history.filter(actor=CommentHistory.Actor.AKISMET).exists()


@pytest.mark.parametrize("failure", list(FAILURES))
def test_recheck_judges_the_comment_once_akismet_is_back(akismet, settings, post_comment, failure):
    break_akismet(akismet, settings, failure)
    _, comment = post_comment()
    mend_akismet(akismet, settings)
    checks_before = len(akismet.calls_to("comment-check"))

    call_command("recheck_comments", stdout=io.StringIO())

    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD
    assert comment.verdict == Comment.Verdict.HAM
    assert comment.check_attempts == 2
    assert len(akismet.calls_to("comment-check")) == checks_before + 1


@pytest.mark.parametrize("failure", list(FAILURES))
def test_second_recheck_sends_no_further_check(akismet, settings, post_comment, failure):
    break_akismet(akismet, settings, failure)
    _, comment = post_comment()
    mend_akismet(akismet, settings)
    call_command("recheck_comments", stdout=io.StringIO())
    checks_after_first = len(akismet.calls_to("comment-check"))

    call_command("recheck_comments", stdout=io.StringIO())

    assert len(akismet.calls_to("comment-check")) == checks_after_first
    comment.refresh_from_db()
    assert comment.verdict == Comment.Verdict.HAM
    assert comment.check_attempts == 2


def test_recheck_reports_what_it_did(akismet, post_comment, capsys):
    akismet.mode = "down"
    post_comment(body="First.")
    post_comment(body="Second.")

    call_command("recheck_comments")
    assert "Checked 0 comment(s); 2 still unchecked." in capsys.readouterr().out

    akismet.mode = "ok"
    call_command("recheck_comments")
    assert "Checked 2 comment(s); 0 still unchecked." in capsys.readouterr().out


# Only a moderator publishes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "author"),
    [
        ("ok", "Alex Reader"),
        ("ok", "akismet-guaranteed-spam"),
        ("ok", "akismet-guaranteed-discard"),
        ("down", "Alex Reader"),
    ],
)
def test_no_verdict_publishes_a_comment(akismet, page, post_comment, mode, author):
    akismet.mode = mode

    _, comment = post_comment(author_name=author, body="Never published by a machine.")
    akismet.mode = "ok"
    call_command("recheck_comments", stdout=io.StringIO())

    comment.refresh_from_db()
    assert comment.status != Comment.Status.PUBLISHED
    assert not comment.history.filter(to_status=Comment.Status.PUBLISHED).exists()
    assert "Never published by a machine." not in public_text(page)


def test_approved_comment_appears_on_the_page(akismet, page, moderator, post_comment):
    _, comment = post_comment(author_name="Alex Reader", body="Worth publishing, this one.")

    services.approve(comment=comment, moderator=moderator)

    text = public_text(page)
    assert "Worth publishing, this one." in text
    assert f'id="comment-{comment.pk}"' in text
    assert "awaiting moderation" not in text


# History --------------------------------------------------------------------------------


def test_every_status_change_is_recorded(akismet, moderator, post_comment):
    _, comment = post_comment()

    services.approve(comment=comment, moderator=moderator, reason="Useful and on topic.")

    rows = list(
        comment.history.order_by("at", "pk").values_list(
            "from_status", "to_status", "actor", "user", "reason"
        )
    )
    assert rows == [
        ("", "held", "reader", None, "Submitted."),
        ("held", "held", "akismet", None, "Akismet: not spam; held for a moderator."),
        ("held", "published", "moderator", moderator.pk, "Useful and on topic."),
    ]


def test_history_of_spam_verdict_names_akismet(akismet, post_comment):
    _, comment = post_comment(author_name="akismet-guaranteed-spam")

    rows = list(comment.history.values_list("from_status", "to_status", "actor"))
    assert rows == [("", "held", "reader"), ("held", "spam", "akismet")]


# Notifying moderators --------------------------------------------------------------------


def test_moderators_get_one_email_about_a_held_comment(
    akismet, page, moderator, post_comment, settings
):
    settings.SITE_URL = "https://niromp.example"
    body = "First paragraph of my comment.\n\nSecond paragraph, with more to say."

    _, comment = post_comment(author_name="Alex Reader", body=body)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["moira@example.org"]
    assert page.title in message.subject
    assert "> First paragraph of my comment.\n>\n> Second paragraph, with more to say." in (
        message.body.replace("> \n", ">\n")
    )
    assert page.title in message.body
    assert f"https://niromp.example/admin/comments/comment/{comment.pk}/change/" in message.body
    comment.refresh_from_db()
    assert comment.notified_at is not None


def test_recheck_does_not_email_moderators_again(akismet, moderator, post_comment):
    akismet.mode = "down"
    _, comment = post_comment()
    assert len(mail.outbox) == 1  # held (unchecked) is still held: moderators are told

    akismet.mode = "ok"
    call_command("recheck_comments", stdout=io.StringIO())
    call_command("recheck_comments", stdout=io.StringIO())

    comment.refresh_from_db()
    assert comment.verdict == Comment.Verdict.HAM
    assert len(mail.outbox) == 1


def test_each_held_comment_gets_its_own_email(akismet, moderator, post_comment):
    _, first = post_comment(body="The first comment.")
    _, second = post_comment(body="The second comment.")

    assert len(mail.outbox) == 2
    assert f"/admin/comments/comment/{first.pk}/change/" in mail.outbox[0].body
    assert f"/admin/comments/comment/{second.pk}/change/" in mail.outbox[1].body


def test_email_goes_only_to_moderators_with_an_address(
    akismet, django_user_model, moderator, post_comment
):
    make_moderator("noaddress", email="")
    make_moderator("gone", is_active=False)
    make_editor("ed")
    django_user_model.objects.create_superuser(username="root", email="root@example.org")

    post_comment()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].recipients() == ["moira@example.org"]


def test_no_email_when_no_moderator_has_an_address(akismet, post_comment):
    _, comment = post_comment()

    assert mail.outbox == []
    comment.refresh_from_db()
    assert comment.notified_at is None


def test_held_comment_email_is_sent_once_even_if_the_check_runs_again(
    akismet, moderator, post_comment
):
    _, comment = post_comment()

    services.check_comment(comment_id=comment.pk)
    services.recheck_unchecked()

    assert len(mail.outbox) == 1


def test_moderators_are_told_later_when_the_email_could_not_be_sent(
    akismet, settings, moderator, post_comment
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenEmailBackend"}}
    _, comment = post_comment(body="Judged ham while the mail server was down.")
    comment.refresh_from_db()
    assert comment.verdict == Comment.Verdict.HAM
    assert comment.notified_at is None

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    call_command("recheck_comments", stdout=io.StringIO())
    call_command("recheck_comments", stdout=io.StringIO())

    assert len(mail.outbox) == 1
    assert "Judged ham while the mail server was down." in mail.outbox[0].body


# E-mail and addresses a reader cannot forge (issue 14, row 8) ------------------------------


def test_a_forged_line_in_a_comment_stays_quoted_below_the_sites_own_links(
    akismet, page, moderator, post_comment, settings
):
    settings.SITE_URL = "https://niromp.example"
    forged = "Moderate it: https://evil.example/steal"

    _, comment = post_comment(body=f"Nice page.\n{forged}")

    body = mail.outbox[0].body
    real = f"Moderate it: https://niromp.example/admin/comments/comment/{comment.pk}/change/"
    assert body.index(real) < body.index(f"> {forged}")
    assert f"\n{forged}" not in body  # never at the start of a line, as the site's own are
    assert "written by the reader, not by the site" in body


def test_links_in_email_and_the_stored_permalink_ignore_the_host_a_client_sends(
    akismet, page, moderator, client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["niromp.example", "localhost"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            page.get_absolute_url(), comment_data(body="Hello."), HTTP_HOST="localhost:6666"
        )

    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.permalink == f"http://niromp.example{page.get_absolute_url()}"
    assert "6666" not in mail.outbox[0].body
    assert "http://niromp.example/admin/comments/comment/" in mail.outbox[0].body
