from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path


class NirompAdminSite(admin.AdminSite):
    site_header = "NIROMP site administration"
    site_title = "NIROMP admin"
    index_title = "Site administration"

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

    def index(self, request, extra_context=None):
        """The admin's front page tells moderators how many comments wait for them."""
        from comments.models import Comment

        extra_context = extra_context or {}
        if request.user.has_perm("comments.can_moderate"):
            extra_context["held_comment_count"] = Comment.objects.in_moderation().count()
        return super().index(request, extra_context)
