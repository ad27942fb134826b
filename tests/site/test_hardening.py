"""What an attack on the running site found (issue 14), each replayed against the
site in-process: addresses with control characters, out-of-range date filters in
the admin, titles that smuggle e-mail headers, and file uploads to public pages.
The attacks that need a real server (gunicorn's own behaviour) are in
test_live_hardening.py."""

import json

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from comments import services
from comments.models import Comment
from pages.models import Article, Document, Page
from tests.factories import make_article, make_editor, make_page
from tests.helpers import form_data, logged_in

pytestmark = pytest.mark.django_db

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.get(name) == value, name
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


# Row 5: control characters in the address ---------------------------------------
# PostgreSQL text cannot hold NUL, so a query with one failed (500); every such
# address is answered 404 before any view or query sees it.


@pytest.mark.parametrize(
    "address",
    [
        "/about-us/%00/",
        "/%00/",
        "/news/%00/",
        "/documents/%00/",
        "/news/feed/%00",
        "/about-us%00/",
        "/about-us/%01/",
        "/a%1Fb/",
        "/a%7F/",
        "/a%C2%85/",  # NEL, a C1 control character
        "/news/press%0D%0ASet-Cookie:%20x=1/",
    ],
)
def test_an_address_with_a_control_character_is_not_found(seeded, address):
    client = Client(raise_request_exception=False)

    response = client.get(address)

    assert response.status_code == 404, address
    assert "There is no page at this address" in response.text
    assert_security_headers(response)


def test_an_old_address_with_a_nul_is_not_looked_up(seeded):
    """The old-address redirect looks the path up in the database: never with a NUL."""
    client = Client(raise_request_exception=False)

    for method in (client.get, client.head, client.post):
        assert method("/about-us/%00/").status_code == 404


@pytest.mark.parametrize(
    "address",
    ["/admin/pages/page/?status=%00", "/admin/comments/comment/?status=a%00", "/admin/?q=%00"],
)
def test_a_nul_in_the_admins_query_string_is_refused(admin_client, address):
    """PostgreSQL cannot compare text with a NUL: the admin's filters failed (500)."""
    admin_client.raise_request_exception = False

    response = admin_client.get(address)

    assert response.status_code == 400
    assert "Bad request" in response.text
    assert_security_headers(response)


# Row 6: date filters out of range in the admin -----------------------------------

ATTACKS = [
    {"__year": "9999", "__month": "12", "__day": "31"},
    {"__year": "9999", "__month": "12"},
    {"__year": "9999"},
    {"__year": "99999"},
    {"__year": "0"},
    {"__year": "-1"},
    {"__year": "2024", "__month": "13"},
    {"__year": "2024", "__month": "2", "__day": "30"},
    {"__year": "1", "__month": "1", "__day": "1"},
    {"__year": "1e3"},
    {"__year": "2024", "__day": "31"},
]


def date_hierarchy_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model_admin.date_hierarchy
    ]


def query(field, attack) -> str:
    return "&".join(f"{field}{lookup}={value}" for lookup, value in attack.items())


def assert_answered(client, address):
    response = client.get(address)
    assert response.status_code in {200, 302, 400}, (address, response.status_code)
    if response.status_code == 302:
        assert client.get(response["Location"]).status_code == 200, address


def test_the_admin_has_date_hierarchies_to_attack():
    models = {model for model, _ in date_hierarchy_admins()}
    assert Article in models  # comments have none: its list of years reads every row


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda attack: query("", attack))
def test_any_date_in_a_date_hierarchy_filter_is_answered_without_a_server_error(attack):
    superuser = get_user_model().objects.create_superuser("op", "op@example.org", None)
    client = Client(raise_request_exception=False)
    client.force_login(superuser)
    for model, model_admin in date_hierarchy_admins():
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert_answered(client, f"{changelist}?{query(model_admin.date_hierarchy, attack)}")


