"""No dead links: every internal link on every published page answers 200."""

import re
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from pages.models import Article, Page

HREF = re.compile(r'(?:href|src)="([^"]+)"')


def internal_links(response, base):
    for raw in HREF.findall(response.content.decode()):
        url = urldefrag(urljoin(base, raw.replace("&amp;", "&")))[0]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc == "testserver":
            yield parts.path + (f"?{parts.query}" if parts.query else "")
        elif not parts.scheme and url.startswith("/"):
            yield url


def published_urls():
    urls = [page.get_absolute_url() for page in Page.objects.published()]
    return urls + [article.get_absolute_url() for article in Article.objects.published()]


def walk(client, start):
    """Follow every internal link from `start`; return what was seen and what broke."""
    seen, queue, broken = set(start), list(start), []
    while queue:
        url = queue.pop()
        response = client.get(url)
        if response.status_code != 200:
            broken.append((url, response.status_code))
            continue
        if not response["Content-Type"].startswith("text/html"):
            continue
        for link in internal_links(response, f"http://testserver{url}"):
            if link not in seen and not link.startswith("/admin/"):
                seen.add(link)
                queue.append(link)
    return seen, broken


def test_every_internal_link_of_every_published_page_answers_200(client, seeded):
    seen, broken = walk(client, ["/", "/news/", *published_urls()])
    assert broken == []
    assert len(seen) > 15  # the walk reached the whole site, not just the start


def test_every_published_page_can_be_reached_from_the_home_page(client, seeded):
    seen, _ = walk(client, ["/"])
    assert set(published_urls()) - seen == set()


@pytest.mark.parametrize("url", ["/", "/about-us/", "/news/", "/contact-us/"])
def test_navigation_reaches_every_top_level_section(client, seeded, url):
    text = client.get(url).content.decode()
    nav = text.split('<nav aria-label="Main">')[1].split("</nav>")[0]
    for target in [
        "/",
        "/about-us/",
        "/strategic-priorities/",
        "/events/",
        "/partners/",
        "/news/",
        "/regions/",
        "/contact-us/",
    ]:
        assert f'href="{target}"' in nav


def test_old_site_addresses_redirect_permanently(client, seeded):
    response = client.get("/about-us-2/")
    assert response.status_code == 301
    assert response["Location"] == "/about-us/"
