"""The moderators' screens: the queue of held comments, and one comment with
its thread and history. Every action goes through comments.services."""

from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field
from django.db.models import Case, Value, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from niromp_site.content import CONTENT_FIELDS, CONTENT_KINDS, with_targets

from . import services, spam
from .models import Comment, CommentHistory, CommentReport


class CommentHistoryInline(admin.TabularInline):
    model = CommentHistory
    fields = ["at", "from_status", "to_status", "actor", "user", "reason", "old_text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "History"
    # Folded away: the decision needs the text, not the record of it.
    classes = ["collapse"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentReportInline(admin.TabularInline):
    """Readers' reports (never who sent them)."""

    model = CommentReport
    fields = ["created_at", "reason", "details", "resolved_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Reports from readers"

    def has_view_permission(self, request, obj=None):
        # Part of the comment: whoever may see the comment sees its reports.
        return request.user.has_perm("comments.view_comment")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReportedFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "Reported, not yet decided")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(
                reports__resolved_at__isnull=True, reports__isnull=False
            ).distinct()
        return queryset


class StatusFilter(admin.SimpleListFilter):
    """Status, showing the held queue unless another status (or All) is chosen."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.HELD

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", "All")]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class ConcernFilter(admin.SimpleListFilter):
    title = "safeguarding"
    parameter_name = "concern"

    def lookups(self, request, model_admin):
        return [("any", "Flagged"), *Comment.Concern.choices]

    def queryset(self, request, queryset):
        if self.value() == "any":
            return queryset.flagged()
        if self.value() in Comment.Concern.values:
            return queryset.filter(concerns__contains=self.value())
        return queryset


class TargetTypeFilter(admin.SimpleListFilter):
    title = "on"
    parameter_name = "on"

    def lookups(self, request, model_admin):
        return [(kind.field, kind.plural) for kind in CONTENT_KINDS]

    def queryset(self, request, queryset):
        if self.value() in CONTENT_FIELDS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # The e-mail address is searchable but not shown: the queue is for reading.
    list_display = ["concerns_label", "excerpt", "status_label", "author_name"]
    # The excerpt links to the comment itself (a page link sits beneath it).
    list_display_links = None
    list_filter = [
        StatusFilter,
        "verdict",
        TargetTypeFilter,
        ConcernFilter,
        ReportedFilter,
        "submitted_at",
    ]
    search_fields = ["author_name", "author_email", "body"]
    list_per_page = 100
    # What the safeguarding screen flagged first, then oldest first.
    ordering = [
        Case(When(concerns="", then=Value(1)), default=Value(0)),
        "submitted_at",
        "pk",
    ]
    date_hierarchy = "submitted_at"
    actions = [
        "approve",
        "reject",
        "reject_keep_replies",
        "reject_hold_replies",
        "mark_spam",
        "mark_not_spam",
        "recheck",
    ]
    inlines = [CommentHistoryInline]
    fieldsets = [
        (None, {"fields": ["thread", "screening", "body"]}),
        (
            "Status",
            {"fields": ["status", "verdict", "verdict_reason", "checked_at", "notified_at"]},
        ),
        (
            "Who wrote it",
            {
                "fields": [
                    "author_name",
                    "author_email",
                    "author_url",
                    "submitted_at",
                    "ip_address",
                    "user_agent",
                    "referrer",
                    "source",
                ],
                # Personal data, folded away until a moderator needs it.
                "classes": ["collapse"],
            },
        ),
    ]
    # Everything but the text is a record of what happened, not for editing.
    readonly_fields = [
        *(name for _, options in fieldsets for name in options["fields"] if name != "body"),
        "comment_text",
    ]
    change_form_template = "admin/comments/comment/change_form.html"

    # The queue ---------------------------------------------------------------

    def get_queryset(self, request):
        # Each row links to its page: load the pages and their sections at once.
        return with_targets(super().get_queryset(request))

    @admin.display(description="safeguarding")
    def concerns_label(self, obj):
        if not obj.is_flagged:
            return ""
        labels = obj.concern_labels
        return format_html('<strong class="concern">Read first: {}</strong>', "; ".join(labels))

    @admin.display(description="status", ordering="status")
    def status_label(self, obj):
        """State and spam check in one label: "Held · not checked", "Spam"."""
        if obj.status != Comment.Status.HELD:
            return obj.get_status_display()
        label = f"Held · {obj.get_verdict_display().lower()}"
        # Why it was not checked, unless the banner above the list says it once.
        if obj.verdict == Comment.Verdict.UNCHECKED and obj.verdict_reason and spam.is_configured():
            return format_html(
                "{}<br><small>{}</small>", label, Truncator(obj.verdict_reason).chars(80)
            )
        return label

    @admin.display(description="comment")
    def excerpt(self, obj):
        """The start of the text, linking to the comment, its page and time beneath."""
        pingback = obj.kind == Comment.Kind.PINGBACK
        text = "(pingback)" if pingback else Truncator(obj.body).chars(300)
        when = display_for_field(obj.submitted_at, Comment._meta.get_field("submitted_at"), "")
        return format_html(
            '<a class="queue-excerpt" href="{}">{}</a>'
            '<span class="queue-meta">on <a href="{}">{}</a> · {}</span>',
            reverse("admin:comments_comment_change", args=[obj.pk]),
            text,
            obj.get_absolute_url(),
            obj.target,
            when,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = extra_context or {}
        # The held queue (the default view) says how many are waiting.
        if (
            request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
            == StatusFilter.default
        ):
            held = Comment.objects.in_moderation().count()
            extra_context.setdefault("title", f"Comments awaiting moderation ({held})")
        extra_context["akismet_configured"] = spam.is_configured()
        return super().changelist_view(request, extra_context)

    # One comment -------------------------------------------------------------

    @admin.display(description="safeguarding screen")
    def screening(self, obj):
        """What the screen found, marked in the text, so the moderator sees why."""
        if not obj.is_flagged:
            return "Nothing found."
        labels = "; ".join(obj.concern_labels)
        pieces, at = [], 0
        for start, end, concern in sorted(obj.concern_spans):
            if start < at:
                continue
            pieces.append(escape(obj.body[at:start]))
            pieces.append(
                format_html(
                    '<mark title="{}">{}</mark>',
                    Comment.Concern(concern).label,
                    obj.body[start:end],
                )
            )
            at = end
        pieces.append(escape(obj.body[at:]))
        return format_html(
            '<p><strong class="concern">{}</strong></p><div class="screened-text">{}</div>',
            labels,
            mark_safe("".join(str(piece) for piece in pieces)),  # noqa: S308 (each piece escaped)
        )

    @admin.display(description="in reply to")
    def thread(self, obj):
        """The comments this one replies to, nearest last, with their status."""
        chain = []
        parent = obj.parent
        while parent is not None and len(chain) < 10:
            chain.append(parent)
            parent = parent.parent
        if not chain:
            return "— (a new comment, not a reply)"
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}): {}</li>',
            (
                (
                    reverse("admin:comments_comment_change", args=[parent.pk]),
                    parent.author_name,
                    parent.get_status_display(),
                    Truncator(parent.body).chars(300),
                )
                for parent in reversed(chain)
            ),
        )
        return format_html("<ol>{}</ol>", items)

    # Reading and deciding one comment ----------------------------------------

    EDIT_TEXT = "text"  # ?edit=text: the text becomes an editable box

    def _editing_text(self, request) -> bool:
        """Only on the deliberate "Edit text" address may a moderator change the
        text, so a stray keystroke on the comment's page is never saved."""
        return request.GET.get("edit") == self.EDIT_TEXT and self.has_moderate_permission(request)

    @admin.display(description="comment")
    def comment_text(self, obj):
        """The whole text, read-only (marked where the screen flagged it), with
        who wrote it where and when."""
        when = display_for_field(obj.submitted_at, Comment._meta.get_field("submitted_at"), "")
        if obj.is_flagged:
            text = self.screening(obj)
        else:
            text = format_html('<div class="comment-text">{}</div>', obj.body)
        return format_html(
            '<p class="comment-byline">{} on <a href="{}">{}</a>, {}</p>{}',
            obj.author_name,
            obj.get_absolute_url(),
            obj.target,
            when,
            text,
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._editing_text(request):
            return fieldsets
        # Reading: the text once, read-only, in place of the box (and of the
        # screen's marked copy, which comment_text shows).
        reading = []
        for name, options in fieldsets:
            fields = []
            for field in options["fields"]:
                if field == "body":
                    fields.append("comment_text")
                elif field != "screening":
                    fields.append(field)
            reading.append((name, {**options, "fields": fields}))
        return reading

    def _next_held(self, obj):
        """The next comment in the queue's own order, not this one."""
        return (
            Comment.objects.in_moderation()
            .exclude(pk=obj.pk)
            .order_by(*self.ordering)
            .values_list("pk", flat=True)
            .first()
        )

    def _after_decision(self, request, obj, button):
        if button == "_not_spam":
            return HttpResponseRedirect(request.path)  # now held: approve or reject it here
        next_pk = self._next_held(obj)
        if next_pk is None:
            self.message_user(request, "No more comments awaiting moderation.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:comments_comment_changelist"))
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[next_pk]))

    def has_add_permission(self, request):
        return False  # comments come from readers only

    def has_delete_permission(self, request, obj=None):
        return False  # rejected and spam comments are purged by purge_comments

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.can_moderate")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self._editing_text(request):
            fields.append("body")  # only a moderator's "Edit text" opens the box
        return fields

    def save_model(self, request, obj, form, change):
        # The text is the only editable field; the edit goes into the history.
        if "body" in form.changed_data:
            services.edit_text(comment=obj, moderator=request.user, body=obj.body)

    def get_inlines(self, request, obj):
        # Readers' reports, above the history, only when there are any.
        if obj is not None and obj.reports.exists():
            return [CommentReportInline, *self.inlines]
        return self.inlines

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        # Rejecting a comment with published replies asks what becomes of them.
        context["published_replies"] = (
            obj.replies.filter(status=Comment.Status.PUBLISHED).count() if obj else 0
        )
        context["editing_text"] = self._editing_text(request)
        return super().render_change_form(request, context, add, change, **kwargs)

    def response_change(self, request, obj):
        keep, hold = services.KEEP_REPLIES, services.HOLD_REPLIES
        for button, service, done, options in [
            # The moderator has the comment open in front of them.
            ("_approve", services.approve, "approved and published", {"read": True}),
            ("_reject", services.reject, "rejected", {}),
            ("_reject_keep", services.reject, "rejected; its replies stay", {"replies": keep}),
            ("_reject_hold", services.reject, "rejected; its replies are held", {"replies": hold}),
            ("_spam", services.mark_spam, "marked as spam", {}),
            ("_not_spam", services.mark_not_spam, "marked as not spam and held", {}),
        ]:
            if button in request.POST and self.has_moderate_permission(request):
                try:
                    service(comment=obj, moderator=request.user, **options)
                except services.ModerationError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    return HttpResponseRedirect(request.path)
                self.message_user(request, f"The comment was {done}.", messages.SUCCESS)
                return self._after_decision(request, obj, button)
        return super().response_change(request, obj)

    # Actions on many ---------------------------------------------------------

    def _act(self, request, queryset, service, done, **kwargs):
        count = 0
        for comment in queryset.order_by("depth", "submitted_at"):
            try:
                service(comment=comment, moderator=request.user, **kwargs)
                count += 1
            except services.ModerationError as error:
                self.message_user(request, str(error), messages.WARNING)
        if count:
            self.message_user(request, f"{count} comment(s) {done}.", messages.SUCCESS)

    @admin.action(description="Approve: publish on the site", permissions=["moderate"])
    def approve(self, request, queryset):
        self._act(request, queryset, services.approve, "approved and published")

    @admin.action(description="Reject", permissions=["moderate"])
    def reject(self, request, queryset):
        self._act(request, queryset, services.reject, "rejected")

    @admin.action(
        description="Reject, keeping published replies under “[removed]”",
        permissions=["moderate"],
    )
    def reject_keep_replies(self, request, queryset):
        self._act(request, queryset, services.reject, "rejected", replies=services.KEEP_REPLIES)

    @admin.action(description="Reject, and hold their published replies", permissions=["moderate"])
    def reject_hold_replies(self, request, queryset):
        self._act(request, queryset, services.reject, "rejected", replies=services.HOLD_REPLIES)

    @admin.action(description="Mark as spam (reported to Akismet)", permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._act(request, queryset, services.mark_spam, "marked as spam")

    @admin.action(
        description="Not spam: hold for approval (reported to Akismet)", permissions=["moderate"]
    )
    def mark_not_spam(self, request, queryset):
        self._act(request, queryset, services.mark_not_spam, "marked as not spam and held")

    @admin.action(description="Check again with Akismet", permissions=["moderate"])
    def recheck(self, request, queryset):
        self._act(request, queryset.filter(status=Comment.Status.HELD), services.recheck, "checked")


# The contact form's messages have their own screen.
from . import contact_admin  # noqa: E402, F401
