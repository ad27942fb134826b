"""A comment the safeguarding screen flags (a possible disclosure of harm, or
details that identify someone) is never published without a person reading
it, and never deleted with the spam (issue 10's first rules)."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comments import services
from comments.models import Comment
from tests.conftest import BrowserClient
from tests.factories import comment_data, make_comment, make_staff, submit_comment
from tests.helpers import change_form_data, visible_text

pytestmark = pytest.mark.django_db

DISCLOSURE = "my stepdad hits me when mum is out"
PHONE = "ring me on 07700 900123 after school"
CHANGELIST = "/admin/comments/comment/"


def test_a_possible_disclosure_is_flagged_when_submitted(page):
    comment = submit_comment(page, "Sam", DISCLOSURE)

    assert comment.concern_list == ["disclosure"]
    assert comment.concern_spans
    start, end, concern = comment.concern_spans[0]
    assert concern == "disclosure"
    assert "hits me" in DISCLOSURE[start:end]
    reasons = list(comment.history.values_list("reason", flat=True))
    assert "Flagged by the safeguarding screen: possible disclosure of harm." in reasons[0]
    assert DISCLOSURE not in reasons[0]  # the history says what, not the words


def test_an_ordinary_comment_is_not_flagged(page):
    comment = submit_comment(page, "Sam", "Thank you for the strategic briefing.")

    assert comment.concerns == ""
    assert not comment.is_flagged


def test_a_moderators_edit_is_screened_again(page, moderator):
    comment = submit_comment(page, "Sam", f"Thanks. {PHONE}")
    assert comment.concern_list == ["identifying"]

    edited = services.edit_text(comment=comment, moderator=moderator, body="Thanks.")

    assert edited.concerns == ""
    assert Comment.objects.get(pk=comment.pk).concern_spans == []


def test_bulk_approve_skips_a_flagged_comment_and_names_it(page, mod_client):
    flagged = submit_comment(page, "Sam", DISCLOSURE)
    ordinary = submit_comment(page, "Pat", "A thoughtful comment.")

    response = mod_client.post(
        CHANGELIST,
        {"action": "approve", "_selected_action": [flagged.pk, ordinary.pk]},
        follow=True,
    )

    flagged.refresh_from_db()
    ordinary.refresh_from_db()
    assert (flagged.status, ordinary.status) == ("held", "published")
    text = visible_text(response)
    assert f"Comment {flagged.pk} was flagged by the safeguarding screen" in text
    assert "open it and read it before approving it" in text


def test_a_flagged_comment_is_approved_from_its_own_page(page, mod_client):
    flagged = submit_comment(page, "Sam", DISCLOSURE)
    url = f"{CHANGELIST}{flagged.pk}/change/"
    opened = mod_client.get(url)
    assert "Possible disclosure of harm" in opened.text
    assert "<mark" in opened.text

    response = mod_client.post(url, change_form_data(mod_client, flagged, _approve="1"))

    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == Comment.Status.PUBLISHED


def test_the_service_refuses_an_unread_flagged_comment(page, moderator):
    flagged = submit_comment(page, "Sam", PHONE)

    with pytest.raises(services.ModerationError, match="flagged by the safeguarding screen"):
        services.approve(comment=flagged, moderator=moderator)

    assert Comment.objects.get(pk=flagged.pk).status == Comment.Status.HELD


def test_flagged_comments_head_the_queue_highlighted(page, mod_client):
    older = submit_comment(page, "Pat", "An older, ordinary comment.")
    flagged = submit_comment(page, "Sam", DISCLOSURE)

    response = mod_client.get(CHANGELIST)

    rows = [c.pk for c in response.context["cl"].result_list]
    assert rows.index(flagged.pk) < rows.index(older.pk)
    assert "Read first: Possible disclosure of harm" in response.text


def test_flagged_spam_is_never_purged(page):
    flagged = make_comment(page, "Sam", DISCLOSURE, days_old=60, status="spam", verdict="spam")
    Comment.objects.filter(pk=flagged.pk).update(concerns="disclosure")
    ordinary = make_comment(page, "Bot", "Buy now", days_old=60, status="spam", verdict="spam")

    call_command("purge_comments", verbosity=0)

    assert Comment.objects.filter(pk=flagged.pk).exists()
    assert not Comment.objects.filter(pk=ordinary.pk).exists()


def test_a_broken_rules_file_still_saves_the_comment_held_unscreened(page, settings, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text("this is [not valid toml")
    settings.SCREENING_RULES_FILE = str(rules)

    comment = submit_comment(page, "Sam", "A thoughtful comment.")

    assert comment.status == Comment.Status.HELD
    assert comment.concern_list == ["unscreened"]


@pytest.mark.parametrize(
    "content",
    [
        # Saved by an editor in Latin-1, not UTF-8.
        '[disclosure]\nphrases = ["caf\xe9"]\n'.encode("latin-1"),
        # Valid TOML in the wrong shape.
        b"settings = 3\n",
        b"lists = []\n",
        b"[disclosure]\nphrases = 3\n",
    ],
    ids=["not-utf8", "settings-not-a-table", "lists-not-a-table", "phrases-not-a-list"],
)
def test_any_unreadable_rules_file_still_saves_the_comment_held_unscreened(
    page, settings, tmp_path, content
):
    rules = tmp_path / "rules.toml"
    rules.write_bytes(content)
    settings.SCREENING_RULES_FILE = str(rules)

    comment = submit_comment(page, "Sam", "A thoughtful comment.")

    assert comment.status == Comment.Status.HELD
    assert comment.concern_list == ["unscreened"]


# The safeguarding lead -----------------------------------------------------------


@pytest.fixture
def lead(db):
    return make_staff("sol", group="Safeguarding lead", email="lead@example.org")


def test_the_safeguarding_lead_group_may_moderate_comments_and_handle_their_cases_only():
    group = Group.objects.get(name="Safeguarding lead")

    codenames = set(group.permissions.values_list("codename", flat=True))

    assert codenames == {
        "view_comment",
        "change_comment",
        "can_moderate",
        "view_commenthistory",
        # To read a contact message the screen flagged.
        "view_contactmessage",
        "change_contactmessage",
        # Redacted originals, case outcomes and the list of cases (test_redaction.py).
        "view_redactedoriginal",
        "change_redactedoriginal",
        "record_outcome",
        "view_safeguardingcase",
    }


def test_create_staff_account_makes_a_safeguarding_lead(capsys):
    call_command("create_staff_account", "safeguarding-lead", "sol", "sol@example.org")

    user = get_user_model().objects.get(username="sol")
    assert user.is_staff
    assert list(user.groups.values_list("name", flat=True)) == ["Safeguarding lead"]
    assert "One-time password" in capsys.readouterr().out


def test_the_lead_is_emailed_at_once_without_the_words_or_the_writer(
    page, lead, moderator, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://niromp.example"
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(
            page, "Sam Writer", DISCLOSURE, author_email="sam.writer@example.org"
        )

    to_lead = [m for m in mail.outbox if m.to == ["lead@example.org"]]
    assert len(to_lead) == 1
    message = to_lead[0]
    assert "Possible disclosure of harm" in message.subject + message.body
    assert f"https://niromp.example/admin/comments/comment/{comment.pk}/change/" in message.body
    for secret in ("stepdad", "hits me", "Sam", "sam.writer@example.org", "Writer"):
        assert secret not in message.subject
        assert secret not in message.body


def test_the_lead_hears_nothing_of_an_ordinary_comment(
    page, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit_comment(page, "Pat", "Thank you for the briefing.")

    assert [m for m in mail.outbox if "lead@example.org" in m.to] == []


def test_the_lead_is_told_once_even_when_the_text_is_edited_again(
    page, lead, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(page, "Sam", DISCLOSURE)
        services.edit_text(comment=comment, moderator=moderator, body=f"{DISCLOSURE} again")

    assert len([m for m in mail.outbox if "lead@example.org" in m.to]) == 1


def test_every_reader_is_told_what_happens_next_and_where_to_get_help(page):
    reader = BrowserClient()
    reader.post(page.get_absolute_url(), comment_data(body="Thank you for the briefing."))

    text = visible_text(reader.get(page.get_absolute_url()))

    assert "A person reads every comment before it appears" in text
    assert "call 999" in text
    assert "Childline for free, any time, on 0800 1111" in text
    assert "NSPCC helpline on 0808 800 5000" in text
    assert "awaiting moderation" in text


# Queue health --------------------------------------------------------------------


def backdate(comment, hours):
    Comment.objects.filter(pk=comment.pk).update(
        submitted_at=timezone.now() - timedelta(hours=hours)
    )


def test_moderation_report_emails_moderators_when_a_comment_waits_too_long(
    page, moderator, lead, capsys
):
    backdate(submit_comment(page, "Pat", "A thoughtful comment."), hours=49)

    call_command("moderation_report")

    out = capsys.readouterr().out
    assert "1 comment(s) held, the oldest for 2" in out
    assert "Moderators e-mailed." in out
    (message,) = mail.outbox
    assert message.to == [moderator.email]
    assert "more than 48 hours" in message.subject
    assert "A thoughtful comment." not in message.body


def test_moderation_report_is_quiet_while_the_queue_is_fresh(page, moderator, lead, capsys):
    backdate(submit_comment(page, "Pat", "A thoughtful comment."), hours=47)
    backdate(submit_comment(page, "Sam", DISCLOSURE), hours=23)

    call_command("moderation_report")

    assert mail.outbox == []


def test_moderation_report_emails_the_lead_about_a_flagged_comment_after_a_day(
    page, moderator, lead, settings, capsys
):
    settings.MODERATION_ALERT_HOURS = 72
    backdate(submit_comment(page, "Sam", DISCLOSURE), hours=25)

    call_command("moderation_report")

    (message,) = mail.outbox
    assert message.to == ["lead@example.org"]
    assert "flagged comments have waited more than a day" in message.subject
    assert "stepdad" not in message.body
    assert "Safeguarding leads e-mailed." in capsys.readouterr().out


def test_the_admin_front_page_says_how_long_the_oldest_has_waited(page, mod_client):
    backdate(submit_comment(page, "Pat", "A thoughtful comment."), hours=50)
    submit_comment(page, "Sam", DISCLOSURE)

    text = visible_text(mod_client.get("/admin/"))

    assert "2 comments awaiting moderation" in text
    assert "The oldest has waited 2 days" in text
    assert "1 flagged by the safeguarding screen" in text
