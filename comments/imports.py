"""Comments brought in from another site (the WordPress import in
pages.wordpress). They arrive with the status the old site gave them, so they
skip the reader's rules (rate limit, closed comments) but, like every other
write, each one gets its first CommentHistory row saying where it came from.

In bulk: an export can hold tens of thousands of comments, so the importer
hands them over a thread level at a time (parents first) and they are
inserted with bulk_create.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from niromp_site.content import field_for
from niromp_site.pagecache import content_changed

from .models import Comment, CommentHistory

Status = Comment.Status
Verdict = Comment.Verdict


@dataclass(kw_only=True)
class ImportedComment:
    """One comment as the old site had it. `parent` is an already saved Comment."""

    target: object
    parent: Comment | None
    kind: str
    author_name: str
    author_email: str
    author_url: str
    body: str
    status: str
    submitted_at: datetime
    ip_address: str | None
    user_agent: str
    old_status: str  # the old site's word for it, for the history row


def _personal_data_expired(submitted_at: datetime, now: datetime) -> bool:
    """The retention rule runs from the comment's own date: an old comment's
    address is not kept for another COMMENTS_PERSONAL_DATA_RETENTION_DAYS."""
    return submitted_at < now - timedelta(days=settings.COMMENTS_PERSONAL_DATA_RETENTION_DAYS)


def _verdict(status: str) -> tuple[str, str]:
    if status == Status.SPAM:
        return Verdict.SPAM, "Marked spam on the old site."
    if status == Status.PUBLISHED:
        return Verdict.UNCHECKED, "Imported from the old site, where it was published."
    return Verdict.UNCHECKED, ""


def _fields(item: ImportedComment, now: datetime) -> dict:
    expired = _personal_data_expired(item.submitted_at, now)
    verdict, verdict_reason = _verdict(item.status)
    return {
        "parent_id": item.parent.pk if item.parent else None,
        "depth": item.parent.depth + 1 if item.parent else 1,
        "kind": item.kind,
        "author_name": item.author_name[:100],
        "author_email": item.author_email[:254],
        "author_url": item.author_url[:300],
        "body": item.body,
        "status": item.status,
        "verdict": verdict,
        "verdict_reason": verdict_reason,
        "submitted_at": item.submitted_at,
        "ip_address": None if expired else item.ip_address,
        "user_agent": "" if expired else item.user_agent[:1000],
        "personal_data_removed_at": now if expired else None,
    }


@transaction.atomic
def import_comments(*, items: list[ImportedComment], source_label: str) -> list[Comment]:
    """Save comments from another site, each with a history row
    ("Imported from WordPress (status approved)."). Returns them, saved, in
    the order given. Parents must already be saved."""
    now = timezone.now()
    comments = [
        Comment(
            # Ids rather than objects: much quicker for tens of thousands.
            **{f"{field_for(item.target)}_id": item.target.pk},
            source=Comment.Source.WORDPRESS,
            **_fields(item, now),
        )
        for item in items
    ]
    Comment.objects.bulk_create(comments, batch_size=500)
    content_changed()  # bulk_create sends no signals
    CommentHistory.objects.bulk_create(
        [
            CommentHistory(
                comment_id=comment.pk,
                to_status=comment.status,
                actor=CommentHistory.Actor.SYSTEM,
                at=now,
                reason=f"Imported from {source_label} (status {item.old_status}).",
            )
            for comment, item in zip(comments, items, strict=True)
        ],
        batch_size=500,
    )
    return comments


@transaction.atomic
def update_imported_comment(
    *, comment: Comment, item: ImportedComment, source_label: str
) -> Comment:
    """The old site changed a comment that nobody here has touched since it
    was imported: take the new version, and record it."""
    now = timezone.now()
    from_status = comment.status
    fields = _fields(item, now)
    if comment.personal_data_removed_at:
        fields.update(
            ip_address=None,
            user_agent="",
            personal_data_removed_at=comment.personal_data_removed_at,
        )
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.save()
    CommentHistory.objects.create(
        comment=comment,
        from_status=from_status,
        to_status=comment.status,
        actor=CommentHistory.Actor.SYSTEM,
        reason=f"Updated from {source_label} (status {item.old_status}).",
    )
    return comment
