"""A commenter's data can be exported and erased on request
(comments/personal_data.py, through `manage.py commenter_data`)."""

import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import connection

from comments import services
from comments.models import Comment, CommentHistory
from tests.factories import make_comment, submit_comment
from tests.helpers import change_form_data

pytestmark = pytest.mark.django_db


SAM = {"author_name": "Sam", "ip_address": "192.0.2.7"}


def commenter_data(*args) -> str:
    out = io.StringIO()
    call_command("commenter_data", *args, stdout=out)
    return out.getvalue()


def test_export_prints_everything_held_about_the_address(page, capsys):
    submit_comment(page, body="First thought", **SAM)
    submit_comment(page, body="Not theirs", author_email="other@example.org", **SAM)
    call_command("commenter_data", "SAM@example.org", "--export")
    exported = json.loads(capsys.readouterr().out)["comments"]
    assert [item["comment"] for item in exported] == ["First thought"]
    assert exported[0]["ip_address"] == "192.0.2.7"
    assert exported[0]["address"] == "/strategic-thinking/"


def test_erase_deletes_their_comments_and_empties_those_others_replied_to(page, moderator):
    answered = submit_comment(page, body="Answered", **SAM)
    services.approve(comment=answered, moderator=moderator)
    reply = submit_comment(
        page, body="A reply", author_email="other@example.org", parent=answered, **SAM
    )
    lonely = submit_comment(page, body="Alone", **SAM)

    call_command("commenter_data", "sam@example.org", "--erase")

    assert not Comment.objects.filter(pk=lonely.pk).exists()
    answered.refresh_from_db()
    assert answered.author_name == "Anonymous"
    assert answered.author_email == ""
    assert answered.ip_address is None
    assert "Answered" not in answered.body
    assert Comment.objects.get(pk=reply.pk).body == "A reply"
    assert not Comment.objects.filter(author_email="sam@example.org").exists()


# A commenter whose words are everywhere --------------------------------------------------

# Everything that is Zebediah's, each distinctive enough that finding it
# anywhere in the database means it was not erased.
NAME = "Zebediah Quillfeather"
EMAIL = "Zeb.Quill@Example.org"
IP_ADDRESS = "198.51.100.23"
USER_AGENT = "QuillBrowser/7.3 (Periwinkle OS)"
WEBSITE = "https://zebs-garden.example.net/"
REFERRER = "https://zebs-referrer.example.net/start"
ORIGINAL = "My marmalade recipe needs bergamot, or so my neighbour says."
EDITED = "My tangerine recipe is lovely."
SECOND_ORIGINAL = "The bassoon section was out of tune again."
SECOND_EDITED = "The kumquat section was fine."
REPLY = "Flibbertigibbet is what my gran would have called that."
THEIR_TRACES = [
    NAME,
    "Zebediah",
    "Quillfeather",
    EMAIL,
    IP_ADDRESS,
    USER_AGENT,
    WEBSITE,
    REFERRER,
    "marmalade",
    "bergamot",
    "tangerine",
    "bassoon",
    "kumquat",
    "flibbertigibbet",
]

OTHER_NAME = "Olwen Ashdown"
OTHER_EMAIL = "olwen@example.org"


# How each of them writes, for submit_comment.
ZEB = {
    "author_name": NAME,
    "author_email": EMAIL,
    "author_url": WEBSITE,
    "ip_address": IP_ADDRESS,
    "user_agent": USER_AGENT,
    "referrer": REFERRER,
    "permalink": "http://testserver/strategic-thinking/",
}
OLWEN = {
    "author_name": OTHER_NAME,
    "author_email": OTHER_EMAIL,
    "ip_address": "203.0.113.99",
    "user_agent": "OlwenBrowser/2.0",
}


def admin_save(client, comment, **changes) -> None:
    """Press a button on the comment's admin page, as a moderator's browser does,
    so the admin writes its own log entry ("Recent actions")."""
    url = f"/admin/comments/comment/{comment.pk}/change/"
    if "body" in changes:
        url += "?edit=text"  # the text is editable only after "Edit text"
    response = client.post(url, change_form_data(client, comment, **changes))
    assert response.status_code == 302


