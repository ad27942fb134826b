"""What a reader (or a bot) sending bad input gets: a form shown again with
their text kept, escaped output, a refusal rather than a crash, and nothing
saved that should not be."""

import re

import pytest
from django.test import Client

from comments import services
from comments.models import Comment
from pages.models import Status
from tests.conftest import BrowserClient
from tests.factories import (
    comment_data,
    make_article,
    make_page,
    post_comment,
    published_comment,
    submit_comment,
)
from tests.helpers import field_value, html_tree, visible_text

pytestmark = pytest.mark.django_db

TYPED = {
    "author_name": "Alex Reader",
    "author_email": "alex@example.org",
    "author_url": "https://alex.example.org/",
    "body": "A thoughtful comment,\nover two lines.",
}


def post(client, target, **overrides):
    return post_comment(client, target, **{**TYPED, **overrides})


def error_summary(response):
    summary = html_tree(response).by_id("error-summary")
    assert summary is not None, "no error summary on the page"
    assert "There is a problem" in summary.text
    return summary


def field_errors(tree, name) -> str:
    """The text of the error messages a field is described by."""
    field = tree.find(name=name)
    assert field.attrs.get("aria-invalid") == "true", f"{name} is not marked invalid"
    described = [tree.by_id(i) for i in field.attrs.get("aria-describedby", "").split()]
    return " ".join(element.text for element in described if element is not None)


def assert_no_live_markup(response):
    """Nothing a reader typed became an element, an event handler or a script link."""
    content = response.content.decode()
    tree = html_tree(response)
    for element in tree.iter():
        assert not (element.tag == "script" and "alert(" in element.raw_text), element
        assert not (element.tag == "img" and element.attrs.get("src") == "x"), element
        for name, value in element.attrs.items():
            assert not name.startswith("on"), element
            if name in {"href", "src", "action", "formaction"}:
                assert not value.strip().lower().startswith("javascript:"), element
    assert "<script>alert" not in content
    assert "<img src=x" not in content


# Invalid input ---------------------------------------------------------------

INVALID = [
    pytest.param({"author_name": ""}, "author_name", r"Enter your name", id="empty-name"),
    pytest.param({"author_name": "  \t "}, "author_name", r"Enter your name", id="blank-name"),
    pytest.param({"author_name": "N" * 101}, "author_name", r"\b100\b", id="name-too-long"),
    pytest.param(
        {"author_email": "not-an-e-mail"}, "author_email", r"name@example\.com", id="bad-e-mail"
    ),
    pytest.param({"author_email": ""}, "author_email", r"e-mail", id="empty-e-mail"),
    pytest.param(
        {"author_url": "not a web address"}, "author_url", r"https://example\.com", id="bad-url"
    ),
    pytest.param({"body": ""}, "body", r"Enter your comment", id="empty-comment"),
    pytest.param({"body": "x" * 5001}, "body", r"\b5,?000\b", id="comment-too-long"),
]


@pytest.mark.parametrize(("overrides", "field", "error"), INVALID)
def test_invalid_input_shows_the_form_again_with_the_errors_and_the_typed_text(
    client, page, overrides, field, error
):
    response = post(client, page, **overrides)

    assert response.status_code == 200
    summary = error_summary(response)
    link = summary.find("a", href=f"#id_{field}")
    assert link is not None, f"the error summary does not link to the {field} field"
    assert re.search(error, link.text, re.IGNORECASE), link.text
    tree = html_tree(response)
    assert tree.by_id(f"id_{field}") is not None
    assert re.search(error, field_errors(tree, field), re.IGNORECASE)
    for name, typed in {**TYPED, **overrides}.items():
        assert field_value(tree, name) == typed, f"the {name} field lost what was typed"
    assert not Comment.objects.exists()


# Cross-site scripting ---------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '</textarea><script>alert(2)</script>"><img src=x onerror=alert(3)>'


def test_script_in_the_fields_is_shown_escaped_when_the_form_is_shown_again(client, page):
    response = post(
        client,
        page,
        author_name=SCRIPT,
        author_url="javascript:alert(1)",
        body=f"{IMG}\n{BREAKOUT}",
    )

    assert response.status_code == 200
    error_summary(response)
    assert_no_live_markup(response)
    tree = html_tree(response)
    assert field_value(tree, "author_name") == SCRIPT
    assert field_value(tree, "author_url") == "javascript:alert(1)"
    assert field_value(tree, "body") == f"{IMG}\n{BREAKOUT}"
    assert not Comment.objects.exists()


def test_script_in_a_published_comment_is_shown_as_text(client, page, moderator):
    website = 'https://example.com/"><script>alert(4)</script>'
    body = (
        f"{IMG}\n\n{BREAKOUT}\n\n"
        'See https://example.com/"onmouseover="alert(5)" and javascript:alert(6) too.'
    )
    response = post(client, page, author_name=SCRIPT, author_url=website, body=body)
    assert response.status_code == 302
    comment = Comment.objects.get()
    services.approve(comment=comment, moderator=moderator)

    response = Client().get(page.get_absolute_url())

    assert_no_live_markup(response)
    article = html_tree(response).by_id(f"comment-{comment.pk}")
    assert SCRIPT in article.text
    assert "<img src=x onerror=alert(1)>" in article.text
    assert "alert(2)" in article.text
    author_link = article.find("a", href=website)
    assert author_link is not None
    assert author_link.text == SCRIPT


