from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView, TemplateView

from comments.views import CommentsMixin
from niromp_site.memo import kept, memoised

from . import calendar
from .context_processors import canonical_base
from .models import Article, Document, Event, Page, Region
from .sanitise import words_of

# A page whose body is shorter than this many words ("This page is in
# development.") leads with what it does have: its description, downloads
# and comments.
SHORT_BODY_WORDS = 25


class PreviewMixin:
    """Staff who may view the content see drafts and scheduled items too,
    under a preview banner, never cached; the public gets 404."""

    def can_preview(self) -> bool:
        user = self.request.user
        return user.is_staff and user.has_perm(f"pages.view_{self.model._meta.model_name}")

    def visible(self):
        if self.can_preview():
            return self.model.objects.all()
        return self.model.objects.published()

    def get_object(self, queryset=None):
        """The item at this slug: for the public, the published one kept in
        the content memo (PageDetailView finds pages by path instead)."""
        if self.can_preview():
            return super().get_object(queryset)
        return _public_item(self.model, self.kwargs["slug"]) or _not_found()

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("is_preview"):
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=not self.object.is_public, **kwargs)


class ReaderThreadMixin:
    """An old pingback with no address says nothing a reader can use (no
    words, no link), so it is left out of the thread and its count. A
    pingback with an address shows as a link (comments/comment_article.html)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        roots = context.get("comments") or []
        hidden = [c for c in roots if c.is_pingback and not c.author_url]
        context["comments"] = [c for c in roots if c not in hidden]
        context["comment_count"] -= sum(1 for c in hidden if c.is_published)
        return context


class PageDetailView(PreviewMixin, ReaderThreadMixin, CommentsMixin, DetailView):
    """A page found by its path (/section/page/); it and every section above
    it must be published."""

    model = Page
    template_name = "pages/page_detail.html"
    context_object_name = "page"

    def get_object(self, queryset=None):
        path = self.kwargs.get("path", "home")
        page = _find_page(path, preview=True) if self.can_preview() else _public_page(path)
        if page is None:
            raise Http404("No page at this address.")
        return page

    def get_context_data(self, **kwargs):
        page = self.object
        extras = _page_extras(page) if page.is_public else _page_extras.__wrapped__(page)
        return super().get_context_data(**extras, **kwargs)


def _find_page(path: str, *, preview: bool = False) -> Page | None:
    """The page at /path/ (public, or anything when previewing)."""
    *_, slug = path.split("/")
    pages = Page.objects.all() if preview else Page.objects.published()
    for page in pages.filter(slug=slug).for_address():
        if page.path == path and (preview or page.is_public):
            return page
    return None


_public_page = memoised(_find_page)


@memoised
def _page_extras(page: Page) -> dict:
    """What a page shows besides its body: its downloads (a document without
    a file is for editors to finish: the admin says so), the pages filed
    under it, and on the Contact Us page the regions."""
    extras = {
        "documents": [document for document in page.documents.all() if document.is_available],
        "short_body": len(words_of(page.body).split()) < SHORT_BODY_WORDS,
        "children": _children_of(page),
    }
    if page.path == REGIONS_LISTED_ON:
        extras["regions"] = list(Region.objects.only("name", "slug"))
    return extras


# The page whose body is written around the list of regions (it lists the nine by name).
REGIONS_LISTED_ON = "contact-us"


class HomeView(PageDetailView):
    template_name = "pages/home.html"  # the page at the path "home" (PageDetailView)

    # The first screen's routes: the top-level pages a visitor most often
    # comes for, by slug; a route whose page is not published is left out.
    ROUTE_SLUGS = ("strategic-priorities", "about-us", "events")

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_home_routes(self.ROUTE_SLUGS), **kwargs)


def _not_found():
    raise Http404("No page at this address.")


@memoised
def _home_routes(slugs: tuple[str, ...]) -> dict:
    """The latest news and the pages (with the strategy's downloads) Home leads to."""
    pages = Page.objects.published().filter(parent=None, slug__in=slugs)
    routes = {page.slug.replace("-", "_"): page for page in pages}
    strategy = routes.get("strategic_priorities")
    downloads = []
    if strategy:
        downloads = [d for d in strategy.documents.all() if d.is_available]
    return {
        "latest_articles": list(Article.objects.published()[:3]),
        "routes": routes,
        "route_downloads": downloads,
    }


class KeptPagesMixin:
    """A ListView whose pages are kept in the content memo: its list must
    depend on nothing but the view's class and `kind`."""

    kind = None

    def paginate_queryset(self, queryset, page_size):
        number = self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg) or 1

        def page():
            try:
                found = super(KeptPagesMixin, self).paginate_queryset(queryset, page_size)
            except Http404:
                return None
            paginator, page, object_list, is_paginated = found
            page.object_list = list(object_list)
            return paginator, page, page.object_list, is_paginated

        key = ("list page", type(self), self.kind, str(number), page_size)
        found = kept(key, page)
        if found is None:
            raise Http404("No such page of this list.")
        return found


class ArticleListView(KeptPagesMixin, ListView):
    """News and press releases, newest first; `kind` narrows it to one kind."""

    paginate_by = 10
    context_object_name = "articles"

    def get_queryset(self):
        articles = Article.objects.published()
        if self.kind:
            articles = articles.filter(kind=self.kind)
        return articles.only("title", "slug", "kind", "summary", "byline", "publish_at", "status")

    def get_context_data(self, **kwargs):
        heading = Article.Kind(self.kind).label + "s" if self.kind else "News"
        return super().get_context_data(heading=heading, kind=self.kind, **kwargs)


