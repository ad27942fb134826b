"""The basic admin: content is listed, filtered and searched; anonymous users are sent away."""

import pytest

from tests.factories import make_article, make_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["page", "article", "document"])
def test_anonymous_users_are_sent_to_the_login_page(client, model):
    response = client.get(f"/admin/pages/{model}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("model", ["page", "article", "document"])
def test_admin_lists_and_add_forms_open(admin_client, model):
    assert admin_client.get(f"/admin/pages/{model}/").status_code == 200
    assert admin_client.get(f"/admin/pages/{model}/add/").status_code == 200


def test_admin_search_finds_articles_by_their_text(admin_client):
    make_article(title="About the conference", summary="Reflective practice")
    make_article(title="Something else")
    response = admin_client.get("/admin/pages/article/", {"q": "reflective"})
    assert [a.title for a in response.context["cl"].result_list] == ["About the conference"]


def test_admin_filters_pages_by_status(admin_client):
    make_page(title="Live one")
    make_page(title="Draft one", status="draft")
    response = admin_client.get("/admin/pages/page/", {"status__exact": "draft"})
    assert [page.title for page in response.context["cl"].result_list] == ["Draft one"]


def test_a_page_cannot_take_an_address_the_site_uses(admin_client):
    response = admin_client.post(
        "/admin/pages/page/add/",
        {
            "title": "News",
            "slug": "news",
            "status": "published",
            "publish_at_0": "01/01/2024",
            "publish_at_1": "10:00:00",
            "body": "",
            "description": "",
        },
    )
    assert response.status_code == 200
    assert "This address is used by another part of the site." in response.text
