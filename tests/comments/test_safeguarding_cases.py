"""The safeguarding lead's cases: every comment the screen flags opens one,
open until the lead records what was done; the admin lists the open ones,
oldest first, with their age, to the lead only (issue 10)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comments import services
from comments.models import Comment
from tests.factories import make_staff, submit_comment
from tests.helpers import change_form_data, html_tree, logged_in, visible_text

pytestmark = pytest.mark.django_db

DISCLOSURE = "my stepdad hits me when mum is out"
PHONE = "ring me on 07700 900123 after school"
CASES = "/admin/comments/safeguardingcase/"


def change_url(comment) -> str:
    return f"/admin/comments/comment/{comment.pk}/change/"


@pytest.fixture
def lead(db):
    return make_staff("sol", group="Safeguarding lead")


@pytest.fixture
def lead_client(lead):
    return logged_in(lead)


@pytest.fixture
def cases(page, lead):
    """Three flagged comments, 5, 3 and 1 day old, and an ordinary one; the
    3-day-old one's case already closed."""
    now = timezone.now()
    made = {}
    for name, days, text in [
        ("Newest", 1, PHONE),
        ("Oldest", 5, DISCLOSURE),
        ("Closed", 3, DISCLOSURE),
        ("Ordinary", 4, "Thank you for the briefing."),
    ]:
        with time_machine.travel(now - timedelta(days=days, hours=2), tick=False):
            made[name] = submit_comment(page, name, text)
    services.record_outcome(comment=made["Closed"], lead=lead, outcome="no-action")
    return made


def rows(response) -> list[list[str]]:
    """The list's rows, each as its cells' text."""
    table = html_tree(response).by_id("result_list")
    return [
        [cell.text for cell in row.children if getattr(cell, "tag", "") in {"th", "td"}]
        for row in table.find("tbody").find_all("tr")
    ]


# Recording what was done ------------------------------------------------------------------


def test_the_lead_records_an_outcome_with_a_note_and_the_case_closes(page, lead, lead_client):
    comment = submit_comment(page, "Sam", DISCLOSURE)
    assert list(Comment.objects.open_cases()) == [comment]
    opened = lead_client.get(change_url(comment))
    assert "Open for" in visible_text(opened)

    response = lead_client.post(
        change_url(comment),
        change_form_data(
            lead_client,
            comment,
            case_outcome="local-authority",
            case_note="Rang the duty team, ref 4471.",
            _continue="1",
        ),
        follow=True,
    )

    assert "The outcome was recorded." in visible_text(response)
    row = comment.history.exclude(outcome="").get()
    assert (row.outcome, row.user, row.actor) == ("local-authority", lead, "lead")
    assert row.reason == "Safeguarding case: contacted the local authority."
    assert row.case_note == "Rang the duty team, ref 4471."
    assert comment.status == Comment.Status.HELD  # the outcome publishes nothing
    assert not Comment.objects.open_cases().exists()
    assert "Closed: contacted the local authority" in visible_text(response)


def test_a_note_without_an_outcome_is_refused(page, lead_client):
    comment = submit_comment(page, "Sam", DISCLOSURE)

    response = lead_client.post(
        change_url(comment),
        change_form_data(lead_client, comment, case_note="Spoke to them.", _continue="1"),
    )

    assert response.status_code == 200
    assert "Choose what was done, to go with the note." in visible_text(response)
    assert not comment.history.exclude(outcome="").exists()


def test_an_unflagged_comment_has_no_case(page, lead):
    comment = submit_comment(page, "Pat", "Thank you for the briefing.")

    with pytest.raises(services.ModerationError, match="no safeguarding case"):
        services.record_outcome(comment=comment, lead=lead, outcome="referred")


def test_a_moderator_cannot_record_an_outcome_or_read_the_leads_notes(page, lead, mod_client):
    comment = submit_comment(page, "Sam", DISCLOSURE)
    services.record_outcome(comment=comment, lead=lead, outcome="referred", note="Ref 4471.")
    other = submit_comment(page, "Kim", DISCLOSURE)

    opened = mod_client.get(change_url(comment))
    # A forged field is ignored: the form does not offer it to a moderator.
    mod_client.post(
        change_url(other),
        change_form_data(mod_client, other, case_outcome="no-action", _continue="1"),
    )

    assert "Ref 4471." not in opened.text
    assert 'name="case_outcome"' not in opened.text
    assert "Safeguarding case: referred." in visible_text(opened)  # what was done, not the note
    assert not other.history.exclude(outcome="").exists()


