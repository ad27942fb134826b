"""E-mail about comments: moderators about held ones and safeguarding leads
about flagged ones (at most one each per comment), queue reminders, the same
two notices about messages from the contact form, and the e-mails readers ask
for about their own comments (opt-in, confirmed first, one-click unsubscribe;
never about a comment the safeguarding screen flagged)."""

import email.policy
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from niromp_site.addresses import link_base_url
from niromp_site.content import with_targets

from .models import Comment, ContactMessage, Notice, Subscription

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "Moderators"
SAFEGUARDING_GROUP = "Safeguarding lead"


def notify_moderators(*, comment) -> bool:
    """E-mail the Moderators group about a held comment, unless they have
    been told already. Returns whether an e-mail went out."""

    def compose():  # only when someone is to be told: it loads the page
        base = link_base_url()
        target = comment.target
        # One line whatever the title holds: a line break in a subject is refused
        # by the mailer (it could add headers), and the notice would never go.
        subject = " ".join(f"Comment awaiting moderation on “{target}”".split())
        return subject, {
            "comment": comment,
            "target": target,
            "page_url": base + target.get_absolute_url(),
            "admin_url": base + reverse("admin:comments_comment_change", args=[comment.pk]),
            # Quoted line by line, so nothing the reader wrote can pass for the site's own.
            "quoted_body": "\n".join(f"> {line}" for line in comment.body.splitlines()),
        }

    return _send_once(
        comment,
        stamp="notified_at",
        group=MODERATORS_GROUP,
        template="comments/email/moderators.txt",
        compose=compose,
    )


def notify_safeguarding_leads(*, comment) -> bool:
    """E-mail the Safeguarding lead group, once, that the screen flagged a
    comment: the kind of concern and a link to it in the admin, but never the
    comment's words or who wrote it (e-mail is no place for a disclosure)."""
    if not comment.is_flagged:
        return False
    concerns = comment.concern_labels
    return _send_once(
        comment,
        stamp="lead_notified_at",
        group=SAFEGUARDING_GROUP,
        template="comments/email/safeguarding_lead.txt",
        compose=lambda: (
            f"Safeguarding: a comment needs reading ({'; '.join(concerns)})",
            {
                "concerns": concerns,
                "admin_url": link_base_url()
                + reverse("admin:comments_comment_change", args=[comment.pk]),
            },
        ),
    )


