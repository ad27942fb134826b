import html
import re

import pytest
from django.core.management import call_command

from tests.fake_akismet import FakeAkismet


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


def visible_text(response) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded,
    white space folded to single spaces."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", html.unescape(content)).strip()
