"""The contact form (issue 11): a way to reach the partnership that publishes
nobody's address. A message goes through the comments' safeguards (honeypot,
rate limit, safeguarding screen, Akismet over HTTP to the fake server) into the
admin for the Moderators, and is never shown on any public page."""

import io
import json

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.test import Client

from comments import contact
from comments.models import ContactMessage
from tests.conftest import BrowserClient
from tests.factories import make_editor, make_staff
from tests.helpers import SEEDED_URLS, field_value, html_tree, visible_text

pytestmark = pytest.mark.django_db

SEND = "/contact/send/"
ADMIN = "/admin/comments/contactmessage/"
TEXT = "Could someone from the London region talk to our IRO team about the handbook?"
DISCLOSURE = "my stepdad hits me when mum is out"


def message_data(**overrides) -> dict[str, str]:
    """What a reader types into the contact form (the honeypot left empty)."""
    return {
        "name": "Robin Sender",
        "email": "robin@example.org",
        "subject": "A visit to our team",
        "message": TEXT,
        "homepage": "",
        **overrides,
    }


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Send the contact form as a reader's browser does; the spam check runs
    once the request's transaction has committed."""

    def post(address="203.0.113.9", **overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                SEND,
                message_data(**overrides),
                REMOTE_ADDR=address,
                HTTP_USER_AGENT="Mozilla/5.0 TestBrowser/1.0",
            )

    return post


@pytest.fixture
def answerer(db):
    """A moderator with an e-mail address: the people who answer messages."""
    return make_staff("ann", group="Moderators", email="ann@example.org")


# Sending --------------------------------------------------------------------------


def test_the_seeded_contact_us_page_shows_the_form_beside_its_regions(client, seeded):
    response = client.get("/contact-us/")

    tree = html_tree(response)
    form = tree.by_id("contact-form")
    assert form is not None
    assert form.attrs["action"] == SEND
    assert form.attrs["method"] == "post"
    assert {"name", "email", "subject", "message"} <= {
        field.attrs.get("name") for field in form.iter()
    }
    assert "Yorkshire and the Humber" in visible_text(response)


def test_a_sent_message_lands_in_the_admin_and_on_no_public_page(
    client, seeded, akismet, answerer, send
):
    response = send()

    assert response.status_code == 302
    confirmation = client.get(response["Location"])
    text = visible_text(confirmation)
    assert "We have your message" in text
    assert "reply by e-mail" in text
    assert "Childline" in text  # the comments' signposting
    message = ContactMessage.objects.get()
    assert (message.status, message.verdict) == ("new", "ham")
    assert (message.name, message.email, message.message) == (
        "Robin Sender",
        "robin@example.org",
        TEXT,
    )
    assert message.ip_address == "203.0.113.9"

    listing = Client()
    listing.force_login(answerer)
    assert TEXT in visible_text(listing.get(f"{ADMIN}{message.pk}/change/"))
    assert "Robin Sender" in visible_text(listing.get(ADMIN))
    for url in [*SEEDED_URLS, "/news/", SEND, response["Location"]]:
        public = Client().get(url)
        assert public.status_code == 200, url
        assert TEXT not in public.text, url
        assert "robin@example.org" not in public.text, url


def test_akismet_is_asked_with_the_contact_form_type(akismet, send):
    send()

    (fields,) = akismet.calls_to("comment-check")
    assert fields["comment_type"] == "contact-form"
    assert fields["comment_author_email"] == "robin@example.org"
    assert TEXT in fields["comment_content"]
    assert fields["user_ip"] == "203.0.113.9"


def test_the_people_who_answer_are_emailed_once_with_the_message(akismet, answerer, send):
    send()
    contact.recheck_unchecked_messages()

    (email,) = mail.outbox
    assert email.to == ["ann@example.org"]
    assert "A visit to our team" in email.subject
    assert f"> {TEXT}" in email.body
    message = ContactMessage.objects.get()
    assert f"/admin/comments/contactmessage/{message.pk}/change/" in email.body


def test_spam_goes_to_the_spam_folder_and_nobody_is_emailed(akismet, answerer, send):
    send(name="akismet-guaranteed-spam")

    message = ContactMessage.objects.get()
    assert (message.status, message.verdict) == ("spam", "spam")
    assert mail.outbox == []


