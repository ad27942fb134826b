from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from pages.models import Page

from .index import MAX_QUERY_LENGTH, Query, Results

RESULTS_PER_PAGE = 10
# Where a reader whose search found nothing may browse instead: the news,
# and these top-level pages while they are published (one query).
BROWSE_PAGES = {"strategic-priorities": ""}


def browse_links() -> list[tuple[str, str, str]]:
    pages = Page.objects.published().filter(parent=None, slug__in=BROWSE_PAGES)
    by_slug = {page.slug: page for page in pages}
    links = [
        ("News and press releases", "", reverse("pages:news")),
        ("Events", "", reverse("pages:events")),
        ("The nine regions", "", reverse("pages:regions")),
    ]
    links += [
        (by_slug[slug].title, note, by_slug[slug].get_absolute_url())
        for slug, note in BROWSE_PAGES.items()
        if slug in by_slug
    ]
    return links


@never_cache
def search(request):
    """Published pages, news and documents matching `q`, best first. Never
    cached or indexed by search engines (robots.txt disallows it, too)."""
    query = Query.parse(request.GET.get("q", ""))
    paginator = Paginator(Results(query), RESULTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "query": query,
        "max_query_length": MAX_QUERY_LENGTH,
        "page_obj": page,
        "results": page.object_list,
        "count": paginator.count,
        "page_query": urlencode({"q": query.text}),
        "browse": browse_links() if not paginator.count else [],
    }
    response = render(request, "search/results.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response
