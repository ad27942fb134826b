"""The moderators' screens: the queue of held comments, and one comment with
its thread and history. Every action goes through comments.services."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince

from niromp_site.content import CONTENT_FIELDS, CONTENT_KINDS, with_targets

from . import services, spam
from .models import (
    QUEUE_ORDER,
    Comment,
    CommentHistory,
    CommentReport,
    Outcome,
    RedactedOriginal,
    SafeguardingCase,
)

# Who may do what beyond moderating (the Safeguarding lead group, and superusers).
READ_ORIGINALS = "comments.view_redactedoriginal"
KEEP_ORIGINALS = "comments.change_redactedoriginal"
RECORD_OUTCOMES = "comments.record_outcome"
SEE_CASES = "comments.view_safeguardingcase"

# The read-only inlines' table, without the empty header cells of Django's own.
READONLY_TABULAR = "admin/comments/readonly_tabular.html"


def case_age(comment) -> str:
    """How long a safeguarding case has been open, in its largest unit ("3 days")."""
    return timesince(comment.flagged_at, depth=1)


class CommentHistoryInline(admin.TabularInline):
    model = CommentHistory
    template = READONLY_TABULAR
    fields = ["at", "from_status", "to_status", "actor", "user", "reason", "outcome", "old_text"]
    readonly_fields = [*fields, "case_note"]
    extra = 0
    can_delete = False
    verbose_name_plural = "History"
    # Folded away: the decision needs the text, not the record of it.
    classes = ["collapse"]

    def get_fields(self, request, obj=None):
        # The lead's notes on a case are for safeguarding leads only.
        if request.user.has_perm(RECORD_OUTCOMES):
            return [*self.fields, "case_note"]
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CommentReportInline(admin.TabularInline):
    """Readers' reports (never who sent them)."""

    model = CommentReport
    template = READONLY_TABULAR
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


class RedactedOriginalInline(admin.TabularInline):
    """The text as it was before a moderator redacted it: for those who may
    read originals only (get_inline_instances leaves it out for others)."""

    model = RedactedOriginal
    template = READONLY_TABULAR
    fields = ["redacted_at", "redacted_by", "text", "retention"]
    readonly_fields = [*fields, "keep_control"]
    extra = 0
    can_delete = False
    verbose_name = "text before redaction"
    verbose_name_plural = "Text before redaction (safeguarding leads only)"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(READ_ORIGINALS)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # kept or let go with the buttons, through the services

    def get_fields(self, request, obj=None):
        if request.user.has_perm(KEEP_ORIGINALS):
            return [*self.fields[:-1], "keep_control"]
        return self.fields

    @admin.display(description="kept until")
    def retention(self, obj):
        if obj.keep:
            return "Kept by the safeguarding lead"
        until = obj.redacted_at + timedelta(days=settings.REDACTED_ORIGINAL_DAYS)
        return f"Deleted after {date_format(timezone.localtime(until), 'j F Y')}"

    @admin.display(description="kept until")
    def keep_control(self, obj):
        button = (
            ("_unkeep_original", "Let it be deleted") if obj.keep else ("_keep_original", "Keep it")
        )
        return format_html(
            '{}<br><button type="submit" name="{}" value="{}">{}</button>',
            self.retention(obj),
            button[0],
            obj.pk,
            button[1],
        )


