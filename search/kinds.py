"""The kinds of content search finds: one SearchKind each, in KINDS.

A kind says what of an item is indexed (its title, ranked above its body),
which items the public may see right now (asked at every search, so a
scheduled item appears when it comes due and an unpublished one disappears
at once, whatever the index holds), and what a result shows. A new kind
(events, regions) is one entry here; `manage.py rebuild_search_index` then
indexes what already exists."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from pages.models import PAGE_MAX_LEVELS, Article, Document, Event, Page, Region, Status


@dataclass(frozen=True)
class SearchKind:
    key: str  # stored in the index beside the item's id; never rename
    number: int  # part of the item's row id in SQLite's index; never reuse
    model: str  # app_label.ModelName
    text: Callable[[Model], tuple[str, str]]  # (title, body) as plain text
    public: Callable[[], QuerySet]  # what the public may see now, with what its address needs
    label: Callable[[Model], str]  # the kind as a result shows it ("Press release")
    date: Callable[[Model], datetime | None] = lambda obj: None
    url: Callable[[Model], str] = lambda obj: obj.get_absolute_url()

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


class _TextParser(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in self.SKIP
        self.parts.append(" ")  # "<p>a</p><p>b</p>" is two words, not "ab"

    def handle_endtag(self, tag):
        self.skipping -= tag in self.SKIP and self.skipping > 0
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The words of editors' rich text, without its markup."""
    parser = _TextParser()
    parser.feed(html or "")
    parser.close()
    return "".join(parser.parts)


def join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def _live(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}publish_at__lte": timezone.now()})


def public_pages() -> QuerySet:
    """Page.is_public as a query: live, and so is every section above it."""
    pages = Page.objects.filter(_live())
    for level in range(1, PAGE_MAX_LEVELS):
        above = "parent__" * level
        pages = pages.filter(Q(**{f"{above[:-2]}__isnull": True}) | _live(above))
    return pages.for_address()


def public_documents() -> QuerySet:
    """Document.is_public as a query (public on its own, or listed on a public
    page), and only those with a file to download."""
    listed = Page.documents.through.objects.filter(page__in=public_pages().values("pk"))
    return Document.objects.filter(
        Q(public_on_its_own=True) | Q(pk__in=listed.values("document_id"))
    ).exclude(file="", external_url="")


KINDS: tuple[SearchKind, ...] = (
    SearchKind(
        key="page",
        number=1,
        model="pages.Page",
        text=lambda page: (page.title, join(page.description, html_text(page.body))),
        public=public_pages,
        label=lambda page: "Page",
    ),
    SearchKind(
        key="article",
        number=2,
        model="pages.Article",
        text=lambda article: (
            article.title,
            join(
                article.summary,
                html_text(article.body),
                html_text(article.notes_to_editors),
                article.description,
            ),
        ),
        public=lambda: Article.objects.published(),
        label=lambda article: article.get_kind_display(),
        date=lambda article: article.publish_at,
    ),
    SearchKind(
        key="document",
        number=3,
        model="pages.Document",
        text=lambda document: (document.title, document.file_type),
        public=public_documents,
        label=lambda document: (
            f"Download ({document.file_type})" if document.file_type else "Download"
        ),
        url=lambda document: document.url,
    ),
    SearchKind(
        key="event",
        number=4,
        model="pages.Event",
        text=lambda event: (
            event.title,
            join(
                event.get_kind_display(), event.location, event.description, html_text(event.body)
            ),
        ),
        public=lambda: Event.objects.published(),
        label=lambda event: event.get_kind_display(),
        date=lambda event: event.start,
    ),
    SearchKind(
        key="region",
        number=5,
        model="pages.Region",
        text=lambda region: (region.name, html_text(region.introduction)),
        public=lambda: Region.objects.all(),
        label=lambda region: "Region",
    ),
)
BY_KEY = {kind.key: kind for kind in KINDS}


def kind_of(obj) -> SearchKind | None:
    label = obj._meta.label
    return next((kind for kind in KINDS if kind.model == label), None)
