"""An editor sees what changed between two revisions before rolling back."""

import pytest
import reversion
from django.core.management import call_command
from reversion.models import Version

from pages.models import Page
from tests.factories import make_editor
from tests.helpers import (
    admin_change,
    form_data,
    form_errors,
    html_tree,
    logged_in,
)

pytestmark = pytest.mark.django_db


def test_an_editor_compares_two_revisions_of_a_page(seeded):
    client = logged_in(make_editor())
    about = Page.objects.get(slug="about-us")
    admin_change(client, about, body="<p>First wording of the page.</p>")
    admin_change(client, about, body="<p>Second wording of the page.</p>")
    newer, older = Version.objects.get_for_object(about).order_by("-pk")[:2]

    history = client.get(f"/admin/pages/page/{about.pk}/history/")
    assert 'name="version_id1"' in history.text

    compare = client.get(
        f"/admin/pages/page/{about.pk}/history/compare/",
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    assert compare.status_code == 200
    assert "<del>First</del>" in compare.text
    assert "<ins>Second</ins>" in compare.text


def test_seeded_content_starts_its_history_so_the_original_can_be_restored(seeded):
    client = logged_in(make_editor())
    about = Page.objects.get(slug="about-us")
    seeded_body = about.body
    first = Version.objects.get_for_object(about).get()
    assert first.revision.comment == "The old site's content, as it was first loaded."

    admin_change(client, about, body="<p>An editor's rewrite.</p>")
    history = client.get(f"/admin/pages/page/{about.pk}/history/")
    assert "The old site&#x27;s content, as it was first loaded." in history.text

    # Restoring the seeded original: the revision screen, then Save.
    url = f"/admin/pages/page/{about.pk}/history/{first.pk}/"
    restored = client.post(url, form_data(client.get(url)))
    assert restored.status_code == 302, form_errors(restored)
    about.refresh_from_db()
    assert about.body == seeded_body


def test_seeding_again_records_no_second_first_revision(seeded):
    before = Version.objects.count()
    call_command("seed_content", verbosity=0)
    assert Version.objects.count() == before
    assert before == sum(m.objects.count() for m in reversion.get_registered_models())


def test_a_comparison_shows_changed_words_without_markup_or_bookkeeping(seeded):
    client = logged_in(make_editor())
    about = Page.objects.get(slug="about-us")
    admin_change(client, about, body="<p>Reviewing officers meet <strong>quarterly</strong>.</p>")
    admin_change(
        client, about, body="<p>Reviewing officers meet monthly.</p><p>&lt;script&gt; is text.</p>"
    )
    newer, older = Version.objects.get_for_object(about).order_by("-pk")[:2]

    compare = client.get(
        f"/admin/pages/page/{about.pk}/history/compare/",
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    tree = html_tree(compare)
    diffs = [e for e in tree.iter() if "word-diff" in e.attrs.get("class", "")]
    assert len(diffs) == 1  # the body; the updated time is not listed as a change
    assert [e.text for e in diffs[0].find_all("del")] == ["quarterly."]
    assert [e.text for e in diffs[0].find_all("ins")] == ["monthly. <script> is text."]
    assert "<script>" not in compare.text  # escaped: words, never markup
    assert "<p>" not in diffs[0].raw_text and "strong" not in diffs[0].raw_text
    assert [h.text for h in tree.by_id("content-main").find_all("h3")] == ["body"]

    # A list, like Django's own history page's, so it takes the admin's breadcrumb bar.
    crumbs = next(e for e in tree.iter() if e.attrs.get("class") == "breadcrumbs")
    assert crumbs.tag == "ol"
    path = ["Home", "Site content", "Pages", "About Us", "History", "Compare two versions"]
    assert [item.text for item in crumbs.find_all("li")] == path


def test_the_edit_form_has_save_at_the_top_and_room_for_titles(seeded):
    client = logged_in(make_editor())
    about = Page.objects.get(slug="about-us")
    form = html_tree(client.get(f"/admin/pages/page/{about.pk}/change/"))
    assert len(form.find_all("input", name="_save")) == 2  # above and below the form
    assert "wide-field" in form.by_id("id_title").attrs["class"]
    assert "wide-field" in form.by_id("id_slug").attrs["class"]
    description = form.by_id("id_description")
    assert description.tag == "textarea"
    assert description.attrs["maxlength"] == "300"
    assert "data-count" in description.attrs


def test_a_comparison_shows_a_page_moved_to_another_section(seeded):
    client = logged_in(make_editor())
    page = Page.objects.get(slug="about-us")
    section = Page.objects.filter(parent=None).exclude(pk=page.pk).first()
    admin_change(client, page, body="<p>Before the move.</p>")
    admin_change(client, page, parent=str(section.pk))
    newer, older = Version.objects.get_for_object(page).order_by("-pk")[:2]

    compare = client.get(
        f"/admin/pages/page/{page.pk}/history/compare/",
        {"version_id1": older.pk, "version_id2": newer.pk},
    )
    headings = [h.text for h in html_tree(compare).by_id("content-main").find_all("h3")]
    assert headings == ["parent*"]
