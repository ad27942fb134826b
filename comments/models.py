import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from niromp_site.content import exactly_one_content, field_for, points_at_content


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Comment.Status.PUBLISHED)

    def in_moderation(self):
        return self.filter(status=Comment.Status.HELD)

    def flagged(self):
        return self.exclude(concerns="")

    def open_cases(self):
        """Comments the screen has flagged whose safeguarding case has no
        recorded outcome yet, oldest first."""
        closed = CommentHistory.objects.filter(comment=models.OuterRef("pk")).exclude(outcome="")
        return self.filter(flagged_at__isnull=False).exclude(models.Exists(closed))

    def for_target(self, target):
        """Comments on a page or an article."""
        return self.filter(**{field_for(target): target})


# The moderators' queue puts what the safeguarding screen flagged first (see
# comments.admin); an index on the same expression serves it.
QUEUE_ORDER = models.Case(models.When(concerns="", then=models.Value(1)), default=models.Value(0))


class Screened:
    """What the safeguarding screen found in a comment or a contact message
    (`concerns`, comma-separated, read with the model's Concern choices)."""

    @property
    def concern_list(self) -> list[str]:
        return [c for c in self.concerns.split(",") if c]

    @property
    def concern_labels(self) -> list[str]:
        """What the screen found, as moderators read it."""
        return [self.Concern(c).label for c in self.concern_list]

    @property
    def is_flagged(self) -> bool:
        """The screen found something: a person must read it before it is published."""
        return bool(self.concerns)


class NeverOnPublicPages:
    """A record readers never see on a page (a comment's history, reports,
    contact messages, e-mail subscriptions): writing it leaves the shared page
    cache as it is (niromp_site.pagecache asks)."""

    def changes_public_pages(self, *, created: bool) -> bool:
        return False


# PROTECT: deleting content must never delete what readers wrote.
class Comment(Screened, points_at_content(on_delete=models.PROTECT, related_name="comments")):
    """A reader's comment (or an old pingback) on a page or an article.

    Every comment starts held; only a moderator publishes it. Its status and
    spam verdict change only through comments.services, which records each
    change as a CommentHistory row.
    """

    class Status(models.TextChoices):
        HELD = "held", "Held for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        SPAM = "spam", "Spam"

    class Verdict(models.TextChoices):
        UNCHECKED = "unchecked", "Not checked"
        HAM = "ham", "Not spam"
        SPAM = "spam", "Spam"
        DISCARD = "discard", "Blatant spam"

    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"

    class Source(models.TextChoices):
        FORM = "form", "Comment form"
        OLD_SITE = "old-site", "Old site"
        WORDPRESS = "wordpress", "WordPress import"

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
        verbose_name="reply to",
    )
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.FORM)

    author_name = models.CharField("name", max_length=100)
    author_email = models.EmailField("e-mail", blank=True)
    author_url = models.URLField("website", max_length=300, blank=True)
    body = models.TextField("comment", blank=True)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    # What the safeguarding screen found (comments/screening.py): concern names,
    # comma-separated and sorted ("" for none), and where in the text.
    concerns = models.CharField(max_length=100, blank=True, default="")
    concern_spans = models.JSONField(default=list, blank=True)
    # Its safeguarding case: opened when the screen first flags it, and open
    # until the lead records an outcome (a CommentHistory row). Kept as they
    # were, whatever a later edit or redaction leaves in `concerns`.
    flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the safeguarding screen first flagged it."
    )
    flagged_for = models.CharField(
        "flagged for",
        max_length=100,
        blank=True,
        default="",
        help_text="Every concern the screen has found in it, comma-separated.",
    )
    verdict = models.CharField(
        "spam check", max_length=10, choices=Verdict.choices, default=Verdict.UNCHECKED
    )
    verdict_reason = models.CharField(
        "spam check note",
        max_length=300,
        blank=True,
        help_text="Why the comment is unchecked, or who decided.",
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When moderators were e-mailed about it."
    )
    lead_notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the safeguarding leads were e-mailed about its concerns.",
    )

    # What the spam check needs, kept for the retention period only.
    submitted_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.TextField(blank=True)
    referrer = models.TextField(blank=True)
    permalink = models.URLField(max_length=500, blank=True)
    personal_data_removed_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        permissions = [("can_moderate", "Can moderate comments")]
        constraints = [exactly_one_content("comment_on_exactly_one_target")]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["ip_address", "submitted_at"]),
            models.Index(
                "status",
                QUEUE_ORDER,
                "submitted_at",
                "id",
                name="comment_queue_order",
            ),
        ]

    def __str__(self):
        return f"{self.author_name} on {self.target}"

    def get_absolute_url(self):
        """Its address on its page, on the page of the thread that shows it."""
        from .threads import comment_url  # the thread is built from this model

        return comment_url(self)

    class Concern(models.TextChoices):
        DISCLOSURE = "disclosure", "Possible disclosure of harm"
        IDENTIFYING = "identifying", "Identifying details"
        UNSCREENED = "unscreened", "Not screened (the rules could not be read)"

    @property
    def case_concern_labels(self) -> list[str]:
        """What its safeguarding case is about: every concern the screen found."""
        return [self.Concern(c).label for c in self.flagged_for.split(",") if c]

    @property
    def is_pingback(self) -> bool:
        return self.kind == self.Kind.PINGBACK

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    # The page cache (niromp_site.pagecache) asks every saved or deleted row
    # whether readers could see the change. A comment that is not published and
    # was not when it was loaded (a new held one, its spam check, a rejection
    # of a held one) changes no shared page: only its own writer sees it, and
    # they are never served from the cache. So commenting keeps the cache warm.
    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        comment = super().from_db(db, field_names, values, **kwargs)
        comment._status_loaded = comment.__dict__.get("status")
        return comment

    def changes_public_pages(self, *, created: bool) -> bool:
        was_published = getattr(self, "_status_loaded", None) == self.Status.PUBLISHED
        self._status_loaded = self.status
        return self.is_published or was_published


