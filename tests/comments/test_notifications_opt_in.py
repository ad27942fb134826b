"""A reader may ask to be e-mailed when their comment is published or someone
replies: the address is confirmed first (double opt-in), every e-mail has a
one-click unsubscribe, and nothing is ever sent about a comment the
safeguarding screen flagged (issue 10, "Notifications, opt-in")."""

import logging
import re
import socket
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from comments import personal_data, services
from comments.models import Subscription
from tests.conftest import BrowserClient
from tests.factories import post_comment
from tests.helpers import html_tree, visible_text

pytestmark = pytest.mark.django_db

ANN = "ann@example.org"
BOB = "bob@example.org"
DISCLOSURE = "he hits me when i get home and i am scared"
LINK = re.compile(r"http://testserver(/comments/notifications/(confirm|unsubscribe)/[^/\s]+/)")


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def comment_by(client, page, django_capture_on_commit_callbacks):
    """Post the comment form on `page` as a reader, ticking the e-mail box
    unless told not to; returns their comment."""

    def post(email=ANN, body="Thank you for this.", *, notify=True, parent=None):
        fields = {"author_name": email.split("@")[0].title(), "author_email": email, "body": body}
        if notify:
            fields["notify"] = "on"
        if parent is not None:
            fields["parent"] = str(parent.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = post_comment(BrowserClient(), page, **fields)
        assert response.status_code == 302, visible_text(response)[:500]
        return page.comments.order_by("-pk").first()

    return post


@pytest.fixture
def approve(moderator, django_capture_on_commit_callbacks):
    def approve(comment, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.approve(comment=comment, moderator=moderator, **kwargs)

    return approve


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def link_in(message, kind):
    """The address of the confirm or unsubscribe link in an e-mail."""
    found = [path for path, which in LINK.findall(message.body) if which == kind]
    assert len(found) == 1, message.body
    return found[0]


def confirmed(comment_by, email=ANN):
    """A reader who ticked the box and confirmed from the e-mail; their comment."""
    comment = comment_by(email)
    (confirmation,) = mails_to(email)
    response = BrowserClient().post(link_in(confirmation, "confirm"), {})
    assert response.status_code == 200
    mail.outbox.clear()
    return comment


def subscription(email=ANN):
    return Subscription.objects.get(email__iexact=email)


def test_the_box_is_labelled_with_a_hint_and_never_ticked_for_the_reader(client, page):
    tree = html_tree(client.get(page.get_absolute_url()))
    box = tree.find("input", name="notify")
    assert box.attrs["type"] == "checkbox"
    assert "checked" not in box.attrs
    label = tree.find("label", for_=box.attrs["id"])
    assert label.text == "E-mail me when my comment is published or someone replies"
    hint = tree.by_id(box.attrs["aria-describedby"])
    assert "one e-mail to check it is your address" in hint.text


def test_ticking_the_box_sends_one_confirmation_and_nothing_else_until_confirmed(
    comment_by, approve
):
    first = comment_by(ANN)
    second = comment_by(ANN, "Another thought.")

    (confirmation,) = mails_to(ANN)
    assert confirmation.subject == "Confirm e-mails about your comments on the NIROMP website"
    assert "press the button" in confirmation.body
    link_in(confirmation, "confirm")
    # Not confirmed: approving their comments and a reply to them sends nothing.
    approve(first)
    approve(second)
    approve(comment_by(BOB, "A reply.", notify=False, parent=first))
    assert mails_to(ANN) == [confirmation]
    assert subscription().status == Subscription.Status.PENDING


def test_a_confirmation_is_sent_again_only_after_a_day(comment_by):
    comment_by(ANN)
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        comment_by(ANN, "Second.")
    assert len(mails_to(ANN)) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        comment_by(ANN, "Third.")
    assert len(mails_to(ANN)) == 2


def test_following_the_link_changes_nothing_until_the_button_is_pressed(comment_by):
    comment_by(ANN)
    link = link_in(mails_to(ANN)[0], "confirm")
    reader = BrowserClient(enforce_csrf_checks=True)

    page = reader.get(link)

    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    form = html_tree(page).find("form", method="post")
    assert form.attrs["action"] == link
    assert form.find("button").text == "Yes, e-mail me"
    assert subscription().status == Subscription.Status.PENDING

    token = form.find("input", name="csrfmiddlewaretoken").attrs["value"]
    done = reader.post(link, {"csrfmiddlewaretoken": token})

    assert done.status_code == 200
    assert "You'll get e-mails about your comments" in visible_text(done)
    assert subscription().status == Subscription.Status.CONFIRMED


def test_once_confirmed_the_reader_hears_when_their_comment_is_published(
    comment_by, approve, moderator
):
    comment = confirmed(comment_by)

    approve(comment)

    (message,) = mails_to(ANN)
    assert message.subject == "Your comment on “Strategic thinking” is published"
    assert f"http://testserver/strategic-thinking/#comment-{comment.pk}" in message.body
    unsubscribe = f"http://testserver{link_in(message, 'unsubscribe')}"
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The header as sent: one line, the address as it is (not an encoded word).
    assert f"List-Unsubscribe: <{unsubscribe}>\n" in message.message().as_string()

    # Taken down and published again: no second e-mail.
    services.reject(comment=comment, moderator=moderator)
    approve(comment)
    assert len(mails_to(ANN)) == 1


def test_a_reply_is_announced_to_the_parent_author_only_once_a_moderator_approves_it(
    comment_by, approve
):
    parent = approve(confirmed(comment_by))
    mail.outbox.clear()
    reply = comment_by(BOB, "I agree with Ann.", notify=False, parent=parent)
    assert mails_to(ANN) == []  # held: not yet

    approve(reply)

    (message,) = mails_to(ANN)
    assert message.subject == "Someone replied to your comment on “Strategic thinking”"
    assert f"http://testserver/strategic-thinking/#comment-{reply.pk}" in message.body
    sent = message.message().as_string()
    assert BOB not in sent
    assert "I agree with Ann." not in sent


def test_nothing_is_sent_about_a_flagged_comment_or_a_flagged_reply(comment_by, approve):
    parent = approve(confirmed(comment_by))
    mail.outbox.clear()

    # Their own flagged comment, published after a moderator read it: no e-mail.
    own = comment_by(ANN, DISCLOSURE)
    assert own.is_flagged
    approve(own, read=True)
    # A flagged reply to their comment, likewise.
    approve(comment_by(BOB, DISCLOSURE, notify=False, parent=parent), read=True)
    # A new address ticking the box on a flagged comment is not even asked to confirm.
    approve(comment_by(BOB, DISCLOSURE), read=True)

    assert mails_to(ANN) == []
    assert mails_to(BOB) == []


@pytest.mark.parametrize("how", ["page", "one-click", "one-click multipart"])
def test_unsubscribing_stops_every_email_to_the_address(comment_by, approve, how):
    comment = approve(confirmed(comment_by))
    later = comment_by(ANN, "A later comment.")
    link = link_in(mails_to(ANN)[0], "unsubscribe")
    mail.outbox.clear()
    # No cookies and no CSRF token, as a mail program sends it.
    sender = BrowserClient(enforce_csrf_checks=True)

    if how == "page":
        page = sender.get(link)
        assert page.status_code == 200
        form = html_tree(page).find("form", method="post")
        assert form.find("button").text == "Stop e-mails"
        assert subscription().status == Subscription.Status.CONFIRMED  # a GET changes nothing
        response = sender.post(link, {})
    elif how == "one-click":
        response = sender.post(
            link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    else:
        # RFC 8058 prefers multipart/form-data (the test client's own encoding).
        response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert "You will not get any more e-mails about your comments" in visible_text(response)
    assert subscription().status == Subscription.Status.UNSUBSCRIBED
    approve(later)
    approve(comment_by(BOB, "A reply.", notify=False, parent=comment))
    assert mails_to(ANN) == []


def test_an_expired_confirmation_link_gets_a_clear_page(comment_by, settings):
    settings.NOTIFY_CONFIRM_DAYS = 7
    comment_by(ANN)
    link = link_in(mails_to(ANN)[0], "confirm")

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        shown = BrowserClient().get(link)
        pressed = BrowserClient().post(link, {})

    for response in (shown, pressed):
        assert response.status_code == 410
        assert "This link has run out" in visible_text(response)
    assert subscription().status == Subscription.Status.PENDING


def test_an_altered_link_gets_a_clear_page(comment_by, approve):
    comment = approve(confirmed(comment_by))
    unsubscribe = link_in(mails_to(ANN)[0], "unsubscribe")
    token = unsubscribe.split("/")[-2]
    altered = [
        unsubscribe.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B")),
        # A link of one kind does not work as the other.
        unsubscribe.replace("unsubscribe", "confirm"),
        "/comments/notifications/confirm/not-a-token/",
    ]
    for link in altered:
        for response in (BrowserClient().get(link), BrowserClient().post(link, {})):
            assert response.status_code == 400, link
            assert "This link does not work" in visible_text(response)
    assert subscription().status == Subscription.Status.CONFIRMED
    assert comment.subscriptions.get() == subscription()


def test_no_email_address_appears_on_any_page(client, comment_by, approve):
    comment_by(ANN)
    confirm = link_in(mails_to(ANN)[0], "confirm")
    pages = [BrowserClient().get(confirm), BrowserClient().post(confirm, {})]
    comment = approve(comment_by(ANN, "Published now."))
    unsubscribe = link_in(mails_to(ANN)[-1], "unsubscribe")
    pages += [
        client.get(comment.target.get_absolute_url()),
        BrowserClient().get(unsubscribe),
        BrowserClient().post(unsubscribe, {}),
    ]
    for response in pages:
        assert response.status_code == 200
        assert "ann@" not in response.content.decode().lower()


def test_the_export_and_erasure_cover_the_subscription(comment_by, approve):
    comment = approve(confirmed(comment_by))
    link = link_in(mails_to(ANN)[0], "unsubscribe")

    (exported,) = personal_data.export_commenter(email="ANN@example.org")["notifications"]
    assert exported["email"] == ANN
    assert exported["status"] == "confirmed"
    assert exported["comments"] == [comment.pk]
    assert [e["about_comment"] for e in exported["emails_sent"]] == [comment.pk]

    counts = personal_data.erase_commenter(email=ANN)

    assert counts["subscriptions_deleted"] == 1
    assert not Subscription.objects.exists()
    assert BrowserClient().get(link).status_code == 400


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_server_that_is_down_never_unpublishes_a_comment(
    comment_by, approve, settings, caplog
):
    comment = confirmed(comment_by)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": closed_port(), "timeout": 2},
        }
    }

    with caplog.at_level(logging.ERROR, logger="comments.notifications"):
        approve(comment)

    comment.refresh_from_db()
    assert comment.is_published
    assert f"about comment {comment.pk}" in caplog.text
