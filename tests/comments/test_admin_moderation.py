"""The moderators' screens (comments/admin.py), driven through the admin as a
signed-in moderator: the held queue, its filters and search, the count on the
admin's front page, the actions on many comments, and one comment's page with
its thread, history and decision buttons. Akismet is the fake one."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin.utils import display_for_field
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import Comment, CommentHistory
from pages.models import Page
from tests.factories import make_article, make_staff, published_comment, submit_comment
from tests.helpers import change_form_data, visible_text

pytestmark = pytest.mark.django_db

Status = Comment.Status
Verdict = Comment.Verdict
Actor = CommentHistory.Actor

CHANGELIST = "/admin/comments/comment/"


def change_url(comment) -> str:
    return f"{CHANGELIST}{comment.pk}/change/"


# Fixtures and helpers ------------------------------------------------------------------


def submitted(comment, when) -> Comment:
    """Backdate a comment (the form always stamps it now)."""
    Comment.objects.filter(pk=comment.pk).update(submitted_at=when)
    comment.refresh_from_db()
    return comment


def set_status(comment, status) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(status=status)
    comment.refresh_from_db()
    return comment


def listed(response) -> list[int]:
    return [comment.pk for comment in response.context["cl"].result_list]


def run_action(client, action, *comments, query=""):
    """Run an action as the changelist's form does: posted back to the list's own
    address, so with its filters (`query`, e.g. "?status=spam")."""
    return client.post(
        CHANGELIST + query,
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def snapshot():
    """Every comment as stored, with its history: to show what an action left alone."""
    return {
        c.pk: (
            c.status,
            c.verdict,
            c.verdict_reason,
            c.body,
            list(c.history.values_list("pk", flat=True)),
        )
        for c in Comment.objects.prefetch_related("history")
    }


def moderator_rows(comment, user):
    return list(CommentHistory.objects.filter(comment=comment, actor=Actor.MODERATOR, user=user))


# The queue -----------------------------------------------------------------------------


def test_the_queue_opens_on_held_comments_oldest_first(mod_client, page):
    now = datetime.now(UTC)
    newest = submitted(submit_comment(page, "Newest Reader"), now - timedelta(hours=1))
    oldest = submitted(submit_comment(page, "Oldest Reader"), now - timedelta(days=3))
    middle = submitted(submit_comment(page, "Middle Reader"), now - timedelta(days=1))
    set_status(submit_comment(page, "Published Reader"), Status.PUBLISHED)
    set_status(submit_comment(page, "Rejected Reader"), Status.REJECTED)
    set_status(submit_comment(page, "Spam Reader"), Status.SPAM)

    response = mod_client.get(CHANGELIST)

    assert response.status_code == 200
    assert listed(response) == [oldest.pk, middle.pk, newest.pk]
    assert "Held for moderation" in response.text


def test_the_queue_shows_what_a_moderator_needs(
    mod_client, page, akismet, settings, django_capture_on_commit_callbacks
):
    settings.AKISMET_API_KEY = ""  # unconfigured: the check leaves it unchecked, with a reason
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(
            page, "Pat Writer", body="Thanks for the strategic thinking session."
        )
    comment.refresh_from_db()
    assert comment.verdict == Verdict.UNCHECKED
    assert comment.verdict_reason  # the reason the moderator should see

    response = mod_client.get(CHANGELIST)

    text = response.text
    assert "Held for moderation" in text
    assert "Held · not checked" in text
    # Why it was not checked: once, above the list (test_admin_reading.py).
    assert "Akismet is not configured" in visible_text(response)
    assert "Thanks for the strategic thinking session." in text
    assert "Pat Writer" in text
    assert "pat@example.org" not in text  # searchable, not shown
    assert 'href="/strategic-thinking/"' in text  # the page it is on
    when = display_for_field(comment.submitted_at, Comment._meta.get_field("submitted_at"), "")
    assert str(when) in text


def test_the_queue_shows_a_checked_verdict_without_the_note(
    mod_client, page, akismet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(page)
    comment.refresh_from_db()
    assert comment.verdict == Verdict.HAM

    response = mod_client.get(CHANGELIST)

    assert "Not spam" in response.text
    assert comment.verdict_reason not in response.text


def test_a_long_comment_is_shortened_in_the_queue(mod_client, page):
    body = "Word " * 100 + "THE-END"
    submit_comment(page, body=body)

    response = mod_client.get(CHANGELIST)

    assert "Word Word" in response.text
    assert "THE-END" not in response.text


@pytest.fixture
def mixed(page):
    """Comments in every status and verdict, on a page and on an article, on two days."""
    article = make_article(title="Press notice")
    day_one = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    day_two = datetime(2025, 4, 20, 12, 0, tzinfo=UTC)
    comments = {
        "held": submitted(submit_comment(page, "Hana Held"), day_one),
        "held_ham": submitted(submit_comment(page, "Harry Ham"), day_two),
        "held_article": submitted(submit_comment(article, "Ari Article"), day_two),
        "published": submitted(
            set_status(submit_comment(page, "Pia Published"), Status.PUBLISHED), day_one
        ),
        "rejected": submitted(
            set_status(submit_comment(page, "Rex Rejected"), Status.REJECTED), day_one
        ),
        "spam": submitted(set_status(submit_comment(page, "Sam Spam"), Status.SPAM), day_two),
    }
    Comment.objects.filter(pk=comments["held_ham"].pk).update(verdict=Verdict.HAM)
    Comment.objects.filter(pk=comments["spam"].pk).update(verdict=Verdict.SPAM)
    return comments


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["held", "held_ham", "held_article"]),
        ({"status": "held"}, ["held", "held_ham", "held_article"]),
        ({"status": "published"}, ["published"]),
        ({"status": "rejected"}, ["rejected"]),
        ({"status": "spam"}, ["spam"]),
        (
            {"status": "all"},
            ["held", "published", "rejected", "held_ham", "held_article", "spam"],
        ),
        ({"verdict__exact": "ham"}, ["held_ham"]),
        ({"status": "all", "verdict__exact": "spam"}, ["spam"]),
        (
            {"status": "all", "verdict__exact": "unchecked"},
            ["held", "published", "rejected", "held_article"],
        ),
        ({"on": "page"}, ["held", "held_ham"]),
        ({"on": "article"}, ["held_article"]),
        ({"status": "all", "on": "article"}, ["held_article"]),
        ({"submitted_at__year": "2025", "submitted_at__month": "3"}, ["held"]),
        (
            {"status": "all", "submitted_at__year": "2025", "submitted_at__month": "4"},
            ["held_ham", "held_article", "spam"],
        ),
        (
            {
                "status": "all",
                "submitted_at__gte": "2025-03-10 00:00:00+00:00",
                "submitted_at__lt": "2025-03-11 00:00:00+00:00",
            },
            ["held", "published", "rejected"],
        ),
    ],
)
def test_the_queue_filters(mod_client, mixed, query, expected):
    response = mod_client.get(CHANGELIST, query)

    assert response.status_code == 200
    assert listed(response) == [mixed[name].pk for name in expected]


def test_the_status_filter_offers_every_status_and_all(mod_client, mixed):
    response = mod_client.get(CHANGELIST)

    (status_filter,) = [f for f in response.context["cl"].filter_specs if f.title == "status"]
    choices = list(status_filter.choices(response.context["cl"]))
    assert [c["display"] for c in choices] == [
        "Held for moderation",
        "Published",
        "Rejected",
        "Spam",
        "All",
    ]
    assert [c["display"] for c in choices if c["selected"]] == ["Held for moderation"]
    titles = [f.title for f in response.context["cl"].filter_specs]
    assert titles[:3] == ["status", "spam check", "on"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Harry", ["held_ham"]),
        ("hana@example.org", ["held"]),
        ("ari@", ["held_article"]),
        ("thoughtful", ["held", "held_ham", "held_article"]),
        ("nothing-like-this", []),
    ],
)
def test_the_queue_searches_name_email_and_text(mod_client, mixed, q, expected):
    response = mod_client.get(CHANGELIST, {"q": q})

    assert listed(response) == [mixed[name].pk for name in expected]


def test_search_finds_a_comment_by_its_text(mod_client, page):
    wanted = submit_comment(page, body="Reflective practice changed how I lead.")
    submit_comment(page, body="Something else entirely.")

    response = mod_client.get(CHANGELIST, {"q": "reflective practice"})

    assert listed(response) == [wanted.pk]


# The admin's front page ----------------------------------------------------------------


def test_the_admin_index_shows_a_moderator_the_held_count(mod_client, page):
    for n in range(3):
        submit_comment(page, body=f"Held {n}.")
    set_status(submit_comment(page), Status.PUBLISHED)
    set_status(submit_comment(page), Status.SPAM)
    set_status(submit_comment(page), Status.REJECTED)

    response = mod_client.get("/admin/")

    assert "3 comments awaiting moderation" in visible_text(response)
    assert f'href="{CHANGELIST}?status=held"' in response.text


def test_the_admin_index_says_one_comment_in_the_singular(mod_client, page):
    submit_comment(page)

    response = mod_client.get("/admin/")

    assert "1 comment awaiting moderation" in visible_text(response)


def test_the_admin_index_tells_an_editor_nothing_about_comments(editor_client, page):
    for _ in range(3):
        submit_comment(page)

    response = editor_client.get("/admin/")

    assert response.status_code == 200
    assert "awaiting moderation" not in response.text
    assert "/admin/comments/" not in response.text
    assert "moderation-queue" not in response.text


# Clearing the queue --------------------------------------------------------------------


def test_a_moderator_clears_a_queue_of_a_hundred_comments_in_one_action(
    mod_client, moderator, page
):
    comments = [submit_comment(page, body=f"Queued comment number {n}.") for n in range(100)]
    assert len(listed(mod_client.get(CHANGELIST))) == 100

    response = run_action(mod_client, "approve", *comments)

    assert response.status_code == 200
    assert "100 comment(s) approved and published." in message_texts(response)
    assert Comment.objects.filter(status=Status.PUBLISHED).count() == 100
    assert not Comment.objects.in_moderation().exists()
    for comment in comments:
        (row,) = moderator_rows(comment, moderator)
        assert (row.from_status, row.to_status) == (Status.HELD, Status.PUBLISHED)
    assert listed(mod_client.get(CHANGELIST)) == []
    assert "0 comments awaiting moderation" in visible_text(mod_client.get("/admin/"))

    # Fifty top-level comments to a page of the thread.
    text = visible_text(mod_client.get("/strategic-thinking/")) + visible_text(
        mod_client.get("/strategic-thinking/?comments-page=2")
    )
    assert "100 comments on" in text
    for n in range(100):
        assert f"Queued comment number {n}." in text


# Each action ---------------------------------------------------------------------------


def test_approve_publishes_and_records_the_moderator(mod_client, moderator, page, client):
    comment = submit_comment(page, body="Worth publishing.")

    response = run_action(mod_client, "approve", comment)

    comment.refresh_from_db()
    assert comment.status == Status.PUBLISHED
    assert "1 comment(s) approved and published." in message_texts(response)
    (row,) = moderator_rows(comment, moderator)
    assert (row.from_status, row.to_status) == (Status.HELD, Status.PUBLISHED)
    mod_client.logout()
    assert "Worth publishing." in visible_text(client.get("/strategic-thinking/"))


def test_reject_records_the_moderator_and_keeps_it_off_the_site(
    mod_client, moderator, page, client
):
    comment = submit_comment(page, body="Not for the site.")

    response = run_action(mod_client, "reject", comment)

    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert "1 comment(s) rejected." in message_texts(response)
    (row,) = moderator_rows(comment, moderator)
    assert (row.from_status, row.to_status) == (Status.HELD, Status.REJECTED)
    mod_client.logout()
    assert "Not for the site." not in visible_text(client.get("/strategic-thinking/"))


def test_mark_as_spam_moves_it_and_tells_akismet(mod_client, moderator, page, akismet):
    comment = submit_comment(page, "Spammy Sender", body="Cheap watches, click here.")

    response = run_action(mod_client, "mark_spam", comment)

    comment.refresh_from_db()
    assert (comment.status, comment.verdict) == (Status.SPAM, Verdict.SPAM)
    assert "1 comment(s) marked as spam." in message_texts(response)
    (report,) = akismet.calls_to("submit-spam")
    assert report["comment_content"] == "Cheap watches, click here."
    assert report["comment_author"] == "Spammy Sender"
    assert report["comment_author_email"] == "spammy@example.org"
    assert report["user_ip"] == "192.0.2.1"
    (row,) = moderator_rows(comment, moderator)
    assert (row.from_status, row.to_status) == (Status.HELD, Status.SPAM)
    assert comment.history.filter(reason="Reported to Akismet (submit-spam).").exists()


def test_not_spam_holds_it_again_and_tells_akismet(
    mod_client, moderator, page, akismet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(page, "akismet-guaranteed-spam", body="Honestly a real comment.")
    comment.refresh_from_db()
    assert comment.status == Status.SPAM  # Akismet got it wrong

    response = run_action(mod_client, "mark_not_spam", comment, query="?status=spam")

    comment.refresh_from_db()
    assert (comment.status, comment.verdict) == (Status.HELD, Verdict.HAM)
    assert "1 comment(s) marked as not spam and held." in message_texts(response)
    (report,) = akismet.calls_to("submit-ham")
    assert report["comment_content"] == "Honestly a real comment."
    (row,) = moderator_rows(comment, moderator)
    assert (row.from_status, row.to_status) == (Status.SPAM, Status.HELD)
    assert comment.history.filter(reason="Reported to Akismet (submit-ham).").exists()


def test_recheck_asks_akismet_again(
    mod_client, moderator, page, akismet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(page, body="Check me twice.")
    assert len(akismet.calls_to("comment-check")) == 1
    rows_before = comment.history.count()

    response = run_action(mod_client, "recheck", comment)

    checks = akismet.calls_to("comment-check")
    assert len(checks) == 2
    assert checks[-1]["comment_content"] == "Check me twice."
    assert "1 comment(s) checked." in message_texts(response)
    comment.refresh_from_db()
    assert (comment.status, comment.verdict) == (Status.HELD, Verdict.HAM)
    assert comment.history.count() > rows_before


def test_recheck_records_which_moderator_asked(
    mod_client, moderator, page, akismet, django_capture_on_commit_callbacks
):
    """Every change is recorded with who did it (DESIGN: the comment pipeline, 4)."""
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(page, body="Check me twice.")
    rows_before = set(comment.history.values_list("pk", flat=True))

    run_action(mod_client, "recheck", comment)

    new_rows = comment.history.exclude(pk__in=rows_before)
    assert new_rows.exists()
    assert moderator in [row.user for row in new_rows]


def test_recheck_of_an_unchecked_comment_gives_it_a_verdict(
    mod_client, page, akismet, settings, django_capture_on_commit_callbacks
):
    akismet.mode = "down"
    with django_capture_on_commit_callbacks(execute=True):
        comment = submit_comment(page)
    comment.refresh_from_db()
    assert comment.verdict == Verdict.UNCHECKED
    akismet.mode = "ok"

    run_action(mod_client, "recheck", comment)

    comment.refresh_from_db()
    assert (comment.status, comment.verdict) == (Status.HELD, Verdict.HAM)


def test_recheck_leaves_comments_that_are_not_held_alone(mod_client, page, akismet):
    comment = set_status(submit_comment(page), Status.PUBLISHED)
    before = snapshot()

    run_action(mod_client, "recheck", comment, query="?status=all")

    assert akismet.calls_to("comment-check") == []
    assert snapshot() == before


# Threads -------------------------------------------------------------------------------


def test_approving_a_reply_to_an_unpublished_comment_is_refused(mod_client, page):
    parent = submit_comment(page, "Parent Poster", body="The first word.")
    reply = submit_comment(page, "Reply Poster", body="A reply.", parent=parent)
    before = snapshot()

    response = run_action(mod_client, "approve", reply)

    assert snapshot() == before
    messages = message_texts(response)
    assert any(
        f"Comment {reply.pk} replies to a comment that is not published" in m for m in messages
    )
    assert not any("approved and published" in m for m in messages)


def test_approving_a_parent_and_its_reply_together_publishes_both(mod_client, moderator, page):
    parent = submit_comment(page, "Parent Poster", body="The first word.")
    reply = submit_comment(page, "Reply Poster", body="A reply.", parent=parent)
    reply_to_reply = submit_comment(
        page, "Third Poster", body="A reply to the reply.", parent=reply
    )

    # Selected replies first: the action still publishes parents first.
    response = run_action(mod_client, "approve", reply_to_reply, reply, parent)

    assert "3 comment(s) approved and published." in message_texts(response)
    for comment in (parent, reply, reply_to_reply):
        comment.refresh_from_db()
        assert comment.status == Status.PUBLISHED
        assert len(moderator_rows(comment, moderator)) == 1


def test_a_reply_to_a_published_comment_can_be_approved_alone(mod_client, moderator, page):
    parent = submit_comment(page, "Parent Poster")
    services.approve(comment=parent, moderator=moderator)
    reply = submit_comment(page, "Reply Poster", parent=parent)

    run_action(mod_client, "approve", reply)

    reply.refresh_from_db()
    assert reply.status == Status.PUBLISHED


# One comment, one change ---------------------------------------------------------------


@pytest.fixture
def crowd(page):
    """Held comments, a thread, a published one and one on another page."""
    article = make_article(title="Other place")
    first = submit_comment(page, "First Reader")
    return {
        "first": first,
        "second": submit_comment(page, "Second Reader"),
        "reply": submit_comment(page, "Replier", parent=first),
        "published": set_status(submit_comment(page, "Old Hand"), Status.PUBLISHED),
        "elsewhere": submit_comment(article, "Elsewhere Reader"),
    }


@pytest.mark.parametrize(("action", "status"), [("approve", "published"), ("reject", "rejected")])
@pytest.mark.parametrize("which", ["first", "second", "elsewhere"])
def test_an_action_on_one_comment_changes_no_other(mod_client, crowd, action, status, which):
    chosen = crowd[which]
    before = snapshot()

    run_action(mod_client, action, chosen)

    after = snapshot()
    assert after[chosen.pk][0] == status
    del before[chosen.pk], after[chosen.pk]
    assert after == before


@pytest.mark.parametrize(("button", "status"), [("_approve", "published"), ("_reject", "rejected")])
def test_a_button_on_one_comment_changes_no_other(mod_client, crowd, button, status):
    chosen = crowd["second"]
    before = snapshot()

    mod_client.post(change_url(chosen), change_form_data(mod_client, chosen, **{button: "1"}))

    after = snapshot()
    assert after[chosen.pk][0] == status
    del before[chosen.pk], after[chosen.pk]
    assert after == before


# The change view -----------------------------------------------------------------------


def test_the_change_view_shows_the_full_text_the_thread_and_the_history(
    mod_client, moderator, page
):
    root = submit_comment(page, "Root Author", body="Where it started.")
    services.approve(comment=root, moderator=moderator)
    parent = submit_comment(
        page, "Parent Author", body="The comment replied to. " * 30, parent=root
    )
    long_body = "Sentence of a long reply. " * 20 + "The very last words."
    reply = submit_comment(page, "Reply Author", body=long_body.strip(), parent=parent)

    response = mod_client.get(change_url(reply))

    assert response.status_code == 200
    text = response.text
    assert "The very last words." in text  # the full text, not the queue's excerpt
    assert long_body.strip() in visible_text(response)
    # The thread: the whole chain up to the top, oldest first, each with its status.
    assert f'href="{change_url(root)}"' in text
    assert f'href="{change_url(parent)}"' in text
    assert text.index("Root Author") < text.index("Parent Author")
    assert "Where it started." in text
    assert "The comment replied to." in text
    assert "(Published)" in text
    assert "(Held for moderation)" in text
    # The history inline.
    (history,) = response.context["inline_admin_formsets"]
    assert history.formset.queryset.model is CommentHistory
    assert [row.pk for row in history.formset.queryset] == list(
        reply.history.values_list("pk", flat=True)
    )
    assert "Submitted." in text
    # Moderators see the commenter's e-mail and address.
    assert "reply@example.org" in text
    assert "192.0.2.1" in text
    # The buttons.
    for name in ("_approve", "_reject", "_spam"):
        assert f'name="{name}"' in text


def test_a_new_comment_says_it_is_not_a_reply(mod_client, page):
    comment = submit_comment(page)

    response = mod_client.get(change_url(comment))

    assert "a new comment, not a reply" in response.text


def test_the_history_shows_who_approved_it(mod_client, moderator, page):
    comment = submit_comment(page)
    services.approve(comment=comment, moderator=moderator, reason="On topic.")

    response = mod_client.get(change_url(comment))

    assert "On topic." in response.text
    assert "moira" in response.text


def test_edit_and_save_and_approve(mod_client, moderator, page, client):
    comment = submit_comment(page, body="Teh original text, with a typo.")
    data = change_form_data(mod_client, comment, body="The corrected text.", _approve="1")

    response = mod_client.post(change_url(comment) + "?edit=text", data)

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    comment.refresh_from_db()
    assert comment.body == "The corrected text."
    assert comment.status == Status.PUBLISHED
    edit = comment.history.get(old_text__gt="")
    assert edit.old_text == "Teh original text, with a typo."
    assert (edit.actor, edit.user) == (Actor.MODERATOR, moderator)
    assert (edit.from_status, edit.to_status) == (Status.HELD, Status.HELD)
    approval = comment.history.get(to_status=Status.PUBLISHED)
    assert approval.user == moderator
    assert edit.pk < approval.pk  # saved, then approved
    mod_client.logout()
    text = visible_text(client.get("/strategic-thinking/"))
    assert "The corrected text." in text
    assert "Teh original" not in text


def test_save_and_approve_without_an_edit_records_no_edit(mod_client, moderator, page):
    comment = submit_comment(page, body="Fine as it is.")

    mod_client.post(change_url(comment), change_form_data(mod_client, comment, _approve="1"))

    comment.refresh_from_db()
    assert (comment.status, comment.body) == (Status.PUBLISHED, "Fine as it is.")
    assert not comment.history.filter(old_text__gt="").exists()


def test_save_keeps_it_held_and_records_the_edit(mod_client, moderator, page):
    comment = submit_comment(page, body="Before.")

    response = mod_client.post(
        change_url(comment) + "?edit=text",
        change_form_data(mod_client, comment, body="After.", _continue="1"),
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.body) == (Status.HELD, "After.")
    assert comment.history.get(old_text__gt="").old_text == "Before."


def test_save_and_reject(mod_client, moderator, page):
    comment = submit_comment(page)

    mod_client.post(change_url(comment), change_form_data(mod_client, comment, _reject="1"))

    comment.refresh_from_db()
    assert comment.status == Status.REJECTED
    assert len(moderator_rows(comment, moderator)) == 1


def test_save_and_mark_as_spam(mod_client, moderator, page, akismet):
    comment = submit_comment(page, body="Buy now.")

    mod_client.post(change_url(comment), change_form_data(mod_client, comment, _spam="1"))

    comment.refresh_from_db()
    assert (comment.status, comment.verdict) == (Status.SPAM, Verdict.SPAM)
    assert [c["comment_content"] for c in akismet.calls_to("submit-spam")] == ["Buy now."]


def test_save_and_approve_on_a_reply_to_a_held_comment_is_refused(mod_client, page):
    parent = submit_comment(page, "Parent Poster")
    reply = submit_comment(page, "Reply Poster", parent=parent)
    before = snapshot()

    response = mod_client.post(
        change_url(reply), change_form_data(mod_client, reply, _approve="1"), follow=True
    )

    assert snapshot() == before
    assert response.redirect_chain[-1][0] == change_url(reply)
    assert any("not published" in m for m in message_texts(response))


# Staff who may not moderate ------------------------------------------------------------


def test_an_editor_cannot_see_or_act_on_comments(editor_client, page):
    comment = submit_comment(page)
    before = snapshot()

    assert editor_client.get(CHANGELIST).status_code == 403
    assert editor_client.get(change_url(comment)).status_code == 403
    for action in ("approve", "reject", "mark_spam", "mark_not_spam", "recheck"):
        response = editor_client.post(
            CHANGELIST, {"action": action, "_selected_action": [comment.pk]}
        )
        assert response.status_code == 403
    response = editor_client.post(
        change_url(comment), {"body": "Edited by an editor.", "_approve": "1"}
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.fixture
def viewer_client(client):
    """Staff who may view and change comments but lack can_moderate."""
    user = make_staff("vic")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "view_commenthistory"],
        )
    )
    client.force_login(user)
    return client


def test_without_can_moderate_there_are_no_actions_and_no_buttons(viewer_client, page):
    comment = submit_comment(page)
    before = snapshot()

    listing = viewer_client.get(CHANGELIST)
    assert listing.status_code == 200
    assert listing.context["action_form"] is None  # no actions offered at all
    for action in ("approve", "reject", "mark_spam", "mark_not_spam", "recheck"):
        assert f'value="{action}"' not in listing.text
        run_action(viewer_client, action, comment)

    page_view = viewer_client.get(change_url(comment))
    assert 'name="_approve"' not in page_view.text
    response = viewer_client.post(
        change_url(comment), change_form_data(viewer_client, comment, _approve="1")
    )
    assert response.status_code == 302  # saved (nothing editable), not approved

    assert snapshot() == before


def test_the_queue_costs_the_same_queries_however_long_it_is(admin_client, seeded):
    nairo = Page.objects.get(slug="nairo")  # a page in a section: its address needs the section

    def queries_for_queue():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/admin/comments/comment/").status_code == 200
        return len(queries.captured_queries)

    for i in range(3):
        submit_comment(nairo, f"R{i}", "x")
    few = queries_for_queue()
    for i in range(30):
        submit_comment(nairo, f"S{i}", "y")
    assert queries_for_queue() == few


# Rejecting a comment others have answered (issue 14, row 11) ------------------------------


@pytest.fixture
def answered(page, moderator):
    """A published comment with a published reply, which has a published reply."""
    first = published_comment(page, moderator, "First Poster", "The words replied to.")
    reply = published_comment(page, moderator, "Reply Poster", "A reply.", parent=first)
    deeper = published_comment(
        page, moderator, "Deep Poster", "A reply to the reply.", parent=reply
    )
    return first, reply, deeper


def test_rejecting_a_comment_with_published_replies_asks_what_becomes_of_them(answered, moderator):
    first, _, _ = answered
    before = snapshot()

    with pytest.raises(services.RepliesNeedDecision, match="2 published replies"):
        services.reject(comment=first, moderator=moderator)

    assert snapshot() == before


def test_kept_replies_stay_under_a_removed_placeholder(answered, moderator, client, page):
    first, reply, deeper = answered

    services.reject(comment=first, moderator=moderator, replies=services.KEEP_REPLIES)

    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["rejected", "published", "published"]
    html = client.get(page.get_absolute_url()).content.decode()
    placeholder = html.index(f'id="comment-{first.pk}"')
    assert "[removed]" in html[placeholder : html.index(f'id="comment-{reply.pk}"')]
    assert "The words replied to." not in html
    assert "First Poster" not in html
    assert html.index(f'id="comment-{reply.pk}"') < html.index(f'id="comment-{deeper.pk}"')
    # The reply is still inside the placeholder's list item, not moved to the top.
    placeholder_item = html[
        html.rindex("<li", 0, placeholder) : html.index(f'id="comment-{deeper.pk}"')
    ]
    assert 'class="comment-list comment-list--replies"' in placeholder_item
    assert "2 comments on" in html


def test_held_replies_leave_the_page_with_the_rejected_comment(answered, moderator, client, page):
    first, _, deeper = answered

    services.reject(comment=first, moderator=moderator, replies=services.HOLD_REPLIES)

    statuses = list(Comment.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["rejected", "held", "held"]
    reasons = list(deeper.history.values_list("reason", flat=True))
    assert f"Held again: comment {first.pk}, which it answers, was rejected." in reasons
    html = client.get(page.get_absolute_url()).content.decode()
    for comment in answered:
        assert f'id="comment-{comment.pk}"' not in html


def test_the_bulk_reject_action_skips_an_answered_comment_and_says_why(answered, mod_client):
    first, _, _ = answered
    before = snapshot()

    response = run_action(mod_client, "reject", first, query="?status=published")

    assert snapshot() == before
    assert f"Comment {first.pk} has 2 published replies" in visible_text(response)


@pytest.mark.parametrize(
    ("button", "statuses"),
    [
        ("_reject_keep", ["rejected", "published", "published"]),
        ("_reject_hold", ["rejected", "held", "held"]),
    ],
)
def test_the_change_view_offers_both_choices_for_an_answered_comment(
    answered, mod_client, button, statuses
):
    first, _, _ = answered
    page = mod_client.get(change_url(first))
    assert 'name="_reject_keep"' in page.text
    assert 'name="_reject_hold"' in page.text
    assert 'name="_reject"' not in page.text

    response = mod_client.post(
        change_url(first), change_form_data(mod_client, first, **{button: "1"})
    )

    assert response.status_code == 302
    assert list(Comment.objects.order_by("pk").values_list("status", flat=True)) == statuses


@pytest.mark.parametrize("action", ["reject_keep_replies", "reject_hold_replies"])
def test_the_bulk_actions_reject_answered_comments_with_the_choice(answered, mod_client, action):
    first, _, _ = answered

    run_action(mod_client, action, first, query="?status=published")

    first.refresh_from_db()
    assert first.status == Comment.Status.REJECTED