class Outcome(models.TextChoices):
    """What the safeguarding lead did about a flagged comment."""

    REFERRED = "referred", "Referred"
    NO_ACTION = "no-action", "No action"
    LOCAL_AUTHORITY = "local-authority", "Contacted the local authority"


class CommentHistory(NeverOnPublicPages, models.Model):
    """One change to a comment: its status, its spam verdict, or its text; or
    what the safeguarding lead did about it (`outcome`)."""

    Outcome = Outcome

    class Actor(models.TextChoices):
        READER = "reader", "Reader"
        MODERATOR = "moderator", "Moderator"
        AKISMET = "akismet", "Akismet"
        SYSTEM = "system", "System"
        LEAD = "lead", "Safeguarding lead"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=10, choices=Comment.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Comment.Status.choices)
    actor = models.CharField(max_length=10, choices=Actor.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The moderator, when it was one.",
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500, blank=True)
    old_text = models.TextField(blank=True, help_text="The text before a moderator edited it.")
    # What the safeguarding lead did about a flagged comment; a row with an
    # outcome closes the comment's safeguarding case.
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    case_note = models.CharField(
        max_length=500, blank=True, help_text="The lead's note, for safeguarding leads only."
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "comment history"
        permissions = [
            ("record_outcome", "Can record what was done about a flagged comment"),
        ]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status} by {self.get_actor_display()}"


class CommentReport(NeverOnPublicPages, models.Model):
    """A reader's report that a published comment should not be there."""

    class Reason(models.TextChoices):
        PERSONAL_DETAILS = "personal", "It shares someone's personal details"
        AT_RISK = "at-risk", "It suggests a child or young person may be at risk"
        ABUSIVE = "abusive", "It is abusive, hateful or offensive"
        SPAM = "spam", "It is spam or advertising"
        OTHER = "other", "Something else"

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    details = models.TextField(blank=True)
    # For the rate limit and the three-reader rule only; removed with the
    # comments' own after the retention period.
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(
        null=True, blank=True, help_text="When a moderator decided about the comment."
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self):
        return f"{self.get_reason_display()} (comment {self.comment_id})"


