"""The contact messages, for the people who answer them (Moderators) and the
Safeguarding leads: read, then mark answered, closed, spam or not spam. Newest
unanswered first; nothing here publishes a message, adds or deletes one."""

from django.contrib import admin, messages
from django.db.models import Case, Value, When
from django.utils.html import format_html
from django.utils.text import Truncator

from . import contact
from .models import ContactMessage

Status = ContactMessage.Status


class ConcernFilter(admin.SimpleListFilter):
    title = "safeguarding"
    parameter_name = "concern"

    def lookups(self, request, model_admin):
        return [("any", "Flagged"), *ContactMessage.Concern.choices]

    def queryset(self, request, queryset):
        if self.value() == "any":
            return queryset.exclude(concerns="")
        if self.value() in ContactMessage.Concern.values:
            return queryset.filter(concerns__contains=self.value())
        return queryset


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = [
        "submitted_at",
        "name",
        "subject_or_excerpt",
        "status",
        "verdict_label",
        "concerns_label",
    ]
    list_display_links = ["submitted_at", "name", "subject_or_excerpt"]
    list_filter = ["status", "verdict", ConcernFilter, "submitted_at"]
    search_fields = ["name", "email", "subject", "message"]
    date_hierarchy = "submitted_at"
    list_per_page = 100
    # New ones first (flagged ones at their head), newest first.
    ordering = [
        Case(When(status=Status.NEW, then=Value(0)), default=Value(1)),
        Case(When(concerns="", then=Value(1)), default=Value(0)),
        "-submitted_at",
        "-pk",
    ]
    actions = ["mark_answered", "close", "mark_spam", "mark_not_spam"]
    fieldsets = [
        (None, {"fields": ["concerns_label", "subject", "message"]}),
        ("From", {"fields": ["name", "email", "submitted_at"]}),
        (
            "Status",
            {
                "fields": [
                    "status",
                    "handled_by",
                    "handled_at",
                    "verdict",
                    "verdict_reason",
                    "checked_at",
                    "notified_at",
                ]
            },
        ),
        ("For the spam check", {"fields": ["ip_address", "user_agent", "referrer"]}),
    ]
    # A record of what was sent: changed only by the actions.
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]]
    change_form_template = "admin/comments/contactmessage/change_form.html"

    @admin.display(description="subject")
    def subject_or_excerpt(self, obj):
        return obj.subject or Truncator(obj.message).chars(80)

    @admin.display(description="spam check", ordering="verdict")
    def verdict_label(self, obj):
        return obj.get_verdict_display()

    @admin.display(description="safeguarding")
    def concerns_label(self, obj):
        if not obj.is_flagged:
            return ""
        return format_html(
            '<strong class="concern">Read first: {}</strong>', "; ".join(obj.concern_labels)
        )

    def has_add_permission(self, request):
        return False  # messages come from the contact form only

    def has_delete_permission(self, request, obj=None):
        return False  # spam is purged by purge_comments; a sender's data by commenter_data

    def save_model(self, request, obj, form, change):
        pass  # nothing here is edited; the buttons below act through comments.contact

    def response_change(self, request, obj):
        for button, service, done in [
            ("_answered", contact.mark_answered, "marked answered"),
            ("_closed", contact.close, "closed"),
            ("_spam", contact.mark_spam, "marked as spam"),
        ]:
            if button in request.POST and self.has_change_permission(request, obj):
                service(message=obj, user=request.user)
                self.log_change(request, obj, f"Message {done}.")
                self.message_user(request, f"The message was {done}.", messages.SUCCESS)
                return super().response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def _act(self, request, queryset, service, done):
        for message in queryset:
            service(message=message, user=request.user)
            self.log_change(request, message, f"Message {done}.")
        self.message_user(request, f"{queryset.count()} message(s) {done}.", messages.SUCCESS)

    @admin.action(description="Mark answered", permissions=["change"])
    def mark_answered(self, request, queryset):
        self._act(request, queryset, contact.mark_answered, "marked answered")

    @admin.action(description="Close without an answer", permissions=["change"])
    def close(self, request, queryset):
        self._act(request, queryset, contact.close, "closed")

    @admin.action(description="Mark as spam (reported to Akismet)", permissions=["change"])
    def mark_spam(self, request, queryset):
        self._act(request, queryset, contact.mark_spam, "marked as spam")

    @admin.action(description="Not spam: back to new (reported to Akismet)", permissions=["change"])
    def mark_not_spam(self, request, queryset):
        self._act(request, queryset, contact.mark_not_spam, "marked as not spam")
