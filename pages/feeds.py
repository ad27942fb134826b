from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from .models import Article


class NewsRssFeed(Feed):
    title = "NIROMP news"
    link = reverse_lazy("pages:news")
    description = (
        "News and press releases from the "
        "National Independent Reviewing Officer Managers Partnership."
    )
    kind = None

    def items(self):
        articles = Article.objects.published()
        if self.kind:
            articles = articles.filter(kind=self.kind)
        return articles[:20]

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