def test_akismet_down_keeps_the_message_unchecked_until_the_recheck(
    akismet, answerer, send, capsys
):
    akismet.mode = "down"
    response = send()

    assert response.status_code == 302
    message = ContactMessage.objects.get()
    assert (message.status, message.verdict) == ("new", "unchecked")
    assert "could not be reached" in message.verdict_reason
    assert len(mail.outbox) == 1  # they hear of it anyway: a person reads it

    akismet.mode = "ok"
    call_command("recheck_comments")

    message.refresh_from_db()
    assert message.verdict == "ham"
    assert "Checked 1 contact message(s); 0 still unchecked." in capsys.readouterr().out
    assert len(mail.outbox) == 1


# Bots, floods and bad input ---------------------------------------------------------


def test_a_filled_honeypot_looks_like_success_but_goes_to_spam_unchecked(akismet, answerer, send):
    response = send(homepage="https://spam.example/")

    assert response.status_code == 302
    assert response["Location"] == "/contact/sent/"
    message = ContactMessage.objects.get()
    assert (message.status, message.verdict) == ("spam", "unchecked")
    assert akismet.calls == []
    assert mail.outbox == []


def test_the_sixth_message_in_ten_minutes_from_one_address_is_asked_to_wait(send, settings):
    settings.COMMENT_RATE_LIMIT = "5/10m"
    for number in range(5):
        assert send(message=f"Message number {number}.").status_code == 302

    response = send(message="The sixth message, kept for later.")

    assert response.status_code == 429
    assert "please wait a few minutes" in visible_text(response)
    assert field_value(html_tree(response), "message") == "The sixth message, kept for later."
    assert ContactMessage.objects.count() == 5
    assert send(address="203.0.113.10").status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("name", "   ", "Enter your name"),
        ("email", "not-an-address", "Enter an e-mail address like name@example.com"),
        ("message", "", "Enter your message"),
    ],
)
def test_invalid_input_is_shown_back_with_its_error_and_the_text_kept(client, field, value, error):
    response = client.post(SEND, message_data(**{field: value}))

    assert response.status_code == 200
    assert error in visible_text(response)
    tree = html_tree(response)
    assert tree.by_id("error-summary") is not None
    if field != "message":
        assert field_value(tree, "message") == TEXT
    assert not ContactMessage.objects.exists()


def test_a_message_over_the_limit_is_refused_with_a_clear_message_and_kept(client):
    long = "word " * 1500

    response = client.post(SEND, message_data(message=long))

    assert response.status_code == 200
    assert "Shorten your message to 5,000 characters or fewer (it has 7,499)" in visible_text(
        response
    )
    assert field_value(html_tree(response), "message").strip() == long.strip()
    assert not ContactMessage.objects.exists()


def test_an_oversized_request_is_refused_not_a_server_error(client, settings):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(SEND, message_data(message=body))

    assert 400 <= response.status_code < 500
    assert not ContactMessage.objects.exists()


def test_a_post_without_a_csrf_token_is_refused(db):
    response = BrowserClient(enforce_csrf_checks=True).post(SEND, message_data())

    assert response.status_code == 403
    assert not ContactMessage.objects.exists()


def test_a_post_with_the_forms_csrf_token_is_taken(seeded):
    browser = BrowserClient(enforce_csrf_checks=True)
    tree = html_tree(browser.get("/contact-us/"))
    token = tree.by_id("contact-form").find("input", name="csrfmiddlewaretoken").attrs["value"]

    response = browser.post(SEND, message_data(csrfmiddlewaretoken=token))

    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1


# Safeguarding ---------------------------------------------------------------------


def test_a_flagged_message_tells_the_leads_and_staff_without_its_words(akismet, answerer, send):
    make_staff("sol", group="Safeguarding lead", email="lead@example.org")

    send(subject="Help", message=f"Please help, {DISCLOSURE}.")

    message = ContactMessage.objects.get()
    assert message.concern_list == ["disclosure"]
    by_recipient = {tuple(email.to): email for email in mail.outbox}
    assert set(by_recipient) == {("lead@example.org",), ("ann@example.org",)}
    for email in mail.outbox:
        assert "hits me" not in email.body + email.subject
        assert "Robin" not in email.body
        assert "robin@example.org" not in email.body
        assert f"/admin/comments/contactmessage/{message.pk}/change/" in email.body
    assert "Possible disclosure of harm" in by_recipient[("lead@example.org",)].subject


def test_the_safeguarding_lead_can_open_a_flagged_message(akismet, send):
    lead = make_staff("sol", group="Safeguarding lead", email="lead@example.org")
    send(message=DISCLOSURE)
    message = ContactMessage.objects.get()

    browser = Client()
    browser.force_login(lead)
    response = browser.get(f"{ADMIN}{message.pk}/change/")

    assert response.status_code == 200
    assert DISCLOSURE in visible_text(response)
    assert "Read first: Possible disclosure of harm" in visible_text(response)


