"""Reading and deciding in the moderators' screens (issue 13): the queue gives
each comment room (excerpt, page and time, one status label, no e-mail
column, the Akismet warning once, the count in the title); one comment's page
puts its text and the decision first, folds personal data and history away,
shows the text read-only unless "Edit text" is chosen, and after a decision
opens the next held comment."""

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from comments.models import Comment
from tests.factories import make_comment, make_staff, submit_comment
from tests.helpers import change_form_data, html_tree, visible_text

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/comments/comment/"
NOT_CONFIGURED = "Akismet is not configured"


def change_url(comment) -> str:
    return f"{CHANGELIST}{comment.pk}/change/"


def held(page, count):
    """`count` held comments, the first the oldest."""
    return [
        make_comment(page, f"Reader {n}", f"Held comment number {n}.", days_old=count - n)
        for n in range(count)
    ]


# The queue -----------------------------------------------------------------------------


def test_the_queue_shows_an_escaped_excerpt_with_its_page_and_time(mod_client, page):
    body = "<b>Bold?</b> " + "word " * 70 + "UNSEEN-END"
    comment = make_comment(page, "Pat Writer", body)

    response = mod_client.get(CHANGELIST)

    (cell,) = html_tree(response).find_all("td", class_="field-excerpt")
    assert cell.text.startswith("<b>Bold?</b> word word")  # as text, not markup
    assert "UNSEEN-END" not in cell.text
    assert 290 <= len(cell.find("a", class_="queue-excerpt").text) <= 301
    assert cell.find("a", class_="queue-excerpt").attrs["href"] == change_url(comment)
    meta = cell.find("span", class_="queue-meta")
    assert meta.text.startswith("on Strategic thinking · ")
    # The page (which page of a long thread shows the comment would cost a query a row).
    assert meta.find("a").attrs["href"] == "/strategic-thinking/"
    assert "<b>Bold?</b>" not in response.text


@pytest.mark.parametrize(
    ("status", "verdict", "label"),
    [
        ("held", "unchecked", "Held · not checked"),
        ("held", "ham", "Held · not spam"),
        ("spam", "spam", "Spam"),
        ("published", "ham", "Published"),
    ],
)
def test_the_queue_gives_one_status_label(mod_client, page, status, verdict, label):
    make_comment(page, status=status, verdict=verdict)

    response = mod_client.get(CHANGELIST, {"status": status})

    (cell,) = html_tree(response).find_all("td", class_="field-status_label")
    assert cell.text == label


def test_the_queue_shows_no_email_column_but_searches_the_address(mod_client, page):
    wanted = make_comment(page, "Pat Writer", author_email="pat.private@example.org")
    make_comment(page, "Other Reader")

    listing = mod_client.get(CHANGELIST)
    found = mod_client.get(CHANGELIST, {"q": "pat.private@"})

    assert "pat.private@example.org" not in visible_text(listing)
    assert "Pat Writer" in visible_text(listing)
    assert [c.pk for c in found.context["cl"].result_list] == [wanted.pk]


def test_the_akismet_warning_is_a_banner_said_once(mod_client, page, settings):
    settings.AKISMET_API_KEY = ""
    reason = "Akismet is not configured (AKISMET_API_KEY, AKISMET_SITE_URL)."
    for n in range(3):
        make_comment(page, f"Reader {n}", verdict="unchecked", verdict_reason=reason)

    text = visible_text(mod_client.get(CHANGELIST))

    assert text.count(NOT_CONFIGURED) == 1
    assert text.index(NOT_CONFIGURED) < text.index("Reader 0")
    assert text.count("Held · not checked") == 3


def test_with_akismet_configured_there_is_no_banner_and_each_reason_shows(
    mod_client, page, akismet
):
    make_comment(page, verdict="unchecked", verdict_reason="Akismet did not answer in time.")

    text = visible_text(mod_client.get(CHANGELIST))

    assert NOT_CONFIGURED not in text
    assert "Held · not checked Akismet did not answer in time." in text


def test_the_held_queue_is_titled_with_its_count(mod_client, page):
    held(page, 3)
    make_comment(page, status="spam", verdict="spam")

    default = html_tree(mod_client.get(CHANGELIST))
    spam = html_tree(mod_client.get(CHANGELIST, {"status": "spam"}))

    assert default.find("h1").text == "Comments awaiting moderation (3)"
    assert default.find("title").text.startswith("Comments awaiting moderation (3)")
    assert "awaiting moderation" not in spam.find("h1").text


# One comment ---------------------------------------------------------------------------