@pytest.fixture
def everywhere(page, moderator, mod_client):
    """Zebediah's words and details in every place the site keeps them:

    - `edited`: edited by a moderator in the admin, approved with a reason quoting
      the original; Olwen replied;
    - `corrected`: edited through the service and approved in the admin; no replies
      but Zebediah's own follow-up, `follow_up`;
    - `answer`: Zebediah's reply under Olwen's comment `olwens`.
    """
    edited = submit_comment(page, body=ORIGINAL, **ZEB)
    admin_save(mod_client, edited, body=EDITED, _continue="1")
    services.approve(comment=edited, moderator=moderator, reason="Fine once “marmalade” went.")
    olwens_reply = submit_comment(page, body="Thanks, I will try it.", parent=edited, **OLWEN)
    corrected = submit_comment(page, body=SECOND_ORIGINAL, **ZEB)
    services.edit_text(comment=corrected, moderator=moderator, body=SECOND_EDITED)
    admin_save(mod_client, corrected, _approve="1")
    follow_up = submit_comment(
        page, body="Bassoon players, please write to me.", parent=corrected, **ZEB
    )
    olwens = submit_comment(page, body="The meeting notes are on the Regions page.", **OLWEN)
    answer = submit_comment(page, body=REPLY, parent=olwens, **ZEB)
    services.approve(comment=olwens, moderator=moderator)
    services.reject(comment=answer, moderator=moderator, reason=f"Off topic: “{REPLY}”")
    return {
        "edited": edited,
        "olwens_reply": olwens_reply,
        "corrected": corrected,
        "follow_up": follow_up,
        "olwens": olwens,
        "answer": answer,
    }


