"""The comment form is rendered by crispy once per shape and filled in for
each reader: what a reader gets is exactly what crispy would have rendered
for their form, CSRF token included."""

from urllib.parse import urlencode

import pytest
from crispy_forms.utils import render_crispy_form
from django.template import Context
from django.test import Client

from comments.forms import CommentForm
from comments.templatetags.comments import comment_form
from tests.factories import post_comment
from tests.helpers import field_value, html_tree

pytestmark = pytest.mark.django_db

TRICKY = 'Ann "Quote" <b>&amp; Co</b>'


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PAGE_CACHE = False


@pytest.mark.parametrize(
    "initial",
    [
        {},
        {"parent": 12},
        {
            "author_name": TRICKY,
            "author_email": "a@example.org",
            "author_url": "",
            "remember": True,
        },
        {
            "author_name": "Remi",
            "author_email": "remi@example.org",
            "author_url": "https://example.org/?a=1&b=2",
            "remember": True,
            "parent": 7,
        },
    ],
    ids=["empty", "reply", "remembered", "remembered-reply"],
)
def test_the_shared_form_is_exactly_what_crispy_renders_for_the_readers_form(initial):
    reader = Context({"csrf_token": "token-of-this-reader"})
    comment_form(reader, CommentForm())  # another shape rendered first: nothing carries over

    shared = comment_form(reader, CommentForm(initial=initial))

    assert shared == render_crispy_form(
        CommentForm(initial=initial), context=Context({"csrf_token": "token-of-this-reader"})
    )


def test_each_reader_gets_their_own_csrf_token_in_the_form(client, page):
    first = html_tree(client.get(page.get_absolute_url()))
    second = html_tree(Client().get(page.get_absolute_url()))

    tokens = {field_value(tree, "csrfmiddlewaretoken") for tree in (first, second)}
    assert len(tokens) == 2
    assert "placeholder" not in "".join(tokens)


def test_a_form_from_the_shared_render_posts_a_comment(client, page):
    reader = Client(enforce_csrf_checks=True)
    token = field_value(html_tree(reader.get(page.get_absolute_url())), "csrfmiddlewaretoken")

    response = reader.post(
        page.get_absolute_url(),
        urlencode(
            {
                "csrfmiddlewaretoken": token,
                "author_name": "Cass",
                "author_email": "cass@example.org",
                "body": "Sent from the shared form.",
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 302


def test_a_remembered_name_with_markup_is_shown_escaped_in_its_field(client, page, other_page):
    post_comment(client, page, author_name=TRICKY, remember="on")

    tree = html_tree(client.get(other_page.get_absolute_url()))

    assert field_value(tree, "author_name") == " ".join(TRICKY.split())
