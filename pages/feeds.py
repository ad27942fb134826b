from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import http_date

from niromp_site.memo import kept, memoised

from .models import Article

# What a feed says of an article (never its body, tens of kilobytes each).
FEED_FIELDS = ("title", "slug", "kind", "summary", "description", "byline")
FEED_FIELDS += ("publish_at", "updated_at", "status")


class NewsRssFeed(Feed):
    title = "NIROMP news"
    link = reverse_lazy("pages:news")
    description = (
        "News and press releases from the "
        "National Independent Reviewing Officer Managers Partnership."
    )
    kind = None

    def __call__(self, request, *args, **kwargs):
        """As Django's Feed answers, with the feed's entries worked out once per
        content version (the content memo) and the XML written in one piece,
        not in some 700 writes to the response."""
        key = ("feed", type(self), request.is_secure(), request.get_host(), request.path)
        feed = kept(key, lambda: self.get_feed(None, request))
        response = HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)
        response.headers["Last-Modified"] = http_date(feed.latest_post_date().timestamp())
        return response

    def items(self):
        return _latest(self.kind)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or item.description

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or None


class NewsAtomFeed(NewsRssFeed):
    feed_type = Atom1Feed
    subtitle = NewsRssFeed.description


class PressRssFeed(NewsRssFeed):
    title = "NIROMP press releases"
    link = reverse_lazy("pages:press_releases")
    description = (
        "Press releases from the National Independent Reviewing Officer Managers Partnership."
    )
    kind = Article.Kind.PRESS_RELEASE


class PressAtomFeed(PressRssFeed):
    feed_type = Atom1Feed
    subtitle = PressRssFeed.description


@memoised
def _latest(kind) -> list[Article]:
    """The 20 latest published articles (of one kind)."""
    articles = Article.objects.published().only(*FEED_FIELDS)
    if kind:
        articles = articles.filter(kind=kind)
    return list(articles[:20])