# The list of cases ------------------------------------------------------------------------


def test_the_lead_sees_open_cases_oldest_first_with_their_age_and_concerns(cases, lead_client):
    response = lead_client.get(CASES)

    assert response.status_code == 200
    assert rows(response) == [
        [
            f"Comment {cases['Oldest'].pk} by Oldest",
            "5 days",
            "Possible disclosure of harm",
            "—",
            "Held for moderation",
            "Strategic thinking",
        ],
        [
            f"Comment {cases['Newest'].pk} by Newest",
            "1 day",
            "Identifying details",
            "—",
            "Held for moderation",
            "Strategic thinking",
        ],
    ]
    links = [a.attrs["href"] for a in html_tree(response).by_id("result_list").find_all("a")]
    assert change_url(cases["Oldest"]) in links


def test_closed_cases_are_listed_when_asked_for(cases, lead_client):
    listed = rows(lead_client.get(f"{CASES}?case=closed"))

    now = timezone.localtime()
    today = f"{now.day} {now:%B %Y}"
    assert [row[:4] for row in listed] == [
        [
            f"Comment {cases['Closed'].pk} by Closed",
            "closed",
            "Possible disclosure of harm",
            f"No action ({today})",
        ]
    ]


def test_a_case_grows_older_day_by_day(page, lead_client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        submit_comment(page, "Sam", DISCLOSURE)
    with time_machine.travel(start + timedelta(days=3, hours=1), tick=False):
        listed = rows(lead_client.get(CASES))

    assert listed[0][1] == "3 days"


def test_a_case_stays_open_when_the_flagged_words_are_edited_away(page, moderator):
    comment = submit_comment(page, "Sam", DISCLOSURE)

    services.edit_text(comment=comment, moderator=moderator, body="Thank you.")

    assert list(Comment.objects.open_cases()) == [comment]


def test_the_admin_front_page_tells_the_lead_about_open_cases(cases, lead_client, mod_client):
    lead_index = visible_text(lead_client.get("/admin/"))
    assert "2 open safeguarding cases" in lead_index
    assert "The oldest has been open 5 days" in lead_index
    assert "Safeguarding cases" in lead_index  # the list, in the app's models

    assert "safeguarding case" not in visible_text(mod_client.get("/admin/")).lower()


# Least privilege, on every address --------------------------------------------------------


@pytest.fixture
def redacted(page, moderator):
    comment = submit_comment(page, "Sam", f"{DISCLOSURE}, {PHONE}")
    return services.redact(comment=comment, moderator=moderator, phrases=["07700 900123"])


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("moderator", CASES, 403),
        ("editor", CASES, 403),
        ("moderator", f"{CASES}?case=all", 403),
        ("editor", "/admin/comments/comment/{pk}/change/", 403),
        ("editor", "/admin/comments/comment/{pk}/history/", 403),
        ("moderator", f"{CASES}{{pk}}/change/", 403),
        ("moderator", f"{CASES}{{pk}}/history/", 403),
        # Nothing is added, changed or deleted in the list of cases itself; a
        # case's own address leads to its comment.
        ("lead", f"{CASES}add/", 403),
        ("lead", f"{CASES}{{pk}}/delete/", 403),
        ("lead", f"{CASES}{{pk}}/change/", 302),
        ("lead", "/admin/comments/redactedoriginal/", 404),
    ],
)
def test_who_may_open_each_address(
    who, url, status, redacted, mod_client, editor_client, lead_client
):
    client = {"moderator": mod_client, "editor": editor_client, "lead": lead_client}[who]

    response = client.get(url.format(pk=redacted.pk))

    assert response.status_code == status
    assert "07700 900123" not in response.text


def test_the_lead_may_open_the_list_the_comment_and_its_history(redacted, lead_client):
    for url in [CASES, change_url(redacted), f"/admin/comments/comment/{redacted.pk}/history/"]:
        assert lead_client.get(url).status_code == 200, url
