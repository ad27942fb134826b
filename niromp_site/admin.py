import functools

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path


@functools.cache
def with_bounded_dates(changelist_class):
    """`changelist_class`, whose date hierarchy treats a date Python cannot
    reach (?submitted_at__year=9999&…__day=31: the day after is year 10000) as
    any other bad filter: Django's admin drops it (302 to the plain list)
    rather than failing with OverflowError or ValueError (500)."""

    class BoundedDatesChangeList(changelist_class):
        def get_filters(self, request):
            try:
                return super().get_filters(request)
            except (OverflowError, ValueError) as error:
                raise IncorrectLookupParameters(error) from error

    return BoundedDatesChangeList


class BoundedDatesMixin:
    def get_changelist(self, request, **kwargs):
        return with_bounded_dates(super().get_changelist(request, **kwargs))


class NirompAdminSite(admin.AdminSite):
    site_header = "NIROMP site administration"
    site_title = "NIROMP admin"
    index_title = "Site administration"

    def register(self, model_or_iterable, admin_class=None, **options):
        """Every model admin, ours and the libraries', gets the bounded date
        hierarchy: one place, so no date_hierarchy can be added without it."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, BoundedDatesMixin):
            admin_class = type(
                admin_class.__name__,
                (BoundedDatesMixin, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self):
        # Ahead of the admin's own /r/ ("view on site"), which sends any staff
        # user to any item's address, a draft's included.
        return [
            path(
                "r/<path:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *super().get_urls(),
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """The item's address, for those who may view the item in the admin."""
        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404("No such item.") from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = model_admin.get_object(request, object_id)
        if obj is None:
            raise Http404("No such item.")
        if not model_admin.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return shortcut(request, content_type_id, object_id)