def _send_once(comment, *, stamp: str, group: str, template: str, compose) -> bool:
    """Send one e-mail about `comment` (or a contact message) to `group`, unless
    its `stamp` field says it went already; a failure clears the stamp so a
    recheck tries again. compose() gives the subject and the template's
    context, and is called only when an e-mail is to go."""
    recipients = _group_addresses(group)
    if not recipients:
        logger.warning(
            "Nobody in %s has an e-mail address to hear of comment %s.", group, comment.pk
        )
        return False
    # Claim the notice first, so two checks of one comment send one e-mail.
    claimed = (
        type(comment)
        .objects.filter(pk=comment.pk, **{f"{stamp}__isnull": True})
        .update(**{stamp: timezone.now()})
    )
    if not claimed:
        return False
    try:
        subject, context = compose()
        send_mail(
            subject=subject,
            message=render_to_string(template, context),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        type(comment).objects.filter(pk=comment.pk).update(**{stamp: None})
        logger.exception("Could not e-mail %s about comment %s", group, comment.pk)
        return False
    return True


def _group_addresses(group: str) -> list[str]:
    return list(
        get_user_model()
        .objects.filter(groups__name=group, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )


def send_queue_alert(*, group: str, subject: str, lines: list[str], query: str) -> bool:
    """A reminder to a group that comments have waited too long: counts, ages
    and a link to the queue; no comment's words or writer."""
    recipients = _group_addresses(group)
    if not recipients:
        logger.warning("Nobody in %s has an e-mail address for: %s", group, subject)
        return False
    link = link_base_url() + reverse("admin:comments_comment_changelist") + query
    send_mail(
        subject=subject,
        message="\n".join([*lines, "", f"The queue: {link}"]) + "\n",
        from_email=None,
        recipient_list=recipients,
    )
    return True


# Messages from the contact form ----------------------------------------------


def _message_admin_url(message: ContactMessage) -> str:
    return link_base_url() + reverse("admin:comments_contactmessage_change", args=[message.pk])


def notify_contact_staff(*, message: ContactMessage) -> bool:
    """E-mail the Moderators group, once, that a message has arrived. A
    message the safeguarding screen flagged is announced without its subject,
    words or sender: they read it in the admin."""
    flagged = message.is_flagged
    subject = (
        "A message to the partnership needs reading (flagged by the safeguarding screen)"
        if flagged
        else " ".join(f"Message to the partnership: “{message.subject or 'no subject'}”".split())
    )
    return _send_once(
        message,
        stamp="notified_at",
        group=MODERATORS_GROUP,
        template="comments/email/contact_staff.txt",
        compose=lambda: (
            subject,
            {
                "message": message,
                "flagged": flagged,
                "admin_url": _message_admin_url(message),
                "quoted_body": "\n".join(f"> {line}" for line in message.message.splitlines()),
            },
        ),
    )


def notify_leads_of_message(*, message: ContactMessage) -> bool:
    """E-mail the Safeguarding lead group, once, that the screen flagged a
    contact message: the kind of concern and a link, never its words or sender."""
    if not message.is_flagged:
        return False
    concerns = message.concern_labels
    return _send_once(
        message,
        stamp="lead_notified_at",
        group=SAFEGUARDING_GROUP,
        template="comments/email/contact_safeguarding_lead.txt",
        compose=lambda: (
            f"Safeguarding: a contact message needs reading ({'; '.join(concerns)})",
            {"concerns": concerns, "admin_url": _message_admin_url(message)},
        ),
    )


# Readers' e-mails about their own comments ---------------------------------

CONFIRM_SALT = "comments.notifications.confirm"
UNSUBSCRIBE_SALT = "comments.notifications.unsubscribe"
# However often the box is ticked for an unconfirmed address, it gets at most
# one confirmation e-mail in this time, so the form cannot be used to flood
# someone's inbox.
CONFIRMATION_RESEND_AFTER = timedelta(hours=24)


# Each header on one line, however long: the default folding turns a long
# List-Unsubscribe address into an RFC 2047 encoded word, which mail programs
# do not read as an address. RFC 5322 allows 998 characters a line.
ONE_LINE_HEADERS = email.policy.default.clone(max_line_length=998)


class ReaderEmail(EmailMessage):
    """An e-mail to a reader, its links unbroken in headers and body."""

    def message(self, *, policy=ONE_LINE_HEADERS):
        return super().message(policy=policy)


class BadLink(Exception):
    """A confirm or unsubscribe link that was altered, or whose subscription
    is gone (the reader's data was erased)."""


class ExpiredLink(BadLink):
    """A confirmation link older than NOTIFY_CONFIRM_DAYS."""


def confirm_token(subscription: Subscription) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscription.key)


def unsubscribe_token(subscription: Subscription) -> str:
    # No expiry: an unsubscribe link in an old e-mail must keep working.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(subscription.key)


def subscription_to_confirm(*, token: str) -> Subscription:
    """The subscription a confirmation link names; ExpiredLink or BadLink."""
    max_age = timedelta(days=settings.NOTIFY_CONFIRM_DAYS)
    try:
        key = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        raise ExpiredLink from None
    except signing.BadSignature:
        raise BadLink from None
    return _by_key(key)


def subscription_to_stop(*, token: str) -> Subscription:
    """The subscription an unsubscribe link names; BadLink."""
    try:
        key = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature:
        raise BadLink from None
    return _by_key(key)


def _by_key(key: str) -> Subscription:
    subscription = Subscription.objects.filter(key=key).first()
    if subscription is None:
        raise BadLink
    return subscription


def request_notifications(*, comment: Comment) -> Subscription:
    """The reader who wrote `comment` ticked "E-mail me...": link it to their
    address's subscription, and, unless the address is confirmed, ask them
    to confirm it (once per CONFIRMATION_RESEND_AFTER). Called inside the
    transaction that saves the comment; the e-mail goes once it commits."""
    subscription, _ = Subscription.objects.get_or_create(
        email__iexact=comment.author_email, defaults={"email": comment.author_email}
    )
    # Locked, so two comments posted at once send one confirmation.
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    subscription.comments.add(comment)
    if subscription.status == Subscription.Status.CONFIRMED:
        return subscription
    now = timezone.now()
    # Ticking the box again after unsubscribing asks again, confirmed afresh.
    subscription.status = Subscription.Status.PENDING
    recently_asked = (
        subscription.confirmation_sent_at is not None
        and subscription.confirmation_sent_at > now - CONFIRMATION_RESEND_AFTER
    )
    # Nothing at all is sent because of a flagged comment: a disclosure may
    # come from a young person whose inbox someone else reads.
    if not recently_asked and not comment.is_flagged:
        subscription.confirmation_sent_at = now
        pk = subscription.pk
        transaction.on_commit(lambda: _send_confirmation(subscription_id=pk), robust=True)
    subscription.save(update_fields=["status", "confirmation_sent_at"])
    return subscription


def _send_confirmation(*, subscription_id: int) -> bool:
    subscription = Subscription.objects.filter(
        pk=subscription_id, status=Subscription.Status.PENDING
    ).first()
    if subscription is None:
        return False
    link = link_base_url() + reverse(
        "comments:confirm_notifications", args=[confirm_token(subscription)]
    )
    try:
        ReaderEmail(
            subject="Confirm e-mails about your comments on the NIROMP website",
            body=render_to_string(
                "comments/email/confirm_notifications.txt",
                {"confirm_url": link, "days": settings.NOTIFY_CONFIRM_DAYS},
            ),
            to=[subscription.email],
        ).send()
    except Exception:
        # Let the next tick of the box try again.
        Subscription.objects.filter(pk=subscription_id).update(confirmation_sent_at=None)
        logger.exception(
            "Could not send the confirmation e-mail of subscription %s", subscription_id
        )
        return False
    return True


@transaction.atomic
def confirm(*, subscription: Subscription) -> Subscription:
    """The reader confirmed their address: e-mails about the comments they
    asked about may go to it from now on."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != Subscription.Status.CONFIRMED:
        subscription.status = Subscription.Status.CONFIRMED
        subscription.confirmed_at = timezone.now()
        subscription.save(update_fields=["status", "confirmed_at"])
    return subscription


@transaction.atomic
def unsubscribe(*, subscription: Subscription) -> Subscription:
    """Stop every e-mail to this address about its comments."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.status != Subscription.Status.UNSUBSCRIBED:
        subscription.status = Subscription.Status.UNSUBSCRIBED
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["status", "unsubscribed_at"])
    return subscription


