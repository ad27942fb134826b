"""Everything the site holds about a commenter, found by their e-mail address:
exported on a subject access request, erased on request (the privacy policy
promises both; `manage.py commenter_data EMAIL --export|--erase`).

What the site holds lives in several places, each a *source* in SOURCES:

- ``comments``: their comments (name, e-mail, website, text, IP address,
  browser, referrer, page address);
- ``comment_history``: the history of those comments, with the text a
  moderator replaced (``old_text``) and the reasons given;
- ``redacted_originals``: their comments' text as it was before a moderator
  redacted part of it, kept for the safeguarding lead;
- ``admin_log``: the admin's own log of changes to those comments ("Recent
  actions"), which names the comment by its author ("Sam on About us");
- ``contact_messages``: what they sent through the contact form, with the
  admin's log of each (erased: deleted, log and all).
- ``notifications``: their address's subscription to e-mails about their
  comments (its state, the comments it covers, the e-mails sent).

A source has a name (its key in the export), ``export(commenter)`` returning
a list of JSON-ready dicts, and ``erase(commenter)`` returning counts. A
feature that stores more about a commenter adds a source here; the export,
the erasure and the test that searches every table after an erasure
(tests/comments/test_personal_data.py) then cover it.

Erasure: a comment others replied to (directly or further down) keeps its
place in the thread, emptied of everything that was theirs; their other
comments are deleted. Text a moderator replaced and free-text reasons go from
the history; admin log entries about deleted comments go, those about emptied
ones keep who did what when, with a neutral description. Emptied comments get
a history entry saying so, which holds nothing about the person.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from niromp_site.content import with_targets
from niromp_site.pagecache import content_changed

from .models import Comment, CommentHistory, ContactMessage, RedactedOriginal, Subscription

logger = logging.getLogger(__name__)

ANONYMOUS_NAME = "Anonymous"
REMOVED_TEXT = "[Removed at the author's request.]"
ERASED_NOTE = "Personal data erased at the author's request."
ERASED_LOG_MESSAGE = "Details removed at the author's request."


@dataclass(frozen=True)
class Commenter:
    """The person a request is about, worked out once before any source runs,
    so every source agrees on which comments are theirs and which stay."""

    email: str
    comment_ids: frozenset[int]
    # Their comments that stay, emptied, because someone else replied below them.
    kept_ids: frozenset[int]

    @property
    def deleted_ids(self) -> frozenset[int]:
        return self.comment_ids - self.kept_ids

    @classmethod
    def find(cls, *, email: str, lock: bool = False) -> "Commenter":
        email = email.strip()
        # A blank address would match every pingback and imported comment.
        if "@" not in email:
            raise ValueError("Give the commenter's e-mail address.")
        theirs = Comment.objects.filter(author_email__iexact=email)
        if lock:
            theirs = theirs.select_for_update()
        parent_of = dict(theirs.values_list("pk", "parent_id"))
        ids = frozenset(parent_of)
        kept = set(
            Comment.objects.filter(parent_id__in=ids)
            .exclude(pk__in=ids)
            .values_list("parent_id", flat=True)
        )
        # Above a comment that stays, each of theirs stays too: it has a reply that stays.
        for pk in list(kept):
            parent = parent_of.get(pk)
            while parent in ids and parent not in kept:
                kept.add(parent)
                parent = parent_of.get(parent)
        return cls(email=email, comment_ids=ids, kept_ids=frozenset(kept))


@dataclass(frozen=True)
class Source:
    """One place that holds data about a commenter (see the module docstring)."""

    name: str
    export: Callable[[Commenter], list[dict]]
    erase: Callable[[Commenter], dict[str, int]]


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


# Comments ------------------------------------------------------------------


def _export_comments(person: Commenter) -> list[dict]:
    comments = with_targets(Comment.objects.filter(pk__in=person.comment_ids))
    return [
        {
            "id": comment.pk,
            "on": str(comment.target),
            "address": comment.target.get_absolute_url(),
            "in_reply_to": comment.parent_id,
            "submitted_at": _iso(comment.submitted_at),
            "status": comment.status,
            "name": comment.author_name,
            "email": comment.author_email,
            "website": comment.author_url,
            "comment": comment.body,
            "ip_address": comment.ip_address,
            "user_agent": comment.user_agent,
            "referrer": comment.referrer,
            "permalink": comment.permalink,
        }
        for comment in comments.order_by("submitted_at", "pk")
    ]


def _erase_comments(person: Commenter) -> dict[str, int]:
    now = timezone.now()
    anonymised = Comment.objects.filter(pk__in=person.kept_ids).update(
        author_name=ANONYMOUS_NAME,
        author_email="",
        author_url="",
        body=REMOVED_TEXT,
        ip_address=None,
        user_agent="",
        referrer="",
        personal_data_removed_at=now,
    )
    content_changed()  # update() sends no signals; the name shown changes
    CommentHistory.objects.bulk_create(
        CommentHistory(
            comment_id=pk,
            from_status=status,
            to_status=status,
            actor=CommentHistory.Actor.SYSTEM,
            reason=ERASED_NOTE,
            at=now,
        )
        for pk, status in Comment.objects.filter(pk__in=person.kept_ids).values_list("pk", "status")
    )
    # Replies are protected from losing their parent, so delete from the
    # leaves up: a reply of theirs goes before the comment it answers.
    remaining = Comment.objects.filter(pk__in=person.deleted_ids)
    deleted = 0
    while remaining.exists():
        _, per_model = remaining.filter(replies__isnull=True).delete()
        removed = per_model.get(Comment._meta.label, 0)
        if not removed:
            raise RuntimeError("Comments to delete still have replies from someone else.")
        deleted += removed
    return {"deleted": deleted, "anonymised": anonymised}


# Their comments' history -----------------------------------------------------


def _export_history(person: Commenter) -> list[dict]:
    rows = CommentHistory.objects.filter(comment_id__in=person.comment_ids)
    # The moderator's account is left out: it is someone else's data.
    return [
        {
            "comment": row.comment_id,
            "at": _iso(row.at),
            "from_status": row.from_status,
            "to_status": row.to_status,
            "by": row.actor,
            "reason": row.reason,
            "old_text": row.old_text,
            "safeguarding_outcome": row.outcome,
            "safeguarding_note": row.case_note,
        }
        for row in rows.order_by("comment_id", "at", "pk")
    ]


def _erase_history(person: Commenter) -> dict[str, int]:
    deleted, _ = CommentHistory.objects.filter(comment_id__in=person.deleted_ids).delete()
    # Reasons can be a moderator's free text quoting the comment, so they go
    # too; who changed the status, and when, stays.
    cleared = (
        CommentHistory.objects.filter(comment_id__in=person.kept_ids)
        .exclude(old_text="", reason="", case_note="")
        .update(old_text="", reason="", case_note="")
    )
    return {"history_deleted": deleted, "history_cleared": cleared}


# Their comments' redacted text ------------------------------------------------


def _export_originals(person: Commenter) -> list[dict]:
    rows = RedactedOriginal.objects.filter(comment_id__in=person.comment_ids)
    return [
        {"comment": row.comment_id, "redacted_at": _iso(row.redacted_at), "text": row.text}
        for row in rows.order_by("comment_id", "redacted_at", "pk")
    ]


def _erase_originals(person: Commenter) -> dict[str, int]:
    deleted, _ = RedactedOriginal.objects.filter(comment_id__in=person.comment_ids).delete()
    return {"redacted_originals_deleted": deleted}


# The admin's log of changes to their comments -------------------------------


def _log_entries(ids) -> QuerySet[LogEntry]:
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Comment),
        object_id__in=[str(pk) for pk in ids],
    )


def _export_admin_log(person: Commenter) -> list[dict]:
    entries = _log_entries(person.comment_ids).order_by("action_time", "pk")
    return [
        {
            "comment": int(entry.object_id),
            "at": _iso(entry.action_time),
            "action": entry.get_action_flag_display(),
            "described_as": entry.object_repr,
            "change": entry.get_change_message(),
        }
        for entry in entries
    ]


def _erase_admin_log(person: Commenter) -> dict[str, int]:
    deleted, _ = _log_entries(person.deleted_ids).delete()
    cleared = 0
    # One row at a time: the neutral description names the comment by its id.
    for entry in _log_entries(person.kept_ids):
        entry.object_repr = f"Comment {entry.object_id} (erased at the author's request)"
        entry.change_message = ERASED_LOG_MESSAGE
        entry.save(update_fields=["object_repr", "change_message"])
        cleared += 1
    return {"admin_log_deleted": deleted, "admin_log_cleared": cleared}


# Their messages from the contact form, and the admin's log of them ---------


def _their_messages(person: Commenter):
    return ContactMessage.objects.filter(email__iexact=person.email)


def _export_contact_messages(person: Commenter) -> list[dict]:
    log = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ContactMessage))
    return [
        {
            "id": message.pk,
            "received_at": _iso(message.submitted_at),
            "status": message.status,
            "name": message.name,
            "email": message.email,
            "subject": message.subject,
            "message": message.message,
            "ip_address": message.ip_address,
            "user_agent": message.user_agent,
            "referrer": message.referrer,
            "answered_or_closed_at": _iso(message.handled_at),
            "admin_log": [
                {"at": _iso(entry.action_time), "change": entry.get_change_message()}
                for entry in log.filter(object_id=str(message.pk)).order_by("action_time", "pk")
            ],
        }
        for message in _their_messages(person).order_by("submitted_at", "pk")
    ]


def _erase_contact_messages(person: Commenter) -> dict[str, int]:
    ids = [str(pk) for pk in _their_messages(person).values_list("pk", flat=True)]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ContactMessage), object_id__in=ids
    ).delete()
    deleted, _ = _their_messages(person).delete()
    return {"contact_messages_deleted": deleted}


# E-mails about their comments ------------------------------------------------


def _subscriptions(person: Commenter) -> QuerySet[Subscription]:
    # By address, not by comment: it outlives comments deleted since.
    return Subscription.objects.filter(email__iexact=person.email)


def _export_notifications(person: Commenter) -> list[dict]:
    return [
        {
            "email": subscription.email,
            "status": subscription.status,
            "asked_at": _iso(subscription.created_at),
            "confirmation_sent_at": _iso(subscription.confirmation_sent_at),
            "confirmed_at": _iso(subscription.confirmed_at),
            "unsubscribed_at": _iso(subscription.unsubscribed_at),
            "comments": sorted(subscription.comments.values_list("pk", flat=True)),
            "emails_sent": [
                {
                    "kind": notice.kind,
                    "about_comment": notice.comment_id,
                    "at": _iso(notice.sent_at),
                }
                for notice in subscription.notices.order_by("sent_at", "pk")
            ],
        }
        for subscription in _subscriptions(person)
    ]


def _erase_notifications(person: Commenter) -> dict[str, int]:
    _, per_model = _subscriptions(person).delete()
    return {"subscriptions_deleted": per_model.get(Subscription._meta.label, 0)}


SOURCES: list[Source] = [
    Source("comments", _export_comments, _erase_comments),
    Source("comment_history", _export_history, _erase_history),
    Source("redacted_originals", _export_originals, _erase_originals),
    Source("admin_log", _export_admin_log, _erase_admin_log),
    Source("contact_messages", _export_contact_messages, _erase_contact_messages),
    Source("notifications", _export_notifications, _erase_notifications),
]


# The two requests -----------------------------------------------------------


@transaction.atomic
def export_commenter(*, email: str) -> dict[str, object]:
    """Everything the site holds about the person with this e-mail address
    (a subject access request), as JSON-ready data: one list per source."""
    person = Commenter.find(email=email)
    return {"email": person.email} | {source.name: source.export(person) for source in SOURCES}


@transaction.atomic
def erase_commenter(*, email: str) -> dict[str, int]:
    """Erase everything the site holds about the person with this e-mail
    address; returns what was done, as counts."""
    person = Commenter.find(email=email, lock=True)
    counts: dict[str, int] = {}
    # Last source first: records about a comment go before the comment itself.
    for source in reversed(SOURCES):
        counts |= source.erase(person)
    logger.info("Erased a commenter's personal data: %s", counts)
    return counts