class CommentAdminForm(forms.ModelForm):
    """The comment's text, and what a moderator may do to it beyond editing:
    remove passages (redaction) and, for the safeguarding lead, record what
    was done about it. Fields a user may not use are left out by
    CommentAdmin.get_fieldsets."""

    redact_spans = forms.MultipleChoiceField(
        label="Words the screen found",
        required=False,
        initial=[],
        widget=forms.CheckboxSelectMultiple,
    )
    redact_phrases = forms.CharField(
        label="Other words to remove",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Exactly as they appear in the comment, one passage a line; every "
        "place they appear is removed (capitals do not matter).",
    )
    case_outcome = forms.ChoiceField(
        label="What was done",
        required=False,
        choices=[("", "— not yet recorded —"), *Outcome.choices],
    )
    case_note = forms.CharField(
        label="Note",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Seen by safeguarding leads only.",
    )

    class Meta:
        model = Comment
        fields = ["body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        body = self.instance.body or ""
        choices = {}
        for start, end, concern in sorted(self.instance.concern_spans or []):
            choices[f"{start}-{end}"] = (
                f"“{body[start:end]}” ({Comment.Concern(concern).label.lower()})"
            )
        self.fields["redact_spans"].choices = list(choices.items())

    def clean(self):
        cleaned = super().clean()
        spans = [
            tuple(int(n) for n in value.split("-")) for value in cleaned.get("redact_spans", [])
        ]
        phrases = (cleaned.get("redact_phrases") or "").splitlines()
        if "_redact" in self.data and not (spans or any(p.strip() for p in phrases)):
            raise forms.ValidationError("Tick or type the words to remove.")
        if spans or any(p.strip() for p in phrases):
            if "body" in self.changed_data:
                raise forms.ValidationError(
                    "Save your change to the text first, then choose the words to remove."
                )
            try:
                services.redaction_spans(self.instance.body, spans=spans, phrases=phrases)
            except services.RedactionError as error:
                raise forms.ValidationError(str(error)) from error
            cleaned["redaction"] = {"spans": spans, "phrases": phrases}
        if cleaned.get("case_note") and not cleaned.get("case_outcome"):
            self.add_error("case_outcome", "Choose what was done, to go with the note.")
        return cleaned


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
    form = CommentAdminForm
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
    # The paginator counts the filtered list only; counting all of a large
    # table again for "(N total)" would cost as much as the page.
    show_full_result_count = False
    # No date_hierarchy: its list of years reads every row on each view (seconds
    # at 100,000 comments on SQLite); the "submitted at" filter narrows by date.
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

    def get_ordering(self, request):
        """The held queue: what the safeguarding screen flagged first, then
        oldest first (Comment.Meta's comment_queue_order index). Any other
        list: oldest first, along the status and date indexes."""
        status = request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
        if status == StatusFilter.default:
            return [QUEUE_ORDER, "submitted_at", "pk"]
        return ["submitted_at", "pk"]

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
            # The page, not the comment: finding which page of its thread shows
            # the comment costs a query, and the list must not cost one a row.
            obj.target.get_absolute_url(),
            obj.target,
            when,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "akismet_configured": spam.is_configured()}
        response = super().changelist_view(request, extra_context)
        # The held queue (the default view) says how many are waiting: the
        # count the list has made already (searching or filtering narrows it).
        context = getattr(response, "context_data", None)
        held_view = (
            request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
            == StatusFilter.default
        )
        if context and "cl" in context and held_view:
            context["title"] = f"Comments awaiting moderation ({context['cl'].result_count})"
        return response

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
            return self._with_safeguarding(request, obj, list(fieldsets))
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
        return self._with_safeguarding(request, obj, reading)

    def _next_held(self, obj):
        """The next comment in the queue's own order, not this one."""
        return (
            Comment.objects.in_moderation()
            .exclude(pk=obj.pk)
            .order_by(QUEUE_ORDER, "submitted_at", "pk")
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
        return [*fields, "case_status"]

    def _with_safeguarding(self, request, obj, fieldsets):
        if obj is None:
            return fieldsets
        if self.has_moderate_permission(request):
            # Checkboxes for what the screen found, when it found anything.
            redaction = ["redact_spans"] if obj.concern_spans else []
            fieldsets.insert(
                1,
                (
                    "Remove words before publishing",
                    {
                        "fields": [*redaction, "redact_phrases"],
                        "description": "Tick the words to remove, or type them below; readers "
                        "see “[removed]” in their place. The text as it was is kept for the "
                        "safeguarding lead only, and deleted after "
                        f"{settings.REDACTED_ORIGINAL_DAYS} days unless they keep it.",
                    },
                ),
            )
        if obj.flagged_at and request.user.has_perm(RECORD_OUTCOMES):
            fieldsets.insert(
                1,
                (
                    "Safeguarding case",
                    {"fields": ["case_status", "case_outcome", "case_note"]},
                ),
            )
        return fieldsets

    @admin.display(description="case")
    def case_status(self, obj):
        concerns = "; ".join(obj.case_concern_labels).lower()
        outcome = obj.history.exclude(outcome="").order_by("at", "pk").first()
        if outcome is None:
            return f"Open for {case_age(obj)}: {concerns}."
        return (
            f"Closed: {outcome.get_outcome_display().lower()}, "
            f"{date_format(timezone.localtime(outcome.at), 'j F Y')} ({concerns})."
        )

    def save_model(self, request, obj, form, change):
        # The text is the only editable field; the edit goes into the history.
        if "body" in form.changed_data:
            services.edit_text(comment=obj, moderator=request.user, body=obj.body)
        try:
            redaction = form.cleaned_data.get("redaction")
            if redaction and self.has_moderate_permission(request):
                # Refused if the text changed since the form was checked.
                services.redact(comment=obj, moderator=request.user, **redaction)
                self.message_user(
                    request, "The chosen words were replaced with “[removed]”.", messages.SUCCESS
                )
            outcome = form.cleaned_data.get("case_outcome")
            if outcome and request.user.has_perm(RECORD_OUTCOMES):
                services.record_outcome(
                    comment=obj,
                    lead=request.user,
                    outcome=outcome,
                    note=form.cleaned_data.get("case_note", ""),
                )
                self.message_user(request, "The outcome was recorded.", messages.SUCCESS)
        except services.ModerationError as error:
            self.message_user(request, str(error), messages.ERROR)
            obj.refused = True  # response_change stays on the comment, doing nothing more

    def get_inlines(self, request, obj):
        # Readers' reports, above the history, only when there are any; the
        # text before a redaction for those who may read it.
        inlines = list(self.inlines)
        if obj is not None and obj.redacted_originals.exists():
            inlines.insert(0, RedactedOriginalInline)
        if obj is not None and obj.reports.exists():
            inlines.insert(0, CommentReportInline)
        return inlines

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        obj = context.get("original")
        # Rejecting a comment with published replies asks what becomes of them.
        context["published_replies"] = (
            obj.replies.filter(status=Comment.Status.PUBLISHED).count() if obj else 0
        )
        context["editing_text"] = self._editing_text(request)
        return super().render_change_form(request, context, add, change, **kwargs)

    def response_change(self, request, obj):
        if getattr(obj, "refused", False) or "_redact" in request.POST:
            return HttpResponseRedirect(request.path)
        for button, keep in [("_keep_original", True), ("_unkeep_original", False)]:
            if button in request.POST:
                return self._keep_original(request, obj, request.POST[button], keep=keep)
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

    def _keep_original(self, request, obj, original_id, *, keep):
        if not request.user.has_perm(KEEP_ORIGINALS):
            raise PermissionDenied
        original = obj.redacted_originals.filter(pk=original_id if original_id.isdigit() else 0)
        if not original:
            self.message_user(request, "That text is no longer kept.", messages.ERROR)
        else:
            services.keep_original(original=original[0], lead=request.user, keep=keep)
            done = "is kept" if keep else "will be deleted after the retention period"
            self.message_user(request, f"The text before redaction {done}.", messages.SUCCESS)
        return HttpResponseRedirect(request.path)

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


class CaseFilter(admin.SimpleListFilter):
    """Open cases unless closed ones (or all) are asked for."""

    title = "case"
    parameter_name = "case"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("closed", "Closed"), ("all", "All")]

    def value(self):
        return super().value() or "open"

    def queryset(self, request, queryset):
        open_cases = queryset.open_cases()
        if self.value() == "closed":
            return queryset.exclude(pk__in=open_cases.values("pk"))
        if self.value() == "all":
            return queryset
        return open_cases

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(SafeguardingCase)
class SafeguardingCaseAdmin(admin.ModelAdmin):
    """The safeguarding lead's list of cases: every comment the screen has
    flagged, open ones (no outcome recorded) oldest first, each linking to the
    comment's own page, where the lead reads it and records what was done.
    A list only: there is nothing to add, change or delete here, and a case's
    own address leads to its comment."""

    list_display = ["case", "open_for", "case_concerns", "outcome", "comment_status", "on_page"]
    list_display_links = None
    list_filter = [CaseFilter]
    ordering = ["flagged_at", "pk"]
    actions = None

    def get_queryset(self, request):
        first_outcome = (
            CommentHistory.objects.filter(comment=OuterRef("pk"))
            .exclude(outcome="")
            .order_by("at", "pk")
        )
        cases = (
            super()
            .get_queryset(request)
            .annotate(
                closed_at=Subquery(first_outcome.values("at")[:1]),
                first_outcome=Subquery(first_outcome.values("outcome")[:1]),
            )
        )
        return with_targets(cases)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A case is read and recorded on its comment's own page.
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return HttpResponseRedirect(reverse("admin:comments_comment_change", args=[obj.pk]))

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(SEE_CASES)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="comment")
    def case(self, obj):
        return format_html(
            '<a href="{}">Comment {} by {}</a>',
            reverse("admin:comments_comment_change", args=[obj.pk]),
            obj.pk,
            obj.author_name,
        )

    @admin.display(description="open for", ordering="flagged_at")
    def open_for(self, obj):
        return "closed" if obj.closed_at else case_age(obj)

    @admin.display(description="what was done")
    def outcome(self, obj):
        if not obj.first_outcome:
            return "—"
        when = date_format(timezone.localtime(obj.closed_at), "j F Y")
        return f"{Outcome(obj.first_outcome).label} ({when})"

    @admin.display(description="concerns")
    def case_concerns(self, obj):
        return "; ".join(obj.case_concern_labels)

    @admin.display(description="comment is", ordering="status")
    def comment_status(self, obj):
        return obj.get_status_display()

    @admin.display(description="on")
    def on_page(self, obj):
        return str(obj.target)


# The contact form's messages have their own screen.
from . import contact_admin  # noqa: E402, F401
