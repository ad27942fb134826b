import pytest
from django.contrib.auth.models import Group

from pages.models import Page, Status
from tests.fake_akismet import VALID_KEY


@pytest.fixture
def akismet(fake_akismet_server, settings):
    """The fake Akismet service, in "ok" mode with no recorded calls, and the
    site configured to use it through AKISMET_API_URL."""
    fake_akismet_server.mode = "ok"
    fake_akismet_server.calls.clear()
    settings.AKISMET_API_KEY = VALID_KEY
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