def test_a_moderator_and_an_editor_filtering_far_dates_get_their_lists(django_user_model):
    moderator = django_user_model.objects.create_user("mo", password=None, is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    editor = logged_in(make_editor())
    mo = Client(raise_request_exception=False)
    mo.force_login(moderator)

    assert_answered(
        mo,
        "/admin/comments/comment/?submitted_at__year=9999"
        "&submitted_at__month=12&submitted_at__day=31",
    )
    assert_answered(editor, "/admin/pages/article/?publish_at__year=99999")
    assert_answered(editor, "/admin/pages/article/?publish_at__year=9999")


def test_a_sensible_date_filter_still_narrows_the_list(django_user_model):
    make_article(title="Old news").__class__.objects.filter(slug="old-news").update(
        publish_at="2019-07-01T10:00:00Z"
    )
    make_article(title="New news")
    editor = logged_in(make_editor())

    response = editor.get("/admin/pages/article/?publish_at__year=2019")

    assert response.status_code == 200
    assert "Old news" in response.text
    assert "New news" not in response.text


# Row 9: a title cannot carry a line break (nor an e-mail header) -----------------

INJECTED = "Strategic thinking\r\nBcc: everyone@example.net"


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="moira", email="moira@example.org", password=None, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.mark.parametrize("model", ["page", "article", "document"])
def test_an_editor_cannot_save_a_title_with_a_line_break(django_user_model, model):
    editor = logged_in(make_editor())
    url = f"/admin/pages/{model}/add/"
    data = form_data(
        editor.get(url),
        title=INJECTED,
        slug="injected",
        kind="news",
        status="draft",
        external_url="https://example.org/x.pdf",
    )

    response = editor.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "title" in errors, errors
    assert "one line" in " ".join(errors["title"])
    assert not Page.objects.filter(slug="injected").exists()
    assert not Article.objects.filter(slug="injected").exists()
    assert not Document.objects.filter(slug="injected").exists()


@pytest.mark.parametrize("breaker", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x0b", "\x85"])
def test_full_clean_refuses_a_title_with_any_line_break(breaker):
    page = Page(title=f"One{breaker}Two", slug="one-two")

    with pytest.raises(ValidationError) as refused:
        page.full_clean()

    assert "title" in refused.value.message_dict


def test_a_title_saved_in_code_is_stored_on_one_line():
    page = make_page(title=INJECTED, slug="injected")
    article = make_article(title="Line one\nline two", slug="two-lines")
    document = Document.objects.create(title="A\r\nB", slug="a-b")

    page.refresh_from_db()
    article.refresh_from_db()
    document.refresh_from_db()
    assert page.title == "Strategic thinking Bcc: everyone@example.net"
    assert article.title == "Line one line two"
    assert document.title == "A B"


def test_loaddata_stores_titles_on_one_line(tmp_path):
    fixture = tmp_path / "injected.json"
    fixture.write_text(
        json.dumps(
            [
                {
                    "model": "pages.page",
                    "pk": 900,
                    "fields": {"title": INJECTED, "slug": "injected", "status": "published"},
                },
                {
                    "model": "pages.document",
                    "pk": 900,
                    "fields": {"title": "A\nB", "slug": "a-b"},
                },
            ]
        )
    )

    call_command("loaddata", str(fixture), verbosity=0)

    assert Page.objects.get(pk=900).title == "Strategic thinking Bcc: everyone@example.net"
    assert Document.objects.get(pk=900).title == "A B"


def submit_comment_on(page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_comment(
            target=page,
            author_name="Alex Reader",
            author_email="alex@example.org",
            body="A thoughtful comment.",
            ip_address="192.0.2.1",
        )


def test_moderators_are_emailed_about_a_comment_on_a_page_whose_title_was_injected(
    settings, moderator, django_user_model, django_capture_on_commit_callbacks
):
    """The attack end to end: an editor tries the title, a reader comments, the
    moderators are told, and nobody else is."""
    settings.AKISMET_API_KEY = ""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    editor = logged_in(make_editor())
    page = make_page(title="Strategic thinking", slug="strategic-thinking")
    url = f"/admin/pages/page/{page.pk}/change/"
    editor.post(url, form_data(editor.get(url), title=INJECTED))
    page.refresh_from_db()
    assert page.title == "Strategic thinking"

    submit_comment_on(page, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["moira@example.org"]
    assert message.bcc == []
    assert "\n" not in message.subject and "\r" not in message.subject


def test_the_moderators_email_subject_is_one_line_whatever_the_title_holds(
    settings, moderator, django_capture_on_commit_callbacks
):
    """A title stored before titles were checked (update() skips every check)."""
    settings.AKISMET_API_KEY = ""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    page = make_page(title="Strategic thinking", slug="strategic-thinking")
    Page.objects.filter(pk=page.pk).update(title=INJECTED)
    page.refresh_from_db()

    submit_comment_on(page, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == (
        "Comment awaiting moderation on “Strategic thinking Bcc: everyone@example.net”"
    )
    assert message.to == ["moira@example.org"]
    assert message.bcc == []
    assert Comment.objects.get().notified_at is not None


# Row 10: public pages take no file uploads -----------------------------------------


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the request body was read")

    readline = read


def multipart(boundary="boundary") -> bytes:
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n" + "x" * 1000 + f"\r\n--{boundary}--\r\n"
    ).encode()


@pytest.mark.parametrize("address", ["/about-us/", "/", "/news/", "/no-such-page/", "/news/feed/"])
def test_a_multipart_post_to_a_public_address_is_refused_before_its_body_is_read(seeded, address):
    client = Client(raise_request_exception=False)
    comments = Comment.objects.count()

    response = client.generic(
        "POST",
        address,
        multipart(),
        content_type="multipart/form-data; boundary=boundary",
        **{"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(60 * 1024 * 1024)},
    )

    assert response.status_code in {400, 413}, address
    assert "Bad request" in response.text
    assert_security_headers(response)
    assert Comment.objects.count() == comments


def test_a_comment_posted_as_multipart_is_refused_and_not_saved(seeded):
    client = Client(raise_request_exception=False)
    client.get("/about-us/")
    comments = Comment.objects.count()

    response = client.post(
        "/about-us/",
        {
            "author_name": "Alex",
            "author_email": "alex@example.org",
            "body": "Hello",
            "file": ("x" * 10).encode(),
        },
    )

    assert response.status_code in {400, 413}
    assert Comment.objects.count() == comments


def test_a_comment_posted_as_a_form_is_still_accepted(seeded, settings):
    settings.COMMENT_RATE_LIMIT = "0"
    settings.AKISMET_API_KEY = ""
    client = Client()
    client.get("/about-us/")

    response = client.post(
        "/about-us/",
        "author_name=Alex&author_email=alex%40example.org&body=Hello+there",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302
    assert Comment.objects.filter(body="Hello there").count() == 1
