from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class NirompAdminConfig(AdminConfig):
    default_site = "niromp_site.admin.NirompAdminSite"


class NirompSiteConfig(AppConfig):
    """The site itself as an app (no models), so Django finds the operators'
    commands in niromp_site/management/commands (backup, restore). The admin
    config above is registered under django.contrib.admin's path, not ours."""

    name = "niromp_site"
    verbose_name = "NIROMP site"