def traces_in_database(needles) -> list[tuple[str, str, str]]:
    """(table, column, value) for every stored value, in any table, that contains
    one of `needles`, ignoring case. Every column is read as text, so a change
    of type (an IP address column, JSON) cannot hide anything; session data,
    which is stored encoded, is decoded and searched too."""
    found = []
    quote = connection.ops.quote_name
    patterns = [f"%{needle.lower()}%" for needle in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                as_text = f"LOWER(CAST({quote(column.name)} AS TEXT))"
                where = " OR ".join([f"{as_text} LIKE %s"] * len(patterns))
                # Table and column names come from the database itself, quoted.
                sql = f"SELECT CAST({quote(column.name)} AS TEXT) FROM {quote(table)} WHERE {where}"  # noqa: S608
                cursor.execute(sql, patterns)
                found += [(table, column.name, value) for (value,) in cursor.fetchall()]
    for session in Session.objects.all():
        decoded = json.dumps(session.get_decoded(), default=str).lower()
        found += [
            ("django_session", "session_data (decoded)", needle)
            for needle in needles
            if needle.lower() in decoded
        ]
    return found


def test_the_search_finds_their_data_in_comments_history_and_admin_log(everywhere):
    """Shows the whole-database search below can see what it looks for."""
    found = traces_in_database(THEIR_TRACES)

    for needle in THEIR_TRACES:
        assert any(needle.lower() in value.lower() for _, _, value in found), needle
    places = {(table, column) for table, column, _ in found}
    assert (CommentHistory._meta.db_table, "old_text") in places
    assert (CommentHistory._meta.db_table, "reason") in places
    assert (LogEntry._meta.db_table, "object_repr") in places


def test_erase_leaves_nothing_of_theirs_anywhere_in_the_database(everywhere):
    output = commenter_data(EMAIL.lower(), "--erase")

    assert traces_in_database(THEIR_TRACES) == []
    assert "Deleted 3 comment(s); emptied 1 that others had replied to." in output


def test_erase_keeps_the_thread_of_a_comment_others_replied_to(everywhere, moderator):
    edited, olwens_reply = everywhere["edited"], everywhere["olwens_reply"]

    commenter_data(EMAIL, "--erase")

    edited.refresh_from_db()
    assert (edited.author_name, edited.body) == ("Anonymous", "[Removed at the author's request.]")
    assert edited.status == Comment.Status.PUBLISHED
    assert Comment.objects.get(pk=olwens_reply.pk).parent_id == edited.pk
    gone = ["corrected", "follow_up", "answer"]
    assert not Comment.objects.filter(pk__in=[everywhere[name].pk for name in gone]).exists()
    # What moderators did stays on record, without Zebediah's words.
    history = list(edited.history.order_by("pk"))
    assert history[-1].reason == "Personal data erased at the author's request."
    assert [(row.reason, row.old_text) for row in history[:-1]] == [("", "")] * (len(history) - 1)
    approval = edited.history.get(
        from_status=Comment.Status.HELD, to_status=Comment.Status.PUBLISHED
    )
    assert approval.user == moderator
    entry = LogEntry.objects.get(object_id=str(edited.pk))
    assert entry.object_repr == f"Comment {edited.pk} (erased at the author's request)"
    assert not LogEntry.objects.filter(object_id=str(everywhere["corrected"].pk)).exists()


def test_erase_leaves_other_commenters_untouched(everywhere):
    others = list(Comment.objects.filter(author_email=OTHER_EMAIL).values_list("pk", flat=True))

    def snapshot():
        comments = list(Comment.objects.filter(pk__in=others).order_by("pk").values())
        history = list(CommentHistory.objects.filter(comment__in=others).order_by("pk").values())
        log = list(
            LogEntry.objects.filter(object_id__in=[str(pk) for pk in others])
            .order_by("pk")
            .values()
        )
        return comments, history, log

    before = snapshot()

    commenter_data(EMAIL, "--erase")

    assert snapshot() == before
    assert len(before[0]) == 2
    assert Comment.objects.filter(author_name=OTHER_NAME).count() == 2


def test_export_holds_the_old_texts_and_the_admin_log(everywhere):
    exported = json.loads(commenter_data(EMAIL.upper(), "--export"))

    comments = {item["id"]: item for item in exported["comments"]}
    edited = comments[everywhere["edited"].pk]
    assert (edited["name"], edited["email"], edited["comment"]) == (NAME, EMAIL, EDITED)
    assert (edited["ip_address"], edited["user_agent"]) == (IP_ADDRESS, USER_AGENT)
    assert (edited["website"], edited["referrer"]) == (WEBSITE, REFERRER)
    assert comments[everywhere["answer"].pk]["in_reply_to"] == everywhere["olwens"].pk
    assert everywhere["olwens_reply"].pk not in comments
    old_texts = [row["old_text"] for row in exported["comment_history"] if row["old_text"]]
    assert sorted(old_texts) == sorted([ORIGINAL, SECOND_ORIGINAL])
    assert any(REPLY in row["reason"] for row in exported["comment_history"])
    log = {entry["comment"]: entry for entry in exported["admin_log"]}
    assert set(log) == {everywhere["edited"].pk, everywhere["corrected"].pk}
    assert log[everywhere["edited"].pk]["described_as"] == f"{NAME} on Strategic thinking"
    assert log[everywhere["edited"].pk]["change"] == "Changed Comment."
    assert (log[everywhere["edited"].pk]["action"]) == "Change"


def test_export_leaves_out_other_commenters_and_the_moderators_account(everywhere):
    text = commenter_data(EMAIL, "--export")

    assert OTHER_NAME not in text
    assert OTHER_EMAIL not in text
    assert "moira" not in text


def test_their_comment_stays_when_someone_replied_to_their_own_reply(page):
    """Zebediah's comment, Zebediah's reply to it, and Olwen's reply to that:
    both of Zebediah's stay (emptied), so Olwen's reply keeps its thread."""
    top = submit_comment(page, body="First.", **ZEB)
    middle = submit_comment(page, body="Second.", parent=top, **ZEB)
    olwens = submit_comment(page, body="Third.", parent=middle, **OLWEN)

    commenter_data(EMAIL, "--erase")

    kept = Comment.objects.filter(pk__in=[top.pk, middle.pk])
    assert set(kept.values_list("author_name", flat=True)) == {"Anonymous"}
    assert Comment.objects.get(pk=olwens.pk).parent_id == middle.pk


def test_erase_refuses_an_address_that_is_not_one(page):
    """A blank address would otherwise match every comment without one
    (pingbacks, imported comments)."""
    pingback = make_comment(page, "A blog", author_email="", kind=Comment.Kind.PINGBACK)

    with pytest.raises(CommandError, match="Give the commenter's e-mail address"):
        commenter_data(" ", "--erase")

    assert Comment.objects.filter(pk=pingback.pk).exists()


def test_erase_of_an_address_with_nothing_held_changes_nothing(everywhere):
    before = Comment.objects.count(), CommentHistory.objects.count(), LogEntry.objects.count()

    output = commenter_data("nobody@example.org", "--erase")

    assert "Deleted 0 comment(s); emptied 0" in output
    after = Comment.objects.count(), CommentHistory.objects.count(), LogEntry.objects.count()
    assert after == before