def test_a_javascript_website_address_is_refused(client, page):
    response = post(client, page, author_url="javascript:alert(1)")

    assert response.status_code == 200
    assert error_summary(response).find("a", href="#id_author_url") is not None
    assert not Comment.objects.exists()


# Refused requests ------------------------------------------------------------


def test_a_post_without_a_csrf_token_is_refused(page):
    client = BrowserClient(enforce_csrf_checks=True)

    response = client.post(page.get_absolute_url(), comment_data())

    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_an_oversized_request_is_refused_not_a_server_error(client, page, settings):
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = client.post(page.get_absolute_url(), comment_data(body=body))

    assert 400 <= response.status_code < 500
    assert not Comment.objects.exists()


def test_too_many_fields_is_refused_not_a_server_error(client, page, settings):
    extra = {f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = client.post(page.get_absolute_url(), {**comment_data(), **extra})

    assert 400 <= response.status_code < 500
    assert not Comment.objects.exists()


@pytest.mark.parametrize("address", ["/no-such-page/", "/news/no-such-article/", "/draft-page/"])
def test_a_comment_posted_to_an_unknown_address_gets_not_found(client, page, address):
    make_page(title="Draft", slug="draft-page", status=Status.DRAFT)

    response = client.post(address, comment_data())

    assert response.status_code == 404
    assert not Comment.objects.exists()


# Replies that cannot be made ---------------------------------------------------


def _parent_on_another_page(page, other_page, moderator):
    return published_comment(other_page, moderator).pk


def _held_parent(page, other_page, moderator):
    return submit_comment(page, "Held", "Held.").pk


def _missing_parent(page, other_page, moderator):
    return 999999


def _parent_at_max_depth(page, other_page, moderator):
    depth_1 = published_comment(page, moderator)
    depth_2 = published_comment(page, moderator, parent=depth_1)
    return published_comment(page, moderator, parent=depth_2).pk


@pytest.mark.parametrize(
    ("make_parent", "message"),
    [
        pytest.param(_parent_on_another_page, r"repl", id="on-another-page"),
        pytest.param(_held_parent, r"repl", id="held"),
        pytest.param(_missing_parent, r"repl", id="missing"),
        pytest.param(_parent_at_max_depth, r"deeper", id="past-max-depth"),
    ],
)
def test_a_reply_that_cannot_be_made_is_refused_with_a_message(
    client, page, other_page, moderator, make_parent, message
):
    parent_id = make_parent(page, other_page, moderator)
    before = Comment.objects.count()

    response = post(client, page, parent=str(parent_id))

    assert response.status_code == 200
    assert re.search(message, error_summary(response).text, re.IGNORECASE)
    assert field_value(html_tree(response), "body") == TYPED["body"]
    assert Comment.objects.count() == before


@pytest.mark.parametrize(
    "parent", ["abc", "-1", "0", "1e9999", "1.5", "\u00b2", "99999999999999999999999", "\u0661"]
)
def test_garbage_in_the_parent_field_is_a_form_error(client, page, parent):
    response = post(client, page, parent=parent)

    assert response.status_code == 200
    error_summary(response)
    assert not Comment.objects.exists()


# Bots and floods ---------------------------------------------------------------


def test_a_filled_honeypot_looks_like_success_but_goes_to_spam_unchecked(
    client, page, moderator, akismet, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, page, homepage="https://spam.example/")

    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{page.get_absolute_url()}#comment-{comment.pk}"
    assert "awaiting moderation" in visible_text(client.get(response["Location"]))
    assert comment.status == Comment.Status.SPAM
    assert comment.body == "A thoughtful comment,\nover two lines."
    assert akismet.calls == []

    services.mark_not_spam(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HELD


def test_the_sixth_comment_in_ten_minutes_from_one_address_is_asked_to_wait(client, page, settings):
    settings.COMMENT_RATE_LIMIT = "5/10m"
    for number in range(5):
        response = client.post(
            page.get_absolute_url(),
            comment_data(body=f"Comment number {number}."),
            REMOTE_ADDR="198.51.100.5",
        )
        assert response.status_code == 302

    response = client.post(
        page.get_absolute_url(),
        comment_data(body="The sixth comment, kept for later."),
        REMOTE_ADDR="198.51.100.5",
    )

    assert response.status_code == 429
    assert "wait" in visible_text(response)
    assert field_value(html_tree(response), "body") == "The sixth comment, kept for later."
    assert Comment.objects.count() == 5
    other = BrowserClient().post(
        page.get_absolute_url(), comment_data(), REMOTE_ADDR="198.51.100.6"
    )
    assert other.status_code == 302
    assert Comment.objects.count() == 6


def test_a_rate_limit_of_zero_lets_every_comment_through(client, page, settings):
    settings.COMMENT_RATE_LIMIT = "0"

    statuses = [
        client.post(
            page.get_absolute_url(), comment_data(body=f"Comment {n}."), REMOTE_ADDR="198.51.100.7"
        ).status_code
        for n in range(8)
    ]

    assert statuses == [302] * 8
    assert Comment.objects.count() == 8


# Odd characters ------------------------------------------------------------------

ODD_VALUES = {
    "nul": "a\x00b",
    "control": "a\x01\x08\x0b\x1b[31m\x7fb",
    "bidi-and-zero-width": "a\u202e\u200b\ufeff\u2028b",
    "astral": "\U0001d573\U0001d58a\U0001d591\U0001d591\U0001d594 🎉👩‍👩‍👧‍👦",
    "combining": "e" + "\u0301" * 90,
}


def _with_odd(field, odd):
    if field == "author_email":
        return f"al{odd}ex@example.org"
    if field == "author_url":
        return f"https://example.org/{odd}"
    return f"Some {odd} text"


@pytest.mark.parametrize("odd", list(ODD_VALUES.values()), ids=list(ODD_VALUES))
@pytest.mark.parametrize("field", ["author_name", "author_email", "author_url", "body"])
def test_odd_characters_in_any_field_never_cause_a_server_error(client, page, field, odd):
    response = post(client, page, **{field: _with_odd(field, odd)})

    assert response.status_code in {200, 302}
    if response.status_code == 200:
        error_summary(response)
        assert not Comment.objects.exists()
    else:
        assert Comment.objects.get().status == Comment.Status.HELD


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", "🎉" * 5000),
        ("author_name", "👩‍👩‍👧‍👦" * 14),
        ("body", "\u0301" * 5000),
    ],
    ids=["5000-emoji-comment", "family-emoji-name", "only-combining-marks"],
)
def test_huge_unicode_never_causes_a_server_error(client, page, field, value):
    response = post(client, page, **{field: value})

    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert Comment.objects.get().status == Comment.Status.HELD


