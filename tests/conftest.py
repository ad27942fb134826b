from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from pytest_django.plugin import blocking_manager_key

from tests.factories import make_editor
from tests.fake_akismet import FakeAkismet
from tests.helpers import logged_in


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test ends by emptying every table, migrations' rows too
    (the groups, content types, the nine regions). serialized_rollback brings
    them back only at the start of the next such test; the suite runs in
    several processes, a file each, so the tests that follow in this process
    would find them gone. Put them back straight away instead."""
    result = yield
    marker = item.get_closest_marker("django_db")
    # The last test of the process tears the test database down with it: then
    # there is nothing to put back, and no test to need it.
    if nextitem is not None and marker and marker.kwargs.get("serialized_rollback"):
        with item.config.stash[blocking_manager_key].unblock():
            for connection in connections.all():
                contents = getattr(connection, "_test_serialized_contents", None)
                if contents:
                    connection.creation.deserialize_db_from_string(contents)
    return result


@pytest.fixture(scope="session")
def fake_akismet_server():
    """A fake Akismet service on 127.0.0.1 (see tests/fake_akismet.py)."""
    server = FakeAkismet().start()
    yield server
    server.stop()


class BrowserClient(Client):
    """Django's test client, posting a form as a browser does: URL-encoded unless
    it carries a file. (The test client sends every dict as multipart, which the
    site refuses at public addresses: no public form takes a file.)"""

    def post(self, path, data=None, content_type=MULTIPART_CONTENT, **extra):
        carries_file = isinstance(data, dict) and any(hasattr(v, "read") for v in data.values())
        if content_type == MULTIPART_CONTENT and isinstance(data, dict) and not carries_file:
            data = urlencode(data, doseq=True)
            content_type = "application/x-www-form-urlencoded"
        return super().post(path, data, content_type, **extra)


@pytest.fixture
def client():
    """pytest-django's client, posting forms as a browser does (BrowserClient)."""
    return BrowserClient()


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
