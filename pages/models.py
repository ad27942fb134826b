import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import dateformat, timezone

from niromp_site.content import exactly_one_content, points_at_content

from .sanitise import SanitisedHTMLField, SingleLineCharField

# Top-level page slugs that would shadow the site's own addresses.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "news",
        "documents",
        "comments",
        "static",
        "media",
        "sitemap.xml",
        "robots.txt",
        "home",
        "healthz",
        "regions",
        "search",
    }
)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and due. The one definition of "live"."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=timezone.now())

    def for_address(self):
        """With what get_absolute_url() needs, so listing addresses costs no
        query per item (see niromp_site.content.with_targets)."""
        return self


# A page sits at most this many levels down: a top-level page, a section in
# it, and a page in that. Page.clean() refuses deeper nesting, so one join
# always loads everything a page's address and publication depend on.
PAGE_MAX_LEVELS = 3


class PageQuerySet(PublishedQuerySet):
    def for_address(self):
        return self.select_related("__".join(["parent"] * (PAGE_MAX_LEVELS - 1)))


class Publishable(models.Model):
    title = SingleLineCharField(max_length=200)
    slug = models.SlugField(max_length=200)
    description = models.CharField(
        max_length=300,
        blank=True,
        help_text="One or two sentences for search engines and link previews.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish time",
        default=timezone.now,
        help_text="Published items appear on the site from this time (UK time).",
    )
    comments_open = models.BooleanField(
        default=True,
        help_text="Readers may comment (comments also close on their own after "
        "COMMENTS_CLOSE_AFTER_DAYS, when that is set).",
    )
    # Defaults rather than auto_now, so fixtures loaded raw still get a time.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_live(self) -> bool:
        return self.status == Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_public(self) -> bool:
        """What the public may see at its address (pages also need their sections live)."""
        return self.is_live


