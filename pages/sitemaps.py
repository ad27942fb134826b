"""/sitemap.xml: every public address, for search engines.

django.contrib.sitemaps renders a template node per field per address and
reverses every address one by one: about 400 ms for 2,000 articles, which a
crawler pays on every visit the page cache has not kept. This builds the same
XML (sitemaps.org 0.9, as Django writes it) from narrow rows, reversing one
address per kind and filling in each slug (slugs need no escaping in a path),
in a few milliseconds."""

from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.urls import reverse
from django.utils.timezone import get_current_timezone

from niromp_site.memo import memoised

from .context_processors import canonical_base
from .models import Article, Event, Page, Region

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
# The lists that are not content items, each at its own address.
LISTS = ("pages:news", "pages:press_releases", "pages:past_events", "pages:regions")
SLUG = "slug-placeholder"


def _by_slug(view_name: str, rows, changefreq: str):
    """(address, lastmod, changefreq) for each (slug, updated_at) row."""
    pattern = reverse(view_name, kwargs={"slug": SLUG})
    for slug, updated_at in rows:
        yield pattern.replace(SLUG, slug), updated_at, changefreq


def entries():
    """Every public address in the sitemap's order: pages, the lists,
    articles, events, regions."""
    pages = (
        Page.objects.published().for_address().defer("body", "parent__body", "parent__parent__body")
    )
    for page in pages:
        if page.is_public:
            yield page.get_absolute_url(), page.updated_at, "monthly"
    for name in LISTS:
        yield reverse(name), None, "weekly"
    articles = Article.objects.published().values_list("slug", "updated_at")
    yield from _by_slug("pages:article", articles, "yearly")
    events = Event.objects.published().order_by("pk").values_list("slug", "updated_at")
    yield from _by_slug("pages:event", events, "monthly")
    regions = Region.objects.values_list("slug", "updated_at")
    yield from _by_slug("pages:region", regions, "monthly")


@memoised
def _rows() -> tuple[tuple[str, str, str], ...]:
    """Each address's <loc> path, <lastmod> element ("" for none) and
    changefreq, escaped and formatted once per content version."""
    zone = get_current_timezone()
    return tuple(
        (
            escape(address),
            f"<lastmod>{lastmod.astimezone(zone).date().isoformat()}</lastmod>" if lastmod else "",
            changefreq,
        )
        for address, lastmod, changefreq in entries()
    )


def sitemap(request):
    base = escape(canonical_base(request))
    parts = [HEAD]
    parts.extend(
        f"<url><loc>{base}{address}</loc>{lastmod}<changefreq>{changefreq}</changefreq></url>\n"
        for address, lastmod, changefreq in _rows()
    )
    parts.append("</urlset>\n")
    response = HttpResponse("".join(parts), content_type="application/xml")
    # As Django's sitemap view: the sitemap itself is not a page to index.
    response["X-Robots-Tag"] = "noindex, noodp, noarchive"
    return response
