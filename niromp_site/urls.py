from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from comments.contact_views import ContactSentView, ContactView
from niromp_site.views import healthz
from pages.sitemaps import sitemap
from pages.views import RobotsView

# The site's own 400 page, which never reads the request again (see errors.py).
handler400 = "niromp_site.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, name="sitemap"),
    # Before pages.urls, so a page can never take the address.
    path("healthz", healthz, name="healthz"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg"), permanent=True)),
    path("comments/", include("comments.urls")),
    # The contact form (a section of the Contact Us page posts here).
    path("contact/send/", ContactView.as_view(), name="contact"),
    path("contact/sent/", ContactSentView.as_view(), name="contact_sent"),
    path("search/", include("search.urls")),
    path("", include("pages.urls")),
]
