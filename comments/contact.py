"""Messages to the partnership from the contact form: every write and rule.

A message takes the comments' pipeline without ever being published: saved at
once (nothing a reader sends is lost), the honeypot sends a bot's straight to
spam, the same rate limit (COMMENT_RATE_LIMIT, counted from the messages
table), the safeguarding screen, then Akismet once the transaction commits.
Akismet's "spam" files it as spam; otherwise the people who answer (the
Moderators group) are e-mailed once. When Akismet cannot say, the message
stays new and unchecked for `recheck_comments`."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from niromp_site.env import parse_rate

from . import notifications, spam
from .models import ContactMessage
from .services import RateLimited, _at_rate_limit, _lock_address, _screened

logger = logging.getLogger(__name__)

Status = ContactMessage.Status
Verdict = ContactMessage.Verdict


def _ensure_under_rate_limit(ip_address: str | None) -> None:
    if not ip_address or parse_rate(settings.COMMENT_RATE_LIMIT) is None:
        return
    _lock_address(ip_address)
    sent = ContactMessage.objects.filter(ip_address=ip_address)
    if _at_rate_limit(
        settings.COMMENT_RATE_LIMIT, lambda since: sent.filter(submitted_at__gte=since).count()
    ):
        raise RateLimited


@transaction.atomic
def submit_message(
    *,
    name: str,
    email: str,
    message: str,
    subject: str = "",
    ip_address: str | None = None,
    user_agent: str = "",
    referrer: str = "",
    honeypot_filled: bool = False,
) -> ContactMessage:
    """Save a message as new (a bot's, caught by the honeypot, as spam), then
    check it for spam once the transaction has committed. Raises RateLimited
    when this address has sent as many as COMMENT_RATE_LIMIT allows."""
    _ensure_under_rate_limit(ip_address)
    saved = ContactMessage.objects.create(
        **_screened(f"{subject}\n{message}" if subject else message),
        name=name,
        email=email,
        subject=subject,
        message=message,
        status=Status.SPAM if honeypot_filled else Status.NEW,
        verdict_reason="The hidden honeypot field was filled in." if honeypot_filled else "",
        ip_address=ip_address,
        user_agent=user_agent[:1000],
        referrer=referrer[:1000],
    )
    if not honeypot_filled:
        transaction.on_commit(lambda: check_message_task.enqueue(saved.pk))
    if saved.is_flagged:
        transaction.on_commit(lambda: notifications.notify_leads_of_message(message=saved))
    return saved


@task
def check_message_task(message_id: int) -> str:
    """The spam check of a contact message, run inline or by a worker."""
    message = check_message(message_id=message_id)
    return message.verdict if message else "missing"


def check_message(*, message_id: int) -> ContactMessage | None:
    """Ask Akismet about a new, unchecked message and act on the answer;
    then e-mail the people who answer, unless it is spam. Idempotent; the
    network call happens outside any transaction."""
    message = ContactMessage.objects.filter(pk=message_id).first()
    if message is None or message.status != Status.NEW or message.verdict != Verdict.UNCHECKED:
        return message
    try:
        verdict = spam.check(message)
    except spam.SpamCheckUnavailable as error:
        logger.warning("Spam check of contact message %s failed: %s", message_id, error)
        _record(
            message_id,
            verdict_reason=str(error)[:300],
            check_attempts=message.check_attempts + 1,
        )
    else:
        if verdict.is_spam:
            new_verdict = Verdict.DISCARD if verdict.is_discard else Verdict.SPAM
            fields = {"status": Status.SPAM, "verdict": new_verdict}
        else:
            fields = {"verdict": Verdict.HAM}
        _record(
            message_id,
            **fields,
            verdict_reason=f"Akismet: {Verdict(fields['verdict']).label.lower()}.",
            checked_at=timezone.now(),
            check_attempts=message.check_attempts + 1,
        )
    message.refresh_from_db()
    if message.status == Status.NEW:
        notifications.notify_contact_staff(message=message)
    return message


def _record(message_id: int, **fields) -> None:
    # Only while it is still new and unchecked: a person may have got there first.
    ContactMessage.objects.filter(
        pk=message_id, status=Status.NEW, verdict=Verdict.UNCHECKED
    ).update(**fields)


def recheck_unchecked_messages() -> dict[str, int]:
    """Check every new, unchecked message again, and send the e-mails that
    could not be sent before (for cron, through recheck_comments)."""
    counts = {"checked": 0, "still_unchecked": 0, "notified": 0}
    pending = ContactMessage.objects.filter(status=Status.NEW, verdict=Verdict.UNCHECKED)
    for message_id in pending.values_list("pk", flat=True).order_by("pk"):
        message = check_message(message_id=message_id)
        unchecked = message is not None and message.verdict == Verdict.UNCHECKED
        counts["still_unchecked" if unchecked else "checked"] += 1
    for message in ContactMessage.objects.filter(status=Status.NEW, notified_at__isnull=True):
        counts["notified"] += notifications.notify_contact_staff(message=message)
    for message in ContactMessage.objects.exclude(concerns="").filter(
        lead_notified_at__isnull=True
    ):
        counts["notified"] += notifications.notify_leads_of_message(message=message)
    return counts


# The people who answer -----------------------------------------------------


def _handle(message: ContactMessage, *, to_status: str, user) -> ContactMessage:
    with transaction.atomic():
        message = ContactMessage.objects.select_for_update().get(pk=message.pk)
        if message.status == to_status:
            return message
        message.status = to_status
        # Back to new (out of the spam folder) is not an answer.
        done = to_status != Status.NEW
        message.handled_by = user if done else None
        message.handled_at = timezone.now() if done else None
        message.save(update_fields=["status", "handled_by", "handled_at"])
    return message


def mark_answered(*, message: ContactMessage, user) -> ContactMessage:
    """Someone has replied to the sender (by e-mail, outside the site)."""
    return _handle(message, to_status=Status.ANSWERED, user=user)


def close(*, message: ContactMessage, user) -> ContactMessage:
    """Nothing more to do about it, without a reply."""
    return _handle(message, to_status=Status.CLOSED, user=user)


def mark_spam(*, message: ContactMessage, user) -> ContactMessage:
    """File it as spam and teach Akismet (submit-spam); a failure to tell
    Akismet is logged, the message is filed anyway."""
    before = message.status
    message = _handle(message, to_status=Status.SPAM, user=user)
    if before != Status.SPAM:
        ContactMessage.objects.filter(pk=message.pk).update(verdict=Verdict.SPAM)
        _teach(spam.report_spam, message)
    return message


def mark_not_spam(*, message: ContactMessage, user) -> ContactMessage:
    """Take it out of the spam folder, new again, and teach Akismet (submit-ham)."""
    before = message.status
    message = _handle(message, to_status=Status.NEW, user=user)
    if before == Status.SPAM:
        ContactMessage.objects.filter(pk=message.pk).update(verdict=Verdict.HAM)
        _teach(spam.report_ham, message)
    return message


def _teach(send, message: ContactMessage) -> None:
    try:
        send(message)
    except spam.SpamCheckUnavailable as error:
        logger.warning("Could not tell Akismet about contact message %s: %s", message.pk, error)


def purge(*, dry_run: bool = False, now=None) -> dict[str, int]:
    """Like comments: old spam deleted (never a flagged message), and IP
    address, browser and referrer removed after the retention period."""
    now = now or timezone.now()
    spam_before = now - timedelta(days=settings.COMMENTS_SPAM_RETENTION_DAYS)
    personal_before = now - timedelta(days=settings.COMMENTS_PERSONAL_DATA_RETENTION_DAYS)
    old_spam = ContactMessage.objects.filter(
        status=Status.SPAM, concerns="", submitted_at__lt=spam_before
    )
    personal = ContactMessage.objects.filter(
        submitted_at__lt=personal_before, personal_data_removed_at__isnull=True
    )
    counts = {"spam_deleted": old_spam.count(), "personal_data_removed": personal.count()}
    if not dry_run:
        with transaction.atomic():
            old_spam.delete()
            personal.update(
                ip_address=None, user_agent="", referrer="", personal_data_removed_at=now
            )
    return counts