class ArticleDetailView(PreviewMixin, ReaderThreadMixin, CommentsMixin, DetailView):
    model = Article
    context_object_name = "article"

    def get_queryset(self):
        return self.visible()

    def get_context_data(self, **kwargs):
        return super().get_context_data(regions=_regions_of(self.object), **kwargs)


@memoised
def _public_item(model, slug: str):
    """The published article or event at this slug, or None."""
    return model.objects.published().filter(slug=slug).first()


@memoised
def _regions_of(item) -> list[Region]:
    return list(item.regions.all())


class EventsPageMixin:
    """The Events page editors write (the top-level page "events", seeded from
    the old site) introduces the events lists at its own address, /events/;
    the pages filed under it (the #IROConf17 feedback, which has no date to
    make it an event) are listed as earlier events and keep their addresses
    (/events/<slug>/)."""

    def events_page(self):
        return _events_page()

    def get_context_data(self, **kwargs):
        page = self.events_page()
        earlier = _children_of(page) if page else []
        return super().get_context_data(events_page=page, earlier_pages=earlier, **kwargs)


@memoised
def _children_of(page: Page) -> list[Page]:
    return list(page.children.published().order_by("menu_order", "title"))


@memoised
def _events_page() -> Page | None:
    return Page.objects.published().filter(slug="events", parent=None).first()


def summary_only(events):
    return events.defer("body", "description")


class UpcomingEventsView(EventsPageMixin, ListView):
    template_name = "pages/event_list.html"
    context_object_name = "events"

    def get_queryset(self):
        return _upcoming_events()

    def get_context_data(self, **kwargs):
        page = self.events_page()
        heading = page.title if page else "Events"
        return super().get_context_data(heading=heading, past=False, **kwargs)


@memoised
def _upcoming_events() -> list[Event]:
    return list(summary_only(Event.objects.published().upcoming()))


class PastEventsView(EventsPageMixin, KeptPagesMixin, ListView):
    template_name = "pages/event_list.html"
    context_object_name = "events"
    paginate_by = 10

    def get_queryset(self):
        return summary_only(Event.objects.published().past())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Past events", past=True, **kwargs)


class EventDetailView(PreviewMixin, CommentsMixin, DetailView):
    model = Event
    context_object_name = "event"

    def get_queryset(self):
        return self.visible()

    def get_context_data(self, **kwargs):
        return super().get_context_data(regions=_regions_of(self.object), **kwargs)


def event_or_page(request, slug):
    """/events/<slug>/: an event, or a page filed under the Events page, whose
    address predates events (Event.clean keeps the two apart)."""
    if Event.objects.filter(slug=slug).exists():
        return EventDetailView.as_view()(request, slug=slug)
    return PageDetailView.as_view()(request, path=f"events/{slug}")


def event_ics(request, slug):
    """One event to add to a calendar; staff who may view events preview drafts."""
    events = Event.objects.all()
    if not (request.user.is_staff and request.user.has_perm("pages.view_event")):
        events = events.published()
    event = get_object_or_404(events, slug=slug)
    cal = calendar.calendar([event], base_url=canonical_base(request))
    response = calendar.ics_response(cal, filename=f"{event.slug}.ics")
    if not event.is_public:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


def events_calendar(request, region_slug=None):
    """The upcoming events (of one region) as a calendar to subscribe to."""
    events = Event.objects.published().upcoming()
    name = "NIROMP events"
    if region_slug is not None:
        region = get_object_or_404(Region, slug=region_slug)
        events = events.filter(regions=region)
        name = f"NIROMP events: {region.name}"
    cal = calendar.calendar(events, base_url=canonical_base(request), name=name)
    return calendar.ics_response(cal)


class RegionListView(ListView):
    model = Region
    context_object_name = "regions"
    template_name = "pages/region_list.html"

    def get_queryset(self):
        return _regions()


@memoised
def _regions() -> list[Region]:
    return list(Region.objects.all())


# How many past events and news items a region's page lists.
REGION_RECENT = 10


class RegionDetailView(DetailView):
    model = Region
    context_object_name = "region"

    def get_object(self, queryset=None):
        return _region(self.kwargs["slug"]) or _not_found()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**_region_lists(self.object), **kwargs)


@memoised
def _region(slug: str) -> Region | None:
    return Region.objects.filter(slug=slug).first()


@memoised
def _region_lists(region: Region) -> dict:
    """A region's upcoming and recent events and its latest news."""
    events = summary_only(Event.objects.published().filter(regions=region))
    news = Article.objects.published().filter(regions=region)
    return {
        "upcoming_events": list(events.upcoming()),
        "past_events": list(events.past()[:REGION_RECENT]),
        "articles": list(news[:REGION_RECENT]),
    }


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain"


# Served types: PDFs open in the browser; anything else is downloaded.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".rtf": "application/rtf",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


def document_download(request, slug):
    """An uploaded document with its own name and the right type (a PDF opens
    in the browser, anything else downloads); a document published elsewhere
    redirects there. The public gets only what is public (Document.is_public);
    staff who may view documents preview the rest, never cached."""
    document = get_object_or_404(Document, slug=slug)
    preview = not document.is_public
    if preview and not (request.user.is_staff and request.user.has_perm("pages.view_document")):
        raise Http404("No document at this address.")
    response = _document_response(document)
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


def _document_response(document):
    if document.file:
        name = PurePath(document.file.name).name
        suffix = PurePath(name).suffix.lower()
        response = FileResponse(
            document.file.open("rb"),
            filename=name,
            as_attachment=suffix != ".pdf",
            content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
        )
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
    if document.external_url:
        return redirect(document.external_url)
    raise Http404("This document has no file yet.")