def announce_published(*, comment_id: int) -> int:
    """A moderator published a comment: e-mail its writer, if they asked and
    confirmed, and the writer of the comment it replies to, likewise. Never
    about a comment carrying a concern (the reply or the comment it answers).
    Run after the approval commits; a failure is logged, and the comment stays
    published. Returns how many e-mails went."""
    comment = with_targets(Comment.objects.select_related("parent")).filter(pk=comment_id).first()
    if comment is None or not comment.is_published or comment.is_flagged:
        return 0
    confirmed = Subscription.objects.filter(status=Subscription.Status.CONFIRMED)
    sent = 0
    for subscription in confirmed.filter(comments=comment):
        sent += _send_notice(subscription, comment, Notice.Kind.PUBLISHED)
    parent = comment.parent
    if parent is not None and parent.is_published and not parent.is_flagged:
        # Not when they answered themselves.
        others = confirmed.filter(comments=parent).exclude(email__iexact=comment.author_email)
        for subscription in others:
            sent += _send_notice(subscription, comment, Notice.Kind.REPLY)
    return sent


def _send_notice(subscription: Subscription, comment: Comment, kind: str) -> int:
    try:
        with transaction.atomic():
            notice = Notice.objects.create(subscription=subscription, comment=comment, kind=kind)
    except IntegrityError:
        return 0  # sent already: the comment was approved before
    title = " ".join(str(comment.target).split())
    subject = (
        f"Your comment on “{title}” is published"
        if kind == Notice.Kind.PUBLISHED
        else f"Someone replied to your comment on “{title}”"
    )
    unsubscribe_url = link_base_url() + reverse(
        "comments:unsubscribe", args=[unsubscribe_token(subscription)]
    )
    body = render_to_string(
        "comments/email/comment_published.txt",
        {
            "reply": kind == Notice.Kind.REPLY,
            "title": title,
            "comment_url": link_base_url() + comment.get_absolute_url(),
            "unsubscribe_url": unsubscribe_url,
        },
    )
    try:
        ReaderEmail(
            subject=subject,
            body=body,
            to=[subscription.email],
            # RFC 8058: mail programs show an "Unsubscribe" button that posts here.
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ).send()
    except Exception:
        notice.delete()
        logger.exception(
            "Could not e-mail subscription %s about comment %s", subscription.pk, comment.pk
        )
        return 0
    return 1
