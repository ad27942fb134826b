from django.contrib import admin


class NirompAdminSite(admin.AdminSite):
    site_header = "NIROMP site administration"
    site_title = "NIROMP admin"
    index_title = "Site administration"

    def index(self, request, extra_context=None):
        """The admin's front page tells moderators how many comments wait for them."""
        from comments.models import Comment

        extra_context = extra_context or {}
        if request.user.has_perm("comments.can_moderate"):
            extra_context["held_comment_count"] = Comment.objects.in_moderation().count()
        return super().index(request, extra_context)
