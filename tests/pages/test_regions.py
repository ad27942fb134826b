"""The nine regions: their pages, what they list, the links to them from
news, events and Contact Us, and what editors may change."""

import pytest

from pages.models import Region
from tests.factories import make_article, make_event
from tests.helpers import admin_change, html_tree, visible_text

pytestmark = pytest.mark.django_db

NINE = [
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
]


def region_links(response) -> list[tuple[str, str]]:
    return [
        (a.text.strip(), a.attrs["href"])
        for a in html_tree(response).find_all("a")
        if a.attrs.get("href", "").startswith("/regions/") and a.attrs["href"] != "/regions/"
    ]


def test_the_regions_page_lists_the_nine_and_each_has_its_own_page(client):
    links = region_links(client.get("/regions/"))
    assert [name for name, _ in links] == NINE
    for name, url in links:
        text = visible_text(client.get(url))
        assert name in text
        # Nothing is invented: what editors have not filled in says so.
        assert "Chair To be confirmed Vice Chair To be confirmed Contact To be confirmed" in text


def test_a_region_page_shows_its_people_programme_and_news(client):
    region = Region.objects.get(slug="south-west")
    region.introduction = '<p>IRO managers across the South West.</p><img src="x" onerror="y">'
    region.chair, region.vice_chair = "A. Chair", "B. Vice"
    region.contact = "https://example.org/south-west"
    region.save()
    make_event(title="Regional meeting", regions=[region])
    make_event(title="Spring meeting", days_ahead=-60, regions=[region])
    make_event(title="Meeting elsewhere")
    article = make_article(title="News from the South West")
    article.regions.set([region])
    make_article(title="News from elsewhere")

    response = client.get("/regions/south-west/")
    text = visible_text(response)
    for expected in [
        "IRO managers across the South West.",
        "Chair A. Chair",
        "Vice Chair B. Vice",
        "Regional meeting",
        "Spring meeting",
        "News from the South West",
    ]:
        assert expected in text
    assert "elsewhere" not in text
    assert "onerror" not in response.content.decode()
    assert html_tree(response).find("a", href="https://example.org/south-west") is not None

    article_page = client.get(article.get_absolute_url())
    assert region_links(article_page) == [("South West", "/regions/south-west/")]


def test_contact_us_links_to_every_region(client, seeded):
    tree = html_tree(client.get("/contact-us/"))
    section = tree.find("section", **{"aria-labelledby": "regions-heading"})
    links = [(a.text, a.attrs["href"]) for a in section.find_all("a")]
    assert links == [(r.name, r.get_absolute_url()) for r in Region.objects.all()]
    assert len(links) == 9


def test_editors_fill_in_a_region_but_cannot_add_or_delete_one(editor_client):
    region = Region.objects.get(slug="london")
    admin_change(editor_client, region, chair="A. Chair", contact="020 7946 0000")
    region.refresh_from_db()
    assert (region.chair, region.contact, region.name) == ("A. Chair", "020 7946 0000", "London")
    assert editor_client.get("/admin/pages/region/add/").status_code == 403
    assert editor_client.get(f"/admin/pages/region/{region.pk}/delete/").status_code == 403
