"""How the moderation queue is doing: for the admin's front page and for
the daily moderation_report."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min
from django.utils import timezone

from .models import Comment


@dataclass(frozen=True)
class QueueHealth:
    held: int
    oldest: datetime | None
    flagged: int
    oldest_flagged: datetime | None
    reported: int = 0

    def waiting(self, since: datetime | None) -> timedelta | None:
        return timezone.now() - since if since else None


def queue_health() -> QueueHealth:
    """Held comments, the oldest one's time, and the same for flagged ones."""
    held = Comment.objects.in_moderation().aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    flagged = (
        Comment.objects.flagged()
        .filter(status__in=[Comment.Status.HELD, Comment.Status.SPAM])
        .aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    )
    return QueueHealth(
        held=held["count"],
        oldest=held["oldest"],
        flagged=flagged["count"],
        oldest_flagged=flagged["oldest"],
        reported=Comment.objects.filter(reports__isnull=False, reports__resolved_at__isnull=True)
        .distinct()
        .count(),
    )


@dataclass(frozen=True)
class OpenCases:
    count: int
    oldest: datetime | None


def open_cases() -> OpenCases:
    """Safeguarding cases with no outcome recorded, and when the oldest opened."""
    found = Comment.objects.open_cases().aggregate(count=Count("pk"), oldest=Min("flagged_at"))
    return OpenCases(count=found["count"], oldest=found["oldest"])
