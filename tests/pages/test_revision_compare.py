"""An editor sees what changed between two revisions before rolling back."""

import pytest
from reversion.models import Version

from pages.models import Page
from tests.factories import make_editor
from tests.helpers import admin_change, logged_in

pytestmark = pytest.mark.django_db


def test_an_editor_compares_two_revisions_of_a_page(seeded):
    client = logged_in(make_editor())
    about = Page.objects.get(slug="about-us")
    admin_change(client, about, body="<p>First wording of the page.</p>")
    admin_change(client, about, body="<p>Second wording of the page.</p>")
    older, newer = Version.objects.get_for_object(about).order_by("pk")[:2]

    history = client.get(f"/admin/pages/page/{about.pk}/history/")
    assert 'name="version_id1"' in history.text

    compare = client.get(
        f"/admin/pages/page/{about.pk}/history/compare/",
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    assert compare.status_code == 200
    assert "<del>First</del>" in compare.text
    assert "<ins>Second</ins>" in compare.text
