from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Event, Page, Region


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        published = Page.objects.published().for_address()
        return [page for page in published if page.is_public]

    def lastmod(self, item):
        return item.updated_at


class ArticleSitemap(Sitemap):
    changefreq = "yearly"

    def items(self):
        return Article.objects.published()

    def lastmod(self, item):
        return item.updated_at


class EventSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Event.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class RegionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Region.objects.all()

    def lastmod(self, item):
        return item.updated_at


class NewsListSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["pages:news", "pages:press_releases", "pages:past_events", "pages:regions"]

    def location(self, item):
        return reverse(item)


sitemaps = {
    "pages": PageSitemap,
    "news": NewsListSitemap,
    "articles": ArticleSitemap,
    "events": EventSitemap,
    "regions": RegionSitemap,
}
