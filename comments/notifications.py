"""E-mail about comments: moderators about held ones and safeguarding leads
about flagged ones (at most one each per comment), and queue reminders; and
the same two notices about messages from the contact form."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from niromp_site.addresses import link_base_url

from .models import ContactMessage

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "Moderators"
SAFEGUARDING_GROUP = "Safeguarding lead"


def notify_moderators(*, comment) -> bool:
    """E-mail the Moderators group about a held comment, unless they have
    been told already. Returns whether an e-mail went out."""
    base = link_base_url()
    return _send_once(
        comment,
        stamp="notified_at",
        group=MODERATORS_GROUP,
        # One line whatever the title holds: a line break in a subject is refused
        # by the mailer (it could add headers), and the notice would never go.
        subject=" ".join(f"Comment awaiting moderation on “{comment.target}”".split()),
        template="comments/email/moderators.txt",
        context={
            "comment": comment,
            "target": comment.target,
            "page_url": base + comment.target.get_absolute_url(),
            "admin_url": base + reverse("admin:comments_comment_change", args=[comment.pk]),
            # Quoted line by line, so nothing the reader wrote can pass for the site's own.
            "quoted_body": "\n".join(f"> {line}" for line in comment.body.splitlines()),
        },
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
        subject=f"Safeguarding: a comment needs reading ({'; '.join(concerns)})",
        template="comments/email/safeguarding_lead.txt",
        context={
            "concerns": concerns,
            "admin_url": link_base_url()
            + reverse("admin:comments_comment_change", args=[comment.pk]),
        },
    )


def _send_once(comment, *, stamp: str, group: str, subject: str, template: str, context) -> bool:
    """Send one e-mail about `comment` (or a contact message) to `group`, unless
    its `stamp` field says it went already; a failure clears the stamp so a
    recheck tries again."""
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
        subject=subject,
        template="comments/email/contact_staff.txt",
        context={
            "message": message,
            "flagged": flagged,
            "admin_url": _message_admin_url(message),
            "quoted_body": "\n".join(f"> {line}" for line in message.message.splitlines()),
        },
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
        subject=f"Safeguarding: a contact message needs reading ({'; '.join(concerns)})",
        template="comments/email/contact_safeguarding_lead.txt",
        context={"concerns": concerns, "admin_url": _message_admin_url(message)},
    )
