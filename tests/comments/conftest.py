import pytest

from tests.factories import make_moderator, make_page
from tests.fake_akismet import VALID_KEY


@pytest.fixture
def akismet(fake_akismet_server, settings):
    """The fake Akismet service, in "ok" mode with no recorded calls, and the
    site configured to use it through AKISMET_API_URL."""
    fake_akismet_server.mode = "ok"
    fake_akismet_server.calls.clear()
    fake_akismet_server.connections = 0
    settings.AKISMET_API_KEY = VALID_KEY
    settings.SITE_URL = "http://testserver"
    settings.AKISMET_SITE_URL = "http://testserver"
    settings.AKISMET_API_URL = fake_akismet_server.url
    settings.AKISMET_TIMEOUT = 0.5
    return fake_akismet_server


@pytest.fixture
def page(db):
    """A published page with comments open."""
    return make_page(title="Strategic thinking", body="<p>Read and comment.</p>")


@pytest.fixture
def other_page(db):
    """A second published page with comments open."""
    return make_page(title="Another page", body="<p>More.</p>")


@pytest.fixture
def moderator(db):
    """Moira, a staff member in the Moderators group."""
    return make_moderator()


@pytest.fixture
def mod_client(client, moderator):
    """The test client, signed in as `moderator`."""
    client.force_login(moderator)
    return client