# The admin ------------------------------------------------------------------------


def test_the_list_shows_new_messages_first_newest_first(answerer):
    older = contact.submit_message(name="Older", email="o@example.org", message="First.")
    answered = contact.submit_message(name="Answered", email="a@example.org", message="Done.")
    contact.mark_answered(message=answered, user=answerer)
    newer = contact.submit_message(name="Newer", email="n@example.org", message="Second.")
    browser = Client()
    browser.force_login(answerer)

    response = browser.get(ADMIN)

    rows = [m.pk for m in response.context["cl"].result_list]
    assert rows == [newer.pk, older.pk, answered.pk]
    columns = visible_text(response)
    for heading in ["Received", "Name", "Subject", "Status", "Spam check", "Safeguarding"]:
        assert heading in columns


def test_marking_a_message_answered_records_who_and_when(answerer):
    message = contact.submit_message(name="Sam", email="sam@example.org", message="Hello.")
    browser = Client()
    browser.force_login(answerer)

    response = browser.post(f"{ADMIN}{message.pk}/change/", {"_answered": "Mark answered"})

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "answered"
    assert message.handled_by == answerer
    assert message.handled_at is not None
    assert LogEntry.objects.filter(object_id=str(message.pk)).exists()


def test_the_bulk_actions_close_and_mark_spam(akismet, answerer):
    first = contact.submit_message(name="One", email="one@example.org", message="Hello.")
    second = contact.submit_message(name="Two", email="two@example.org", message="Buy now.")
    browser = Client()
    browser.force_login(answerer)

    browser.post(ADMIN, {"action": "close", "_selected_action": [first.pk]})
    browser.post(ADMIN, {"action": "mark_spam", "_selected_action": [second.pk]})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("closed", "spam")
    assert len(akismet.calls_to("submit-spam")) == 1


def test_an_editor_may_not_mark_a_message(db):
    message = contact.submit_message(name="Sam", email="sam@example.org", message="Hello.")
    browser = Client()
    browser.force_login(make_editor())

    response = browser.post(f"{ADMIN}{message.pk}/change/", {"_answered": "Mark answered"})

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "new"


# Personal data --------------------------------------------------------------------


def test_commenter_data_exports_and_erases_their_messages(answerer):
    theirs = contact.submit_message(
        name="Sam", email="Sam@Example.org", message="Hello from Sam.", ip_address="192.0.2.8"
    )
    contact.mark_answered(message=theirs, user=answerer)
    LogEntry.objects.log_actions(
        user_id=answerer.pk, queryset=[theirs], action_flag=2, change_message="Answered."
    )
    other = contact.submit_message(name="Pat", email="pat@example.org", message="Hi.")

    out = io.StringIO()
    call_command("commenter_data", "sam@example.org", "--export", stdout=out)
    exported = json.loads(out.getvalue())["contact_messages"]
    assert [m["message"] for m in exported] == ["Hello from Sam."]
    assert exported[0]["ip_address"] == "192.0.2.8"

    call_command("commenter_data", "sam@example.org", "--erase", stdout=io.StringIO())

    assert list(ContactMessage.objects.all()) == [other]
    assert not LogEntry.objects.filter(object_id=str(theirs.pk)).exists()


def test_purge_removes_old_addresses_and_old_spam_but_never_a_flagged_message(settings):
    settings.COMMENTS_PERSONAL_DATA_RETENTION_DAYS = 30
    settings.COMMENTS_SPAM_RETENTION_DAYS = 15
    old = {"ip_address": "192.0.2.8"}
    kept = contact.submit_message(name="Sam", email="s@example.org", message="Hello.", **old)
    spam = contact.submit_message(
        name="Bot", email="b@example.org", message="Buy.", honeypot_filled=True, **old
    )
    flagged = contact.submit_message(
        name="Kid", email="k@example.org", message=DISCLOSURE, honeypot_filled=True, **old
    )
    ContactMessage.objects.update(submitted_at=kept.submitted_at.replace(year=2020))

    call_command("purge_comments", stdout=io.StringIO())

    assert set(ContactMessage.objects.values_list("pk", flat=True)) == {kept.pk, flagged.pk}
    assert not ContactMessage.objects.exclude(ip_address=None).exists()
    assert spam.pk not in ContactMessage.objects.values_list("pk", flat=True)