def test_bytes_that_are_not_utf8_never_cause_a_server_error(client, page):
    data = (
        b"author_name=%FF%FEAlex&author_email=alex%40example.org&author_url="
        b"&body=%C0%AFhello%ED%A0%80&parent=&homepage="
    )

    response = client.generic(
        "POST", page.get_absolute_url(), data, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in {200, 302}


# Junk in the address ---------------------------------------------------------------


@pytest.fixture
def article(db):
    return make_article(title="A news item", body="<p>News.</p>")


@pytest.mark.parametrize(
    "query",
    [
        "replyto=abc",
        "replyto=999999",
        "replyto=-1",
        "replyto=0",
        "replyto=%C2%B2",  # "²", a digit to str.isdigit() but not to int()
        "replyto=99999999999999999999999",
        "replyto=%00",
        "replyto=1&replyto=2",
    ],
)
@pytest.mark.parametrize("target", ["page", "article"])
def test_junk_in_the_reply_query_never_causes_a_server_error(
    client, page, article, moderator, target, query
):
    content = page if target == "page" else article
    published_comment(content, moderator)

    response = client.get(f"{content.get_absolute_url()}?{query}")

    assert response.status_code == 200
    assert html_tree(response).find("form", id="comment-form") is not None


@pytest.mark.parametrize(
    "query", ["page=zzz", "page=999999", "page=-1", "page=0", "page=%00", "page=1e9999"]
)
def test_junk_page_numbers_on_the_news_list_never_cause_a_server_error(client, article, query):
    response = client.get(f"/news/?{query}")

    assert response.status_code in {200, 404}


def test_the_sender_of_a_trapped_comment_sees_it_held_like_any_other(page):
    """A bot that fills the honeypot must not learn it was caught (issue 14, row 7)."""
    pages = {}
    for name, trap in [("person", ""), ("bot", "https://spam.example/")]:
        reader = BrowserClient()
        reader.post(page.get_absolute_url(), comment_data(**{**TYPED, "homepage": trap}))
        reader.get(page.get_absolute_url())  # the one-time success message
        pages[name] = reader.get(page.get_absolute_url()).content.decode()

    person, bot = Comment.objects.order_by("pk")
    assert (person.status, bot.status) == (Comment.Status.HELD, Comment.Status.SPAM)
    for comment, html in [(person, pages["person"]), (bot, pages["bot"])]:
        assert f'id="comment-{comment.pk}"' in html
        assert "Your comment is awaiting moderation. Only you can see it." in html

    def normalised(html, comment):
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)
        html = re.sub(r'nonce="[^"]+"', "nonce", html)
        # The two were posted a moment apart: their times may differ by a second.
        html = re.sub(r"<time datetime=\"[^\"]+\">[^<]+</time>", "<time>", html)
        return html.replace(f"comment-{comment.pk}", "comment-N")

    assert normalised(pages["person"], person) == normalised(pages["bot"], bot)
