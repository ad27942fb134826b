import pytest
from django.contrib.auth.models import Group

from comments.models import Comment
from pages.models import Page, Status
from tests.fake_akismet import VALID_KEY


@pytest.fixture
def akismet(fake_akismet_server, settings):
    """The fake Akismet service, in "ok" mode with no recorded calls, and the
    site configured to use it through AKISMET_API_URL."""
    fake_akismet_server.mode = "ok"
    fake_akismet_server.calls.clear()
    settings.AKISMET_API_KEY = VALID_KEY
    settings.SITE_URL = "http://testserver"
    settings.AKISMET_SITE_URL = "http://testserver"
    settings.AKISMET_API_URL = fake_akismet_server.url
    settings.AKISMET_TIMEOUT = 0.5
    return fake_akismet_server


@pytest.fixture
def page(db):
    """A published page with comments open."""
    return Page.objects.create(
        title="Strategic thinking",
        slug="strategic-thinking",
        status=Status.PUBLISHED,
        body="<p>Read and comment.</p>",
    )


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_user(
        username="moira", email="moira@example.org", password="a long test password"
    )
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


def comment_data(**overrides):
    """What a reader types into the comment form."""
    data = {
        "author_name": "Alex Reader",
        "author_email": "alex@example.org",
        "author_url": "",
        "body": "A thoughtful comment.",
        "parent": "",
        "homepage": "",
    }
    data.update(overrides)
    return data


def make_comment(page, **fields):
    """A reader's comment as the form leaves it after the spam check: held, ham,
    with the personal data the form keeps."""
    fields = {
        "author_name": "Alex Reader",
        "author_email": "alex@example.org",
        "body": "A thoughtful comment.",
        "status": Comment.Status.HELD,
        "verdict": Comment.Verdict.HAM,
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 TestBrowser/1.0",
        "referrer": "http://testserver/strategic-thinking/",
        "permalink": "http://testserver/strategic-thinking/",
        **fields,
    }
    return Comment.objects.create(page=page, **fields)
