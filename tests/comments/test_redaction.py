"""A moderator removes words from a comment before publishing it: readers see
"[removed]" where they were; the text as it was is kept for the safeguarding
lead only, and deleted after REDACTED_ORIGINAL_DAYS unless the lead keeps it
(issue 10)."""

import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from comments import services
from comments.models import Comment, RedactedOriginal
from tests.factories import make_staff, submit_comment
from tests.helpers import change_form_data, html_tree, logged_in, visible_text

pytestmark = pytest.mark.django_db

PHONE = "07700 900123"
TEXT = f"my stepdad hits me when mum is out, ring me on {PHONE} after school"
SCHOOL = "Oakfield Academy"


def change_url(comment) -> str:
    return f"/admin/comments/comment/{comment.pk}/change/"


def span_of(comment, concern: str) -> str:
    """The checkbox value for the first span the screen found for `concern`."""
    start, end, _ = next(s for s in comment.concern_spans if s[2] == concern)
    return f"{start}-{end}"


@pytest.fixture
def lead(db):
    return make_staff("sol", group="Safeguarding lead")


@pytest.fixture
def lead_client(lead):
    return logged_in(lead)


@pytest.fixture
def flagged(page):
    """A held comment with a possible disclosure and a phone number."""
    comment = submit_comment(page, "Sam", TEXT)
    assert comment.concern_list == ["disclosure", "identifying"]
    return comment


@pytest.fixture
def redacted(flagged, moderator):
    """`flagged`, its phone number redacted by a moderator."""
    return services.redact(comment=flagged, moderator=moderator, phrases=[PHONE])


# Redacting ------------------------------------------------------------------------------


def test_a_moderator_ticks_a_screened_span_and_approves_and_readers_see_removed(
    flagged, mod_client, client, page
):
    url = change_url(flagged)
    opened = mod_client.get(url)
    boxes = html_tree(opened).find_all("input", name="redact_spans")
    assert f"“{PHONE}” (identifying details)" in visible_text(opened)
    assert span_of(flagged, "identifying") in [box.attrs["value"] for box in boxes]

    response = mod_client.post(
        url,
        change_form_data(
            mod_client, flagged, redact_spans=[span_of(flagged, "identifying")], _approve="1"
        ),
    )

    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.status == Comment.Status.PUBLISHED
    assert flagged.body == "my stepdad hits me when mum is out, ring me on [removed] after school"
    public = visible_text(client.get(page.get_absolute_url()))
    assert "ring me on [removed] after school" in public
    assert PHONE not in public


def test_typed_words_are_removed_wherever_they_appear_ignoring_capitals(page, mod_client):
    comment = submit_comment(page, "Pat", f"I live at {SCHOOL}. OAKFIELD ACADEMY is great.")

    response = mod_client.post(
        change_url(comment),
        change_form_data(mod_client, comment, redact_phrases=f"{SCHOOL}\n", _redact="1"),
        follow=True,
    )

    comment.refresh_from_db()
    assert comment.body == "I live at [removed]. [removed] is great."
    assert comment.status == Comment.Status.HELD  # "Remove the chosen words" publishes nothing
    assert "The chosen words were replaced with “[removed]”." in visible_text(response)


def test_words_that_are_not_in_the_comment_are_refused_with_a_message(flagged, mod_client):
    response = mod_client.post(
        change_url(flagged),
        change_form_data(mod_client, flagged, redact_phrases="Riverside House", _approve="1"),
    )

    assert response.status_code == 200
    assert "“Riverside House” is not in the comment's text." in visible_text(response)
    flagged.refresh_from_db()
    assert (flagged.body, flagged.status) == (TEXT, Comment.Status.HELD)
    assert not RedactedOriginal.objects.exists()


def test_editing_the_text_and_redacting_at_once_is_refused(flagged, mod_client):
    response = mod_client.post(
        change_url(flagged) + "?edit=text",  # "Edit text", then a redaction as well
        change_form_data(mod_client, flagged, body=f"{TEXT}!", redact_phrases=PHONE, _continue="1"),
    )

    assert "Save your change to the text first" in visible_text(response)
    flagged.refresh_from_db()
    assert flagged.body == TEXT


def test_the_service_refuses_a_passage_that_changed_since_it_was_chosen(flagged, moderator):
    with pytest.raises(services.RedactionError, match="not in the comment's text"):
        services.redact(comment=flagged, moderator=moderator, spans=[(0, len(TEXT) + 5)])
    with pytest.raises(services.RedactionError, match="Choose the words"):
        services.redact(comment=flagged, moderator=moderator, phrases=["  "])


def test_the_redacted_text_is_screened_again_and_the_case_remembers_what_was_found(
    flagged, moderator
):
    services.redact(comment=flagged, moderator=moderator, phrases=[PHONE])
    flagged.refresh_from_db()
    assert flagged.concern_list == ["disclosure"]

    services.redact(comment=flagged, moderator=moderator, phrases=["my stepdad hits me"])
    flagged.refresh_from_db()
    assert flagged.concerns == ""
    # The safeguarding case stays open, for what the screen first found.
    assert flagged.flagged_for == "disclosure,identifying"
    assert Comment.objects.open_cases().filter(pk=flagged.pk).exists()


def test_the_history_says_how_many_passages_went_but_not_which(redacted):
    row = redacted.history.last()

    assert row.reason.startswith("Redacted 1 passage; the original text is kept")
    assert PHONE not in row.reason
    assert row.old_text == ""


# Who may read the text as it was --------------------------------------------------------


