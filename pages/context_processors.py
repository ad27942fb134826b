from typing import NamedTuple

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from niromp_site.memo import memoised

from .models import Page

SITE_NAME = "National Independent Reviewing Officer Managers Partnership"
SITE_SHORT_NAME = "NIROMP"
# The news, events and regions lists are not Pages, so each takes a fixed
# place in the menu order (events: unless the Events page has its own).
NEWS_MENU_ORDER = 50
EVENTS_MENU_ORDER = 30
REGIONS_MENU_ORDER = 80


def canonical_base(request) -> str:
    """https://host of the site: SITE_URL when set, else where the request came."""
    return settings.SITE_URL or f"{request.scheme}://{request.get_host()}"


class MenuLink(NamedTuple):
    title: str
    url: str
    current: str  # aria-current: "page", "true" or ""


def main_menu(request) -> tuple[MenuLink, ...]:
    return tuple(MenuLink(title, url, _current(request.path, url)) for title, url in _menu_links())


@memoised
def _menu_links() -> tuple[tuple[str, str], ...]:
    """(title, address) of each menu link, in the menu's order."""
    pages = (
        Page.objects.published()
        .filter(parent=None, menu_order__isnull=False)
        .only("title", "slug", "parent", "menu_order")
    )
    items = [(page.menu_order, page.title, page.get_absolute_url()) for page in pages]
    items.append((NEWS_MENU_ORDER, "News", reverse("pages:news")))
    items.append((REGIONS_MENU_ORDER, "Regions", reverse("pages:regions")))
    events = reverse("pages:events")
    if not any(url == events for _, _, url in items):
        items.append((EVENTS_MENU_ORDER, "Events", events))
    items.sort(key=lambda item: item[0])
    return tuple((title, url) for _, title, url in items)


def _current(path: str, url: str) -> str:
    """aria-current for a menu link: "page" on its own page, "true" on a page
    within its section, "" elsewhere (Home, at the site's root, is no section)."""
    if path == url:
        return "page"
    if url != get_script_prefix() and path.startswith(url):
        return "true"
    return ""


def site(request):
    """What every public page's head, header and footer need, in one query
    (made only when a template shows the menu)."""
    base = canonical_base(request)
    page_number = request.GET.get("page", "")
    canonical_url = base + request.path
    if page_number.isdigit() and page_number != "1":
        canonical_url += f"?page={page_number}"
    return {
        "site_name": SITE_NAME,
        "site_short_name": SITE_SHORT_NAME,
        "canonical_base": base,
        "canonical_url": canonical_url,
        # Read only by templates that show the menu (robots.txt does not).
        "main_menu": SimpleLazyObject(lambda: main_menu(request)),
    }
