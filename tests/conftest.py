import pytest
from django.core.management import call_command

from tests.factories import make_editor
from tests.fake_akismet import FakeAkismet
from tests.helpers import logged_in


@pytest.fixture(scope="session")
def fake_akismet_server():
    """A fake Akismet service on 127.0.0.1 (see tests/fake_akismet.py)."""
    server = FakeAkismet().start()
    yield server
    server.stop()


@pytest.fixture
def seeded(db):
    """The database as `make run` leaves it: the seed content loaded."""
    call_command("seed_content", verbosity=0)


@pytest.fixture
def editor(db):
    """A staff member in the Editors group the migration creates, and nothing more."""
    return make_editor()


@pytest.fixture
def editor_client(editor):
    """A browser signed in as `editor`."""
    return logged_in(editor)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