def test_a_moderator_never_sees_the_original_once_redacted(page, moderator, mod_client):
    comment = submit_comment(page, "Sam", TEXT)
    # An earlier edit kept the phone number in the history; redaction takes it out.
    services.edit_text(comment=comment, moderator=moderator, body=f"{TEXT}.")
    mod_client.post(
        change_url(comment),
        change_form_data(mod_client, comment, redact_phrases=PHONE, _redact="1"),
    )

    for url in [
        change_url(comment),
        f"/admin/comments/comment/{comment.pk}/history/",
        "/admin/comments/comment/?status=all",
        "/admin/comments/comment/?status=all&q=07700",
        "/admin/",
    ]:
        response = mod_client.get(url)
        assert response.status_code == 200, url
        assert PHONE not in response.text, url
        assert "900123" not in response.text, url
    assert "Text before redaction" not in mod_client.get(change_url(comment)).text


def test_a_readers_report_quoting_the_words_loses_them_too(page, moderator, redacted):
    comment = submit_comment(page, "Kim", f"call {PHONE}")
    services.approve(comment=comment, moderator=moderator, read=True)
    services.report_comment(
        comment=comment, reason="personal", details=f"It shows {PHONE}", ip_address="192.0.2.9"
    )

    services.redact(comment=comment, moderator=moderator, phrases=[PHONE])

    assert comment.reports.get().details == "It shows [removed]"


def test_an_editor_cannot_open_the_comment_at_all(redacted, editor_client):
    assert editor_client.get(change_url(redacted)).status_code == 403
    assert editor_client.get(f"/admin/comments/comment/{redacted.pk}/history/").status_code == 403


def test_the_lead_reads_the_original_with_when_it_will_be_deleted(redacted, lead_client):
    response = lead_client.get(change_url(redacted))

    assert response.status_code == 200
    text = visible_text(response)
    assert "Text before redaction (safeguarding leads only)" in text
    assert TEXT in text
    assert "Deleted after" in text
    assert 'name="_keep_original"' in response.text


def test_an_operator_reads_the_original_too(redacted, admin_client):
    assert TEXT in visible_text(admin_client.get(change_url(redacted)))


# Keeping it, and letting it go ------------------------------------------------------------


def test_the_lead_keeps_the_original_and_lets_it_go_again(redacted, lead_client, lead):
    original = redacted.redacted_originals.get()
    url = change_url(redacted)

    response = lead_client.post(
        url, change_form_data(lead_client, redacted, _keep_original=str(original.pk)), follow=True
    )
    original.refresh_from_db()
    assert original.keep
    assert "The text before redaction is kept." in visible_text(response)
    assert "Kept by the safeguarding lead" in visible_text(response)

    lead_client.post(url, change_form_data(lead_client, redacted, _unkeep_original=original.pk))
    original.refresh_from_db()
    assert not original.keep
    reasons = list(redacted.history.values_list("reason", flat=True))
    assert "The safeguarding lead keeps the redacted text past the retention period." in reasons
    assert any(
        r.startswith("The safeguarding lead no longer keeps the redacted text") for r in reasons
    )
    assert redacted.history.filter(user=lead, actor="lead").count() == 2


def test_a_moderator_cannot_keep_an_original(redacted, mod_client):
    original = redacted.redacted_originals.get()

    response = mod_client.post(
        change_url(redacted),
        change_form_data(mod_client, redacted, _keep_original=str(original.pk)),
    )

    assert response.status_code == 403
    original.refresh_from_db()
    assert not original.keep


def purge() -> str:
    out = io.StringIO()
    call_command("purge_comments", stdout=out)
    return out.getvalue()


def test_originals_are_deleted_after_90_days_unless_the_lead_kept_them(
    page, moderator, lead, settings
):
    settings.REDACTED_ORIGINAL_DAYS = 90
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        let_go = services.redact(
            comment=submit_comment(page, "Sam", TEXT), moderator=moderator, phrases=[PHONE]
        )
        kept = services.redact(
            comment=submit_comment(page, "Kim", f"ring {PHONE}"),
            moderator=moderator,
            phrases=[PHONE],
        )
        services.keep_original(original=kept.redacted_originals.get(), lead=lead)

    with time_machine.travel(start + timedelta(days=89), tick=False):
        assert "deleted 0 redacted text(s) older than 90 days" in purge()
    assert let_go.redacted_originals.exists()

    with time_machine.travel(start + timedelta(days=90, minutes=1), tick=False):
        assert "deleted 1 redacted text(s) older than 90 days" in purge()
    assert not let_go.redacted_originals.exists()
    assert kept.redacted_originals.exists()
    assert let_go.history.last().reason == "The redacted text was deleted after 90 days."
    assert Comment.objects.get(pk=let_go.pk).body.endswith("[removed] after school")


def test_the_retention_follows_the_setting(redacted, settings):
    settings.REDACTED_ORIGINAL_DAYS = 10

    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False):
        out = purge()

    assert "deleted 1 redacted text(s) older than 10 days" in out
    assert not RedactedOriginal.objects.exists()


# A commenter's own data -------------------------------------------------------------------


def test_the_commenters_export_holds_the_original_and_erasure_deletes_it(redacted, capsys):
    call_command("commenter_data", "sam@example.org", "--export")
    exported = json.loads(capsys.readouterr().out)
    assert [item["text"] for item in exported["redacted_originals"]] == [TEXT]

    call_command("commenter_data", "sam@example.org", "--erase")

    assert not RedactedOriginal.objects.exists()