def test_the_decision_sits_under_the_text_and_personal_data_is_folded(mod_client, moderator, page):
    comment = submit_comment(page, "Pat Writer", "Every word of the comment, in full.")

    tree = html_tree(mod_client.get(change_url(comment)))

    text = tree.find("div", class_="comment-text")
    assert text.text == "Every word of the comment, in full."
    approve = tree.find("input", name="_approve")
    assert approve.attrs["value"] == "Approve and next"
    order = list(tree.iter())
    who = next(h for h in tree.find_all("h2") if h.text == "Who wrote it")
    assert order.index(text) < order.index(approve) < order.index(who)
    # Personal data and history are folded away, behind a summary.
    folded = who.closest("details")
    assert folded is not None
    for private in ("pat@example.org", "192.0.2.1"):
        assert private in folded.text
        assert visible_text_of(tree).count(private) == folded.text.count(private)
    history = next(h for h in tree.find_all("h2") if h.text == "History")
    assert history.closest("details") is not None


def visible_text_of(tree) -> str:
    return tree.find("body").text


def test_the_text_is_read_only_until_edit_text_is_chosen(mod_client, page):
    comment = submit_comment(page, body="Fine as it is.")

    reading = html_tree(mod_client.get(change_url(comment)))
    assert reading.find("textarea", name="body") is None
    assert reading.find("a", class_="edit-text").attrs["href"] == "?edit=text"
    # A body posted to the reading page (a stray form, an old tab) changes nothing.
    mod_client.post(change_url(comment), {"body": "Stray keystroke.", "_continue": "1"})
    comment.refresh_from_db()
    assert comment.body == "Fine as it is."
    assert not comment.history.filter(old_text__gt="").exists()

    editing = html_tree(mod_client.get(change_url(comment) + "?edit=text"))
    assert editing.find("textarea", name="body").raw_text.strip() == "Fine as it is."


def test_a_deliberate_edit_is_saved_with_its_history(mod_client, moderator, page):
    comment = submit_comment(page, body="Teh typo.")
    url = change_url(comment) + "?edit=text"

    response = mod_client.post(
        url, change_form_data(mod_client, comment, body="The typo.", _continue="1")
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.body) == ("held", "The typo.")
    edit = comment.history.get(old_text__gt="")
    assert (edit.old_text, edit.user) == ("Teh typo.", moderator)


def test_each_decision_opens_the_next_held_comment_oldest_first(mod_client, page):
    first, second, third = held(page, 3)
    make_comment(page, status="spam", verdict="spam", days_old=9)  # not in the queue

    for button, decided, expected in [
        ("_approve", first, second),
        ("_reject", second, third),
    ]:
        response = mod_client.post(
            change_url(decided), change_form_data(mod_client, decided, **{button: "1"})
        )
        assert response.status_code == 302
        assert response["Location"] == change_url(expected)

    last = mod_client.post(
        change_url(third), change_form_data(mod_client, third, _spam="1"), follow=True
    )

    assert last.redirect_chain[-1][0] == CHANGELIST
    assert "No more comments awaiting moderation." in visible_text(last)
    statuses = [
        c.status
        for c in Comment.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk")
    ]
    assert statuses == ["published", "rejected", "spam"]


def test_the_next_comment_follows_the_queue_with_flagged_comments_first(mod_client, page):
    older, newer = held(page, 2)
    flagged = make_comment(page, "Sam", "ring me on 07700 900123", concerns="identifying")
    Comment.objects.filter(pk=flagged.pk).update(submitted_at=timezone.now())

    response = mod_client.post(change_url(older), change_form_data(mod_client, older, _approve="1"))
    assert response["Location"] == change_url(flagged)

    # Deciding it from its own page counts as read.
    response = mod_client.post(
        change_url(flagged), change_form_data(mod_client, flagged, _approve="1")
    )
    assert response["Location"] == change_url(newer)
    flagged.refresh_from_db()
    assert flagged.status == "published"


def test_not_spam_holds_the_comment_and_stays_on_it(mod_client, page, akismet):
    comment = make_comment(page, status="spam", verdict="spam", days_old=1)
    opened = html_tree(mod_client.get(change_url(comment)))
    assert opened.find("input", name="_approve") is None
    assert opened.find("input", name="_not_spam") is not None

    response = mod_client.post(
        change_url(comment), change_form_data(mod_client, comment, _not_spam="1")
    )

    assert response["Location"] == change_url(comment)
    comment.refresh_from_db()
    assert (comment.status, comment.verdict) == ("held", "ham")


def test_without_can_moderate_edit_text_opens_nothing(client, page):
    user = make_staff("vic")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "view_commenthistory"],
        )
    )
    client.force_login(user)
    comment = make_comment(page, body="Untouchable.")

    tree = html_tree(client.get(change_url(comment) + "?edit=text"))
    client.post(change_url(comment) + "?edit=text", {"body": "Changed.", "_continue": "1"})

    assert tree.find("textarea", name="body") is None
    assert tree.find("a", class_="edit-text") is None
    assert tree.find("input", name="_approve") is None
    comment.refresh_from_db()
    assert comment.body == "Untouchable."


def test_an_editor_may_not_open_the_edit_box(editor_client, page):
    comment = make_comment(page)

    assert editor_client.get(change_url(comment) + "?edit=text").status_code == 403
