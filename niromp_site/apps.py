from django.contrib.admin.apps import AdminConfig


class NirompAdminConfig(AdminConfig):
    default_site = "niromp_site.admin.NirompAdminSite"
