"""Staff preview drafts and scheduled items (never cached, never indexed); the
public gets 404. Old addresses of moved content answer 301 while it is live."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from reversion.models import Version

from pages.models import Redirect, Status
from tests.factories import make_article, make_page, make_staff, make_user
from tests.helpers import admin_add, admin_change, form_data, form_errors, logged_in, visible_text

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def reader_client(db):
    """Logged in, but not staff."""
    return logged_in(make_user("reader"))


@pytest.fixture
def staff_without_permission_client(db):
    """Staff, but in no group: may not view pages or articles."""
    return logged_in(make_staff("other"))


def make_draft(kind: str):
    if kind == "page":
        make_page(title="Draft plans", body="<p>Not ready yet.</p>", status=Status.DRAFT)
        return "/draft-plans/"
    make_article(title="Draft plans", body="<p>Not ready yet.</p>", status=Status.DRAFT)
    return "/news/draft-plans/"


def assert_preview(response):
    assert response.status_code == 200
    text = visible_text(response)
    assert "Preview." in text
    assert "Only staff can see it." in text
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "private", "must-revalidate", "max-age=0"} <= cache_control
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.text


def assert_not_preview(response):
    assert response.status_code == 200
    assert "Preview." not in visible_text(response)
    assert "X-Robots-Tag" not in response
    assert "noindex" not in response.text
    assert "no-store" not in response.get("Cache-Control", "")


# --- Preview ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["page", "article"])
def test_a_draft_is_not_found_by_the_public(
    client, reader_client, staff_without_permission_client, kind
):
    url = make_draft(kind)
    assert client.get(url).status_code == 404
    assert reader_client.get(url).status_code == 404
    assert staff_without_permission_client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ["page", "article"])
def test_an_editor_previews_a_draft(editor_client, kind):
    url = make_draft(kind)
    response = editor_client.get(url)
    assert_preview(response)
    text = visible_text(response)
    assert "(draft)" in text
    assert "Not ready yet." in text


def test_an_editor_previews_a_scheduled_article_with_its_uk_time(client, editor_client):
    due = datetime(timezone.now().year + 1, 7, 7, 9, 0, tzinfo=LONDON)
    make_article(title="Coming soon", publish_at=due)
    assert client.get("/news/coming-soon/").status_code == 404
    response = editor_client.get("/news/coming-soon/")
    assert_preview(response)
    assert f"(scheduled for 7 July {due.year}, 09:00 UK time)" in visible_text(response)


@pytest.mark.parametrize("kind", ["page", "article"])
def test_published_content_is_not_a_preview_even_for_an_editor(editor_client, kind):
    if kind == "page":
        make_page(title="Live plans")
        url = "/live-plans/"
    else:
        make_article(title="Live plans")
        url = "/news/live-plans/"
    assert_not_preview(editor_client.get(url))


def test_a_page_under_a_draft_section_is_previewed_by_staff_only(client, editor_client):
    section = make_page(title="Areas", status=Status.DRAFT)
    make_page(title="North West", parent=section, body="<p>The North West region.</p>")
    assert client.get("/areas/north-west/").status_code == 404
    response = editor_client.get("/areas/north-west/")
    assert_preview(response)
    assert "The North West region." in visible_text(response)


# --- Old addresses -----------------------------------------------------------------------


def test_changing_a_published_pages_slug_redirects_the_old_address(client, editor_client):
    page = make_page(title="Our plans", body="<p>The plans.</p>")
    admin_change(editor_client, page, slug="strategic-plans")
    response = client.get("/our-plans/")
    assert response.status_code == 301
    assert response["Location"] == "/strategic-plans/"
    assert "The plans." in visible_text(client.get("/our-plans/", follow=True))


def test_renaming_a_section_redirects_the_pages_under_it(client, editor_client):
    section = make_page(title="Conferences")
    make_page(title="Conference", parent=section)
    admin_change(editor_client, section, slug="gatherings")

    response = client.get("/conferences/conference/")
    assert response.status_code == 301
    assert response["Location"] == "/gatherings/conference/"
    assert client.get("/conferences/")["Location"] == "/gatherings/"
    assert client.get("/gatherings/conference/").status_code == 200


def test_moving_a_page_to_another_section_redirects_it(client, editor_client):
    events = make_page(title="Events")
    partners = make_page(title="Partners")
    page = make_page(title="NAIRO", slug="nairo", parent=events)
    admin_change(editor_client, page, parent=partners.pk)
    response = client.get("/events/nairo/")
    assert response.status_code == 301
    assert response["Location"] == "/partners/nairo/"


def test_changing_a_published_articles_slug_redirects_the_old_address(client, editor_client):
    article = make_article(title="Poll response")
    admin_change(editor_client, article, slug="niromp-responds-to-the-poll")
    response = client.get("/news/poll-response/")
    assert response.status_code == 301
    assert response["Location"] == "/news/niromp-responds-to-the-poll/"


def test_two_renames_redirect_straight_to_the_newest_address(client, editor_client):
    page = make_page(title="First name")
    admin_change(editor_client, page, slug="second-name")
    admin_change(editor_client, page, slug="third-name")
    assert client.get("/first-name/")["Location"] == "/third-name/"
    assert client.get("/second-name/")["Location"] == "/third-name/"


def test_rolling_back_a_slug_change_redirects_the_newer_address(client, editor_client):
    page = make_page(title="Training", body="<p>Courses for IROs.</p>")
    admin_change(editor_client, page, body="<p>Courses for IROs.</p>")  # a first revision
    first = Version.objects.get_for_object(page).get()
    admin_change(editor_client, page, slug="courses")
    assert client.get("/training/")["Location"] == "/courses/"

    url = f"/admin/pages/page/{page.pk}/history/{first.pk}/"
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 302, form_errors(response)

    assert client.get("/training/").status_code == 200
    # /courses/ was the page's live address until the roll-back: keep it working.
    response = client.get("/courses/")
    assert response.status_code == 301
    assert response["Location"] == "/training/"


@pytest.mark.parametrize("kind", ["page", "article"])
def test_changing_a_drafts_slug_keeps_no_old_address(client, editor_client, kind):
    if kind == "page":
        obj = make_page(title="Draft plans", status=Status.DRAFT)
    else:
        obj = make_article(title="Draft plans", status=Status.DRAFT)
    admin_change(editor_client, obj, slug="better-plans", status=Status.PUBLISHED)
    assert not Redirect.objects.exists()
    old = "/draft-plans/" if kind == "page" else "/news/draft-plans/"
    assert client.get(old).status_code == 404


def test_changing_a_scheduled_items_slug_keeps_no_old_address(client, editor_client):
    article = make_article(title="Embargoed", publish_at=timezone.now() + timedelta(days=1))
    admin_change(editor_client, article, slug="under-embargo")
    assert not Redirect.objects.exists()


def test_new_content_at_an_old_address_is_served_there(client, editor_client):
    page = make_page(title="Plans", body="<p>The old plans, moved.</p>")
    admin_change(editor_client, page, slug="old-plans")
    assert client.get("/plans/").status_code == 301

    admin_add(
        editor_client,
        "page",
        title="Plans",
        slug="plans",
        body="<p>The new plans.</p>",
        status=Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.get("/plans/")
    assert response.status_code == 200
    assert "The new plans." in visible_text(response)
    assert "The old plans, moved." in visible_text(client.get("/old-plans/"))


def test_new_article_at_an_old_address_is_served_there(client, editor_client):
    article = make_article(title="Statement", body="<p>The first statement.</p>")
    admin_change(editor_client, article, slug="first-statement")
    admin_add(
        editor_client,
        "article",
        title="Statement",
        slug="statement",
        summary="A new one.",
        body="<p>The second statement.</p>",
        status=Status.PUBLISHED,
        publish_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.get("/news/statement/")
    assert response.status_code == 200
    assert "The second statement." in visible_text(response)


def test_renaming_back_to_an_old_address_makes_no_loop(client, editor_client):
    page = make_page(title="Contact", body="<p>Write to us.</p>")
    admin_change(editor_client, page, slug="contact-us")
    admin_change(editor_client, page, slug="contact")

    response = client.get("/contact/")
    assert response.status_code == 200
    assert "Write to us." in visible_text(response)
    assert client.get("/contact-us/")["Location"] == "/contact/"
    assert not Redirect.objects.filter(old_path="/contact/").exists()


@pytest.mark.parametrize("kind", ["page", "article"])
def test_an_old_address_of_content_now_a_draft_is_not_found(client, editor_client, kind):
    if kind == "page":
        obj, old = make_page(title="Withdrawn"), "/withdrawn/"
    else:
        obj, old = make_article(title="Withdrawn"), "/news/withdrawn/"
    admin_change(editor_client, obj, slug="withdrawn-now")
    assert client.get(old).status_code == 301

    admin_change(editor_client, obj, status=Status.DRAFT)
    assert client.get(old).status_code == 404


def test_an_old_address_of_a_page_in_a_section_now_a_draft_is_not_found(client, editor_client):
    section = make_page(title="Conferences")
    make_page(title="Conference", parent=section)
    admin_change(editor_client, section, slug="gatherings")
    assert client.get("/conferences/conference/").status_code == 301

    admin_change(editor_client, section, status=Status.DRAFT)
    assert client.get("/gatherings/conference/").status_code == 404
    # Not a 301 to an address that is itself not found.
    assert client.get("/conferences/conference/").status_code == 404
    assert client.get("/conferences/").status_code == 404
