from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class NirompAdminConfig(AdminConfig):
    default_site = "niromp_site.admin.NirompAdminSite"


class NirompSiteConfig(AppConfig):
    """The site itself as an app, so Django finds the operators' commands in
    niromp_site/management/commands (backup, restore); its one model is the
    page cache's content version (models.py). The admin
    config above is registered under django.contrib.admin's path, not ours."""

    name = "niromp_site"
    verbose_name = "NIROMP site"

    def ready(self):
        # The page cache's version counts every write of public content.
        from .pagecache import connect_signals

        connect_signals()