class Document(models.Model):
    """A downloadable document: an uploaded file, or a file published elsewhere."""

    title = SingleLineCharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    file = models.FileField(upload_to="documents/%Y/", blank=True)
    external_url = models.URLField(
        "external address",
        max_length=500,
        blank=True,
        help_text="Where the file is published elsewhere, when it is not uploaded here.",
    )
    file_type = models.CharField(
        max_length=20, blank=True, help_text="Shown beside the link, e.g. PDF."
    )
    public_on_its_own = models.BooleanField(
        "public on its own",
        default=False,
        help_text="Anyone with the link may download it, even when no published page "
        "lists it. Otherwise it is public only while a published page lists it.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def is_public(self) -> bool:
        """The public may download it: it stands on its own, or a page the
        public can see lists it (a draft's attachments stay drafts)."""
        if self.public_on_its_own:
            return True
        pages = self.pages.published().select_related("parent__parent")
        return any(page.is_public for page in pages)

    @property
    def is_available(self) -> bool:
        return bool(self.file or self.external_url)

    @property
    def url(self) -> str:
        """The address a reader downloads it from ("" when it has no file yet)."""
        if self.file:
            return reverse("pages:document", kwargs={"slug": self.slug})
        return self.external_url


class Page(Publishable):
    """A page of the site: About Us, Contact Us, a section and the pages under it."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The section this page sits in; empty for a top-level page.",
    )
    menu_order = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Position in the main navigation (top-level pages only); empty to leave it out.",
    )
    body = SanitisedHTMLField(blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="pages")
    documents_heading = models.CharField(
        max_length=200, blank=True, help_text='Heading above the downloads; "Downloads" if empty.'
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["menu_order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "slug"],
                condition=models.Q(parent__isnull=False),
                name="unique_page_slug_in_section",
                violation_error_message="A page in this section already has this slug.",
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(parent__isnull=True),
                name="unique_top_level_page_slug",
                violation_error_message="A top-level page already has this slug.",
            ),
        ]

    def get_absolute_url(self):
        if self.is_home:
            return reverse("pages:home")
        return reverse("pages:page", kwargs={"path": self.path})

    def clean(self):
        if self.parent_id is None and self.slug in RESERVED_SLUGS and not self.is_home:
            raise ValidationError({"slug": "This address is used by another part of the site."})
        if (
            self.pk
            and self.parent_id
            and (self.parent_id == self.pk or any(a.parent_id == self.pk for a in self.ancestors))
        ):
            raise ValidationError({"parent": "A page cannot sit inside itself."})
        levels = (
            (len(self.parent.ancestors) + 1 if self.parent_id else 0) + 1 + self._levels_below()
        )
        if levels > PAGE_MAX_LEVELS:
            raise ValidationError(
                {
                    "parent": f"Pages can be at most {PAGE_MAX_LEVELS} levels deep (a page in "
                    "a section in a top-level page); choose a section higher up."
                }
            )

    def _levels_below(self) -> int:
        """How many levels of pages sit under this one (0 for none)."""
        levels, frontier = 0, [self.pk] if self.pk else []
        while frontier and levels <= PAGE_MAX_LEVELS:
            frontier = list(Page.objects.filter(parent__in=frontier).values_list("pk", flat=True))
            levels += bool(frontier)
        return levels

    @property
    def is_public(self) -> bool:
        """Live, and so is every section above it."""
        return self.is_live and all(a.is_live for a in self.ancestors)

    @property
    def is_home(self) -> bool:
        return self.slug == "home" and self.parent_id is None

    @property
    def ancestors(self) -> list["Page"]:
        """The sections above this page, nearest first (stops at a loop)."""
        ancestors = []
        page = self.parent
        while page is not None and page not in ancestors and page.pk != self.pk:
            ancestors.append(page)
            page = page.parent
        return ancestors

    @property
    def path(self) -> str:
        return "/".join([a.slug for a in reversed(self.ancestors)] + [self.slug])


class Article(Publishable):
    """A news item or a press release: one model, as their fields barely differ."""

    class Kind(models.TextChoices):
        NEWS = "news", "News"
        PRESS_RELEASE = "press-release", "Press release"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS)
    byline = models.CharField(max_length=200, blank=True, help_text="Who wrote it.")
    summary = models.TextField(blank=True, help_text="The opening line shown in lists and feeds.")
    body = SanitisedHTMLField(blank=True)
    press_contact = models.CharField(
        "press office",
        max_length=300,
        blank=True,
        help_text="Press releases: how journalists reach the press office.",
    )
    notes_to_editors = SanitisedHTMLField(blank=True)
    regions = models.ManyToManyField(
        "Region", blank=True, related_name="articles", help_text="The regions it is about."
    )

    class Meta:
        ordering = ["-publish_at"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="unique_article_slug")]
        indexes = [models.Index(fields=["status", "publish_at"])]

    def get_absolute_url(self):
        return reverse("pages:article", kwargs={"slug": self.slug})

    @property
    def is_press_release(self) -> bool:
        return self.kind == self.Kind.PRESS_RELEASE

    def clean(self):
        if self.slug in {"press-releases", "feed", "page"}:
            raise ValidationError({"slug": "This address is used by the news pages."})


class Region(models.Model):
    """One of the nine regions of England the partnership is organised in
    (made by a migration). Always public; editors fill in what is known."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists.")
    introduction = SanitisedHTMLField(blank=True)
    chair = models.CharField(max_length=200, blank=True, help_text="The elected Chair.")
    vice_chair = models.CharField(
        "vice chair", max_length=200, blank=True, help_text="The elected Vice Chair."
    )
    contact = models.CharField(
        "contact route",
        max_length=300,
        blank=True,
        help_text="How readers reach the region (an address, a web page or a telephone "
        "number), as published. Never a person's private e-mail address.",
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:region", kwargs={"slug": self.slug})


class EventQuerySet(PublishedQuerySet):
    def upcoming(self):
        """Not over yet (an event under way is still upcoming), soonest first."""
        return self.filter(end__gte=timezone.now()).order_by("start", "pk")

    def past(self):
        return self.filter(end__lt=timezone.now()).order_by("-start", "-pk")


# Addresses under /events/ that an event's slug would shadow.
EVENT_RESERVED_SLUGS = frozenset({"past", "calendar", "page", "feed"})


class Event(Publishable):
    """A conference, a Community of Practice session, a regional or national meeting."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        COMMUNITY_OF_PRACTICE = "community-of-practice", "Community of Practice session"
        REGIONAL_MEETING = "regional-meeting", "Regional meeting"
        NATIONAL_MEETING = "national-meeting", "National meeting"

    class EventStatus(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.CONFERENCE)
    start = models.DateTimeField(help_text="UK time (Europe/London).")
    end = models.DateTimeField(help_text="UK time (Europe/London).")
    location = models.CharField(
        "online or venue",
        max_length=300,
        help_text='"Online", or the venue\'s name and address.',
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="events", help_text="The regions it is for."
    )
    body = SanitisedHTMLField("details", blank=True)
    booking_url = models.URLField(
        "booking address", max_length=500, blank=True, help_text="Where readers book a place."
    )
    by_invitation = models.BooleanField(
        "by invitation", default=False, help_text="Places are by invitation only."
    )
    event_status = models.CharField(
        "event status",
        max_length=10,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
        help_text="Cancelled and postponed events say so wherever they are listed.",
    )

    objects = EventQuerySet.as_manager()

    # When the clock alone changes what readers see: an event leaves the
    # upcoming lists when it ends (niromp_site.pagecache ends its pages then).
    CLOCK_FIELDS = ("end",)

    class Meta:
        ordering = ["-start"]
        constraints = [models.UniqueConstraint(fields=["slug"], name="unique_event_slug")]
        indexes = [models.Index(fields=["status", "publish_at", "end"])]

    def get_absolute_url(self):
        return reverse("pages:event", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.slug in EVENT_RESERVED_SLUGS:
            errors["slug"] = "This address is used by the events pages."
        elif Page.objects.filter(
            slug=self.slug, parent__slug="events", parent__parent=None
        ).exists():
            errors["slug"] = "A page filed under Events already has this address."
        if self.start and self.end and self.end < self.start:
            errors["end"] = "The end must be after the start."
        if self.booking_url and self.by_invitation:
            errors["by_invitation"] = "Give a booking address or choose by invitation, not both."
        if errors:
            raise ValidationError(errors)

    @property
    def is_cancelled(self) -> bool:
        return self.event_status == self.EventStatus.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def is_postponed(self) -> bool:
        return self.event_status == self.EventStatus.POSTPONED

    @property
    def when(self) -> str:
        """Start and end in UK time, with the zone for readers elsewhere:
        "Tuesday 3 March 2026, 10:00 to 12:30 GMT"."""
        return uk_time_span(self.start, self.end)


UK = zoneinfo.ZoneInfo("Europe/London")


def uk_time_span(start, end) -> str:
    start, end = start.astimezone(UK), end.astimezone(UK)
    day = "l j F Y"
    if start.date() == end.date():
        return f"{dateformat.format(start, day)}, {start:%H:%M} to {end:%H:%M} {end.tzname()}"
    # Over two days the zone can change between them (the clocks go forward or back).
    first = f"{dateformat.format(start, day)}, {start:%H:%M}"
    if start.tzname() != end.tzname():
        first += f" {start.tzname()}"
    return f"{first} to {dateformat.format(end, day)}, {end:%H:%M} {end.tzname()}"


class Redirect(points_at_content(on_delete=models.CASCADE)):
    """An old address of a page, article or event, kept when its slug changes, so
    links and bookmarks keep working (301 to wherever it lives now)."""

    old_path = models.CharField(max_length=500, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [exactly_one_content("redirect_to_exactly_one_target")]

    def __str__(self):
        return f"{self.old_path} → {self.target.get_absolute_url()}"


class WordPressItem(models.Model):
    """What an item of a WordPress export became here, so importing the same
    export again changes nothing, and a newer one updates only what changed
    there and was not edited here since (pages.wordpress)."""

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        COMMENT = "comment", "Comment"

    site = models.CharField(
        max_length=300, help_text="The old site's address, as its export names it."
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    wp_id = models.PositiveBigIntegerField("WordPress ID")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # Hashes: of the export's fields (did WordPress change it?) and of what
    # the import stored here (has an editor changed it since?).
    source_hash = models.CharField(max_length=64)
    stored_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "WordPress item"
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="unique_wordpress_item_per_site"
            )
        ]
        indexes = [models.Index(fields=["wp_id", "kind"])]

    def __str__(self):
        return f"WordPress {self.kind} {self.wp_id} ({self.site})"