class ContactMessage(Screened, NeverOnPublicPages, models.Model):
    """A message to the partnership from the contact form: held in the admin
    for the people who answer them, and never published anywhere. It takes the
    comments' safeguards (honeypot, rate limit, Akismet, the safeguarding
    screen); its status changes only through comments.contact."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"
        SPAM = "spam", "Spam"

    # The same spam-check states and safeguarding concerns as comments.
    Verdict = Comment.Verdict
    Concern = Comment.Concern

    name = models.CharField(max_length=100)
    email = models.EmailField("e-mail")
    subject = models.CharField(max_length=150, blank=True)
    message = models.TextField()

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    concerns = models.CharField(max_length=100, blank=True, default="")
    concern_spans = models.JSONField(default=list, blank=True)
    verdict = models.CharField(
        "spam check", max_length=10, choices=Verdict.choices, default=Verdict.UNCHECKED
    )
    verdict_reason = models.CharField("spam check note", max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    check_attempts = models.PositiveSmallIntegerField(default=0)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the people who answer were e-mailed about it."
    )
    lead_notified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the safeguarding leads were e-mailed about its concerns.",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="answered or closed by",
    )
    handled_at = models.DateTimeField("answered or closed at", null=True, blank=True)

    # What the spam check needs, kept for the retention period only (purge_comments).
    submitted_at = models.DateTimeField("received", default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.TextField(blank=True)
    referrer = models.TextField(blank=True)
    personal_data_removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["ip_address", "submitted_at"])]

    def __str__(self):
        return f"{self.subject or 'Message'} from {self.name}"


class RedactedOriginal(NeverOnPublicPages, models.Model):
    """A comment's text as it was before a moderator redacted part of it.
    Readable only with `view_redactedoriginal` (the Safeguarding lead group
    and superusers); deleted by purge_comments after REDACTED_ORIGINAL_DAYS
    unless a lead marked it to be kept."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="redacted_originals"
    )
    text = models.TextField()
    redacted_at = models.DateTimeField(default=timezone.now, db_index=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    keep = models.BooleanField(
        default=False, help_text="A safeguarding lead keeps it past the retention period."
    )

    class Meta:
        ordering = ["redacted_at", "pk"]
        # Read (view) and kept or let go (change) by the lead; never added or
        # deleted through the admin.
        default_permissions = ("view", "change")

    def __str__(self):
        # Never the text: this may be shown wherever the comment is named.
        return f"Original of comment {self.comment_id} ({self.redacted_at:%d %b %Y})"


def new_subscription_key() -> str:
    return secrets.token_urlsafe(32)


class Subscription(NeverOnPublicPages, models.Model):
    """A reader's wish to be e-mailed when their comment is published or
    someone replies: one row per e-mail address, linked to each comment they
    ticked the box on. Nothing is sent to the address until the reader
    confirms it (double opt-in); unsubscribing stops everything for it.
    Written only through comments.notifications."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the reader to confirm"
        CONFIRMED = "confirmed", "Confirmed"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"

    email = models.EmailField("e-mail")
    # Random, and what the links in e-mails sign, so a link never carries the address.
    key = models.CharField(max_length=64, unique=True, default=new_subscription_key, editable=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    comments = models.ManyToManyField(Comment, related_name="subscriptions", blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="one_subscription_per_address")]

    def __str__(self):
        return f"Subscription {self.pk} ({self.get_status_display()})"


class Notice(NeverOnPublicPages, models.Model):
    """An e-mail sent to a subscriber about a published comment (theirs, or a
    reply to theirs); claimed before sending, so each is sent once however
    often the comment is approved."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Their comment was published"
        REPLY = "reply", "A reply to their comment was published"

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="notices")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "comment", "kind"], name="one_notice_per_comment"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (comment {self.comment_id})"


class CaseManager(models.Manager.from_queryset(CommentQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(flagged_at__isnull=False)


class SafeguardingCase(Comment):
    """A flagged comment seen as the safeguarding lead's case: the admin's
    list of open cases (view permission: the Safeguarding lead group)."""

    objects = CaseManager()

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = "safeguarding case"
