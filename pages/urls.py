from django.urls import path
from django.views.generic import RedirectView

from . import feeds, views
from .models import Article

app_name = "pages"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("home/", RedirectView.as_view(pattern_name="pages:home", permanent=True)),
    # The old WordPress site's address for About Us, still linked from elsewhere.
    path(
        "about-us-2/",
        RedirectView.as_view(pattern_name="pages:page", permanent=True),
        {"path": "about-us"},
    ),
    path("news/", views.ArticleListView.as_view(), name="news"),
    path(
        "news/press-releases/",
        views.ArticleListView.as_view(kind=Article.Kind.PRESS_RELEASE),
        name="press_releases",
    ),
    path("news/feed/", feeds.NewsAtomFeed(), name="news_feed"),
    path("news/feed/rss/", feeds.NewsRssFeed(), name="news_feed_rss"),
    path("news/press-releases/feed/", feeds.PressAtomFeed(), name="press_feed"),
    path("news/press-releases/feed/rss/", feeds.PressRssFeed(), name="press_feed_rss"),
    path("news/<slug:slug>/", views.ArticleDetailView.as_view(), name="article"),
    path("events/", views.UpcomingEventsView.as_view(), name="events"),
    path("events/past/", views.PastEventsView.as_view(), name="past_events"),
    path("events/calendar.ics", views.events_calendar, name="events_calendar"),
    path("events/<slug:slug>.ics", views.event_ics, name="event_ics"),
    path("events/<slug:slug>/", views.event_or_page, name="event"),
    path("regions/", views.RegionListView.as_view(), name="regions"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region"),
    path(
        "regions/<slug:region_slug>/calendar.ics",
        views.events_calendar,
        name="region_calendar",
    ),
    path("documents/<slug:slug>/", views.document_download, name="document"),
    path("<path:path>/", views.PageDetailView.as_view(), name="page"),
]
