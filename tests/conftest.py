import html
import re

import pytest
from django.core.management import call_command


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
