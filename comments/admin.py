from django.contrib import admin, messages
from django.utils.text import Truncator

from . import services
from .models import Comment, CommentHistory


class CommentHistoryInline(admin.TabularInline):
    model = CommentHistory
    fields = ["at", "from_status", "to_status", "actor", "user", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = [
        "excerpt",
        "author_name",
        "author_email",
        "target",
        "status",
        "verdict",
        "submitted_at",
    ]
    list_filter = ["status", "verdict"]
    search_fields = ["author_name", "author_email", "body"]
    list_select_related = ["page", "article"]
    ordering = ["submitted_at"]
    readonly_fields = [
        "page",
        "article",
        "parent",
        "status",
        "verdict",
        "verdict_reason",
        "submitted_at",
        "ip_address",
        "user_agent",
        "referrer",
        "permalink",
        "checked_at",
        "check_attempts",
        "notified_at",
        "source",
        "kind",
    ]
    inlines = [CommentHistoryInline]
    actions = ["approve", "reject", "mark_spam", "mark_not_spam"]

    @admin.display(description="comment")
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def _act(self, request, queryset, service, done):
        count = 0
        for comment in queryset:
            try:
                service(comment=comment, moderator=request.user)
                count += 1
            except services.ModerationError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, f"{count} comment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve (publish)", permissions=["moderate"])
    def approve(self, request, queryset):
        self._act(request, queryset, services.approve, "approved")

    @admin.action(description="Reject", permissions=["moderate"])
    def reject(self, request, queryset):
        self._act(request, queryset, services.reject, "rejected")

    @admin.action(description="Mark as spam (tells Akismet)", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._act(request, queryset, services.mark_spam, "marked as spam")

    @admin.action(description="Not spam: hold for review (tells Akismet)", permissions=["moderate"])
    def mark_not_spam(self, request, queryset):
        self._act(request, queryset, services.mark_not_spam, "marked as not spam")
