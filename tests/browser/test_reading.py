"""A reader finds their way round the site in a real browser."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import AXE_OPTIONS

TOP_LEVEL = [
    ("Home", "/", "National Independent Reviewing Officer Managers Partnership"),
    ("About Us", "/about-us/", "About Us"),
    ("Strategic Priorities 2019-22", "/strategic-priorities/", "Strategic Priorities 2019-22"),
    ("Events", "/events/", "Events"),
    ("Partners", "/partners/", "Partners"),
    ("News", "/news/", "News"),
    ("Contact Us", "/contact-us/", "Contact Us"),
]


def test_a_reader_follows_the_navigation_to_every_section(page, site):
    page.goto(site.url + "/")
    for name, path, heading in TOP_LEVEL:
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        expect(page).to_have_url(site.url + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name=name)
        ).to_have_attribute("aria-current", "page")
    assert page.console_errors == []


def test_a_reader_opens_the_press_release_from_the_home_page(page, site):
    page.goto(site.url + "/")
    page.get_by_role("link", name="NIROMP responds to results of Community Care poll").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community Care poll")
    expect(page.get_by_text("By Sharon Martin on 7 July 2022")).to_be_visible()
    expect(page.get_by_role("heading", name="Notes to editors")).to_be_visible()


def test_a_reader_downloads_a_document(page, site, tmp_path):
    pdf = tmp_path / "youth-friendly.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% youth friendly version\n%%EOF\n")
    site.manage(
        "shell",
        "-c",
        "from django.core.files import File; from pages.models import Document; "
        "d = Document.objects.get(slug='youth-friendly-strategic-priorities'); "
        f"d.file.save('youth-friendly.pdf', File(open({str(pdf)!r}, 'rb')))",
    )
    page.goto(site.url + "/strategic-priorities/")
    link = page.get_by_role("link", name="Youth Friendly Strategic Priorities")
    expect(link).to_be_visible()
    response = page.request.get(site.url + link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-1.4")


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(page, site):
    page.goto(site.url + "/about-us/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site.url + "/about-us/#main")


@pytest.mark.parametrize(("width", "folded"), [(390, True), (1280, False)])
def test_the_menu_folds_behind_menu_on_a_phone_and_shows_on_a_desktop(page, site, width, folded):
    page.set_viewport_size({"width": width, "height": 844 if folded else 800})
    page.goto(site.url + "/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_text("Menu", exact=True)
    links = [nav.get_by_role("link", name=name) for name, _, _ in TOP_LEVEL]
    if folded:
        expect(toggle).to_be_visible()
        for link in links:
            expect(link).to_be_hidden()
        toggle.click()
    else:
        expect(toggle).to_be_hidden()
    for link in links:
        expect(link).to_be_visible()
    expect(links[0]).to_have_attribute("aria-current", "page")
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    assert violations == [], [violation["id"] for violation in violations]
