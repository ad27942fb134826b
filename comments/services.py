"""Every write to a comment goes through here, and every rule about it lives
here: whether a reader may comment or reply (typed CommentRefused errors the
view turns into messages), the spam check task, and moderation. Functions are
keyword-only and atomic, and each change is recorded as a CommentHistory row.
Views, admin actions, tasks and commands call these; nothing else changes a
comment's status."""

import logging
import re
import zlib
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.formats import date_format

from niromp_site.content import CONTENT_FIELDS, with_targets
from niromp_site.env import parse_rate

from . import notifications, screening, spam
from .models import Comment, CommentHistory, CommentReport, Outcome, RedactedOriginal

logger = logging.getLogger(__name__)

Actor = CommentHistory.Actor
Status = Comment.Status
Verdict = Comment.Verdict


class ModerationError(Exception):
    """A moderation step that would break the thread or the rules; the message
    is for the moderator."""


class RepliesNeedDecision(ModerationError):
    """Rejecting a comment with published replies: keep them or hold them?"""


# What becomes of a rejected comment's published replies.
KEEP_REPLIES = "keep"
HOLD_REPLIES = "hold"


class CommentRefused(Exception):
    """A reader's comment the rules do not allow. The view turns each kind
    into the message the reader sees, with their text kept."""


class CommentsClosed(CommentRefused):
    """The content takes no comments (an editor closed them, or it is too old)."""


class ParentNotFound(CommentRefused):
    """The reply names a comment that is not published on this content."""


class ReplyTooDeep(CommentRefused):
    """The reply would nest deeper than COMMENTS_MAX_DEPTH."""


class RateLimited(CommentRefused):
    """This address has sent as many comments as COMMENT_RATE_LIMIT allows."""


# Reading the rules ---------------------------------------------------------


def comments_open(target) -> bool:
    """Readers may comment: the content allows it and is not too old."""
    if not target.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return not days or target.publish_at >= timezone.now() - timedelta(days=days)


def ensure_open(target) -> None:
    if not comments_open(target):
        raise CommentsClosed


def can_reply(comment: Comment, *, open_for_comments: bool) -> bool:
    """A reader may reply to this comment: comments are open, it is
    published, and a reply would not nest too deep."""
    return (
        open_for_comments and comment.is_published and comment.depth < settings.COMMENTS_MAX_DEPTH
    )


def reply_parent(*, target, parent_id: int | None) -> Comment | None:
    """The published comment on `target` that a reply answers (None for a
    new comment); refused when it is elsewhere, unpublished or too deep."""
    if parent_id is None:
        return None
    parent = Comment.objects.for_target(target).published().filter(pk=parent_id).first()
    if parent is None:
        raise ParentNotFound
    if parent.depth >= settings.COMMENTS_MAX_DEPTH:
        raise ReplyTooDeep
    return parent


def _at_rate_limit(rate: str, recent) -> bool:
    """Whether `recent(since)`, a count of what one address sent since then,
    has reached `rate` ("5/10m"; "0" is no limit). Counted from the database
    itself, so it holds across every worker process and server."""
    limit = parse_rate(rate)
    if limit is None:
        return False
    count, window = limit
    return recent(timezone.now() - window) >= count


def _lock_address(ip_address: str) -> None:
    """Hold a lock for the address until the transaction ends, so readers
    posting at the same moment cannot all slip under a rate limit."""
    if connection.vendor == "postgresql":
        # SQLite's IMMEDIATE transactions already hold the database's write lock.
        key = zlib.crc32(ip_address.encode()) - 2**31
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _ensure_under_rate_limit(ip_address: str | None) -> None:
    """Called inside the transaction that inserts the comment, holding a lock
    for the address, so readers posting at the same moment cannot all slip
    under the limit."""
    if not ip_address or parse_rate(settings.COMMENT_RATE_LIMIT) is None:
        return
    _lock_address(ip_address)
    sent = Comment.objects.filter(ip_address=ip_address)
    if _at_rate_limit(
        settings.COMMENT_RATE_LIMIT, lambda since: sent.filter(submitted_at__gte=since).count()
    ):
        raise RateLimited


# Writing -------------------------------------------------------------------


def _change(comment, *, to_status, actor, reason="", user=None, **fields) -> Comment:
    """Set a comment's status (and other fields) and record it, in one go."""
    from_status = comment.status
    comment.status = to_status
    for name, value in fields.items():
        setattr(comment, name, value)
    comment.save(update_fields=["status", *fields])
    CommentHistory.objects.create(
        comment=comment,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        user=user,
        reason=reason[:500],
    )
    return comment


def _screened(body: str) -> dict:
    """The safeguarding screen's findings (a comment's or a contact message's
    `concerns` and `concern_spans`). A rules file that cannot be read never
    stops anything being saved: it is flagged as unscreened, so a person reads
    it first."""
    try:
        found = screening.screen(body)
    except screening.ScreeningRulesError:
        logger.exception("The screening rules could not be read; the text is held unscreened.")
        return {"concerns": str(Comment.Concern.UNSCREENED), "concern_spans": []}
    return {
        "concerns": ",".join(found.concerns),
        "concern_spans": [list(s) for s in found.spans],
    }


def _screened_comment(body: str, *, before: Comment | None = None) -> dict:
    """The screen's findings as Comment fields, with the comment's
    safeguarding case (`before` is the comment as it was): opened the first
    time anything is flagged, and remembering every concern ever found, so an
    edit or a redaction cannot close it."""
    fields = _screened(body)
    ever = {c for c in (before.flagged_for if before else "").split(",") if c}
    ever.update(c for c in fields["concerns"].split(",") if c)
    fields["flagged_for"] = ",".join(sorted(ever))
    fields["flagged_at"] = (before.flagged_at if before else None) or (
        timezone.now() if ever else None
    )
    return fields


def _concerns_note(fields: dict) -> str:
    if not fields["concerns"]:
        return ""
    labels = "; ".join(Comment(concerns=fields["concerns"]).concern_labels).lower()
    return f" Flagged by the safeguarding screen: {labels}."


@transaction.atomic
def submit_comment(
    *,
    target,
    author_name: str,
    author_email: str,
    body: str,
    author_url: str = "",
    parent_id: int | None = None,
    ip_address: str | None = None,
    user_agent: str = "",
    referrer: str = "",
    permalink: str = "",
    honeypot_filled: bool = False,
    notify: bool = False,
) -> Comment:
    """Save a reader's comment as held (or, when a bot filled the honeypot,
    straight into the spam folder, where a moderator can still rescue it),
    then check it for spam once the transaction has committed.

    `notify`: the reader asked to be e-mailed when it is published or
    answered (comments.notifications asks them to confirm their address first).

    Raises a CommentRefused when the rules do not allow it: comments closed,
    a reply to a comment it cannot answer, or too many from one address."""
    ensure_open(target)
    parent = reply_parent(target=target, parent_id=parent_id)
    _ensure_under_rate_limit(ip_address)
    screened = _screened_comment(body)
    # With no Akismet to ask, the check's failure is known now: recorded with
    # the comment in this transaction, as check_comment() would record it in
    # a second one (and the recheck path tries again once it is configured).
    uncheckable = not honeypot_filled and not spam.is_configured()
    if honeypot_filled:
        verdict_reason = "The hidden honeypot field was filled in."
    else:
        verdict_reason = spam.NOT_CONFIGURED if uncheckable else ""
    comment = Comment.objects.create(
        **screened,
        **{Comment.target_field(target): target},
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        body=body,
        status=Status.SPAM if honeypot_filled else Status.HELD,
        verdict_reason=verdict_reason,
        check_attempts=1 if uncheckable else 0,
        ip_address=ip_address,
        user_agent=user_agent[:1000],
        referrer=referrer[:1000],
        permalink=permalink,
    )
    history = [
        CommentHistory(
            comment=comment,
            to_status=comment.status,
            actor=Actor.READER,
            reason=(
                "Submitted; the honeypot field was filled in." if honeypot_filled else "Submitted."
            )
            + _concerns_note(screened),
        )
    ]
    if uncheckable:
        logger.warning("Spam check of comment %s failed: %s", comment.pk, spam.NOT_CONFIGURED)
        history.append(
            CommentHistory(
                comment=comment,
                from_status=Status.HELD,
                to_status=Status.HELD,
                actor=Actor.SYSTEM,
                reason=_check_failure_note(spam.NOT_CONFIGURED),
            )
        )
    CommentHistory.objects.bulk_create(history)
    if uncheckable:
        # robust: the comment is saved whatever the mailer does; a notice that
        # could not go is sent again by recheck_unchecked().
        transaction.on_commit(lambda: notifications.notify_moderators(comment=comment), robust=True)
    elif not honeypot_filled:
        transaction.on_commit(lambda: check_comment_task.enqueue(comment.pk))
    if notify and not honeypot_filled:
        notifications.request_notifications(comment=comment)
    if comment.is_flagged:
        transaction.on_commit(lambda: notifications.notify_safeguarding_leads(comment=comment))
    return comment


@task
def check_comment_task(comment_id: int) -> str:
    """The spam check, run inline or by a worker (see TASKS in settings)."""
    comment = check_comment(comment_id=comment_id)
    return comment.verdict if comment else "missing"


def check_comment(*, comment_id: int, again: bool = False) -> Comment | None:
    """Ask Akismet about a held, unchecked comment and act on the answer.

    Idempotent: a comment that is no longer held and unchecked is left alone
    (unless a moderator asks for it `again`). The network call happens outside
    any transaction, so a slow Akismet never holds the database's write lock.
    """
    # Alone: its page or article (long text) is loaded only if an e-mail names it.
    # get(), not filter().first(): first() would sort by the model's ordering,
    # which costs Django more to build than the whole lookup by key (~1 ms here).
    try:
        comment = Comment.objects.get(pk=comment_id)
    except Comment.DoesNotExist:
        return None
    if comment.status != Status.HELD:
        return comment
    if comment.verdict != Verdict.UNCHECKED:
        if not again:
            return comment
        Comment.objects.filter(pk=comment_id).update(verdict=Verdict.UNCHECKED)
        comment.verdict = Verdict.UNCHECKED
    try:
        verdict = spam.check(comment)
    except spam.SpamCheckUnavailable as error:
        comment = _record_check_failure(comment, reason=str(error))
    else:
        comment = _record_verdict(comment, verdict=verdict)
    if comment is not None and comment.status == Status.HELD:
        notifications.notify_moderators(comment=comment)
    return comment


def _record_verdict(comment: Comment, *, verdict: spam.Verdict) -> Comment | None:
    if verdict.is_discard:
        to_status, new_verdict, note = Status.SPAM, Verdict.DISCARD, "blatant spam (discard)"
    elif verdict.is_spam:
        to_status, new_verdict, note = Status.SPAM, Verdict.SPAM, "spam"
    else:
        to_status, new_verdict, note = Status.HELD, Verdict.HAM, "not spam; held for a moderator"
    return _record_check(
        comment,
        to_status=to_status,
        actor=Actor.AKISMET,
        reason=f"Akismet: {note}.",
        verdict=new_verdict,
        verdict_reason=f"Akismet: {note}.",
        checked_at=timezone.now(),
    )


def _record_check_failure(comment: Comment, *, reason: str) -> Comment | None:
    logger.warning("Spam check of comment %s failed: %s", comment.pk, reason)
    return _record_check(
        comment,
        to_status=Status.HELD,
        actor=Actor.SYSTEM,
        reason=_check_failure_note(reason),
        verdict_reason=reason[:300],
    )


def _check_failure_note(reason: str) -> str:
    return f"Spam check failed; stays held and unchecked. {reason}"[:500]


def _record_check(comment: Comment, *, to_status, actor, reason: str, **fields) -> Comment | None:
    """Record a spam check's outcome and its history row, unless the comment
    stopped being held and unchecked while Akismet was asked (a moderator got
    there first): then it is returned as it is now, untouched. One conditional
    UPDATE does both the test and the write, so nothing is read twice. (No
    shared page changes: the comment is not published before or after.)"""
    with transaction.atomic():
        recorded = Comment.objects.filter(
            pk=comment.pk, status=Status.HELD, verdict=Verdict.UNCHECKED
        ).update(status=to_status, check_attempts=F("check_attempts") + 1, **fields)
        if not recorded:
            return Comment.objects.select_related(*CONTENT_FIELDS).filter(pk=comment.pk).first()
        CommentHistory.objects.create(
            comment=comment,
            from_status=Status.HELD,
            to_status=to_status,
            actor=actor,
            reason=reason,
        )
    comment.status = to_status
    comment.check_attempts += 1
    for name, value in fields.items():
        setattr(comment, name, value)
    return comment


def recheck_unchecked() -> dict[str, int]:
    """Check every held, unchecked comment again, and tell moderators about
    held comments whose e-mail could not be sent before (for cron)."""
    counts = {"checked": 0, "still_unchecked": 0, "notified": 0}
    pending = Comment.objects.filter(status=Status.HELD, verdict=Verdict.UNCHECKED)
    for comment_id in pending.values_list("pk", flat=True).order_by("pk"):
        comment = check_comment(comment_id=comment_id)
        if comment is not None and comment.verdict == Verdict.UNCHECKED:
            counts["still_unchecked"] += 1
        else:
            counts["checked"] += 1
    untold = Comment.objects.filter(status=Status.HELD, notified_at__isnull=True).exclude(
        verdict=Verdict.UNCHECKED
    )
    for comment in with_targets(untold.select_related("parent")):
        counts["notified"] += notifications.notify_moderators(comment=comment)
    # Safeguarding leads whose e-mail about a flagged comment could not be sent.
    for comment in Comment.objects.flagged().filter(
        status__in=[Status.HELD, Status.SPAM], lead_notified_at__isnull=True
    ):
        counts["notified"] += notifications.notify_safeguarding_leads(comment=comment)
    return counts


def recheck(*, comment: Comment, moderator) -> Comment:
    """A moderator asks Akismet again about a held comment."""
    if comment.status != Status.HELD:
        raise ModerationError(f"Comment {comment.pk} is not held, so it was not re-checked.")
    CommentHistory.objects.create(
        comment=comment,
        from_status=comment.status,
        to_status=comment.status,
        actor=Actor.MODERATOR,
        user=moderator,
        reason=f"A moderator asked Akismet to check it again (it was: {comment.verdict}).",
    )
    return check_comment(comment_id=comment.pk, again=True)


@transaction.atomic
def edit_text(*, comment: Comment, moderator, body: str) -> Comment:
    """A moderator corrects a comment's text; the old text is kept in the history."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if body == comment.body:
        return comment
    old = comment.body
    comment.body = body
    screened = _screened_comment(body, before=comment)
    for name, value in screened.items():
        setattr(comment, name, value)
    comment.save(update_fields=["body", *screened])
    CommentHistory.objects.create(
        comment=comment,
        from_status=comment.status,
        to_status=comment.status,
        actor=Actor.MODERATOR,
        user=moderator,
        reason="Text edited by a moderator." + _concerns_note(screened),
        old_text=old,
    )
    if comment.is_flagged:
        transaction.on_commit(lambda: notifications.notify_safeguarding_leads(comment=comment))
    return comment


# Redaction and the safeguarding lead's cases ---------------------------------

# What a reader sees where a moderator removed words from a comment.
REMOVED = "[removed]"


class RedactionError(ModerationError):
    """A redaction that cannot be made as asked; the message is for the moderator."""


def redaction_spans(body: str, *, spans=(), phrases=()) -> list[tuple[int, int]]:
    """Where in `body` words are to be removed: the chosen `spans` (start and
    end offsets, as the screen reports them) and every place each of
    `phrases` appears (ignoring case), merged where they touch, in order.
    Refused when a span is not in the text or a phrase is not found."""
    found = []
    for start, end in spans:
        if not 0 <= start < end <= len(body):
            raise RedactionError("A chosen passage is not in the comment's text; look again.")
        found.append((start, end))
    for phrase in phrases:
        phrase = phrase.strip()
        if not phrase:
            continue
        places = [m.span() for m in re.finditer(re.escape(phrase), body, re.IGNORECASE)]
        if not places:
            raise RedactionError(f"“{phrase}” is not in the comment's text.")
        found.extend(places)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _without(text: str, passages) -> str:
    """`text` with every appearance of each passage (ignoring case) removed."""
    for passage in sorted(passages, key=len, reverse=True):
        text = re.sub(re.escape(passage), REMOVED, text, flags=re.IGNORECASE)
    return text


@transaction.atomic
def redact(*, comment: Comment, moderator, spans=(), phrases=()) -> Comment:
    """Replace passages of a comment's text with "[removed]" (see
    `redaction_spans`) and screen what is left again. The text as it was is
    kept for the safeguarding lead only (a RedactedOriginal) and the removed
    words are taken out of the comment's earlier history and reports, which
    moderators read; the history row says how many passages went, never which."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    where = redaction_spans(comment.body, spans=spans, phrases=phrases)
    if not where:
        raise RedactionError("Choose the words to remove.")
    original = comment.body
    removed = {original[start:end] for start, end in where}
    pieces, at = [], 0
    for start, end in where:
        pieces += [original[at:start], REMOVED]
        at = end
    comment.body = "".join([*pieces, original[at:]])
    screened = _screened_comment(comment.body, before=comment)
    for name, value in screened.items():
        setattr(comment, name, value)
    comment.save(update_fields=["body", *screened])
    RedactedOriginal.objects.create(comment=comment, text=original, redacted_by=moderator)
    for row in comment.history.all():
        old_text, reason = _without(row.old_text, removed), _without(row.reason, removed)
        if (old_text, reason) != (row.old_text, row.reason):
            row.old_text, row.reason = old_text, reason[:500]
            row.save(update_fields=["old_text", "reason"])
    for report in comment.reports.all():
        details = _without(report.details, removed)
        if details != report.details:
            report.details = details
            report.save(update_fields=["details"])
    count = len(where)
    CommentHistory.objects.create(
        comment=comment,
        from_status=comment.status,
        to_status=comment.status,
        actor=Actor.MODERATOR,
        user=moderator,
        reason=f"Redacted {count} passage{'' if count == 1 else 's'}; the original text is "
        "kept for the safeguarding lead." + _concerns_note(screened),
    )
    if comment.is_flagged:
        transaction.on_commit(lambda: notifications.notify_safeguarding_leads(comment=comment))
    return comment


@transaction.atomic
def keep_original(*, original: RedactedOriginal, lead, keep: bool = True) -> RedactedOriginal:
    """The safeguarding lead keeps a redacted original past the retention
    period (REDACTED_ORIGINAL_DAYS), or lets it go again."""
    original = RedactedOriginal.objects.select_for_update().get(pk=original.pk)
    if original.keep == keep:
        return original
    original.keep = keep
    original.save(update_fields=["keep"])
    if keep:
        note = "The safeguarding lead keeps the redacted text past the retention period."
    else:
        until = original.redacted_at + timedelta(days=settings.REDACTED_ORIGINAL_DAYS)
        note = (
            "The safeguarding lead no longer keeps the redacted text; it is deleted "
            f"after {date_format(timezone.localtime(until), 'j F Y')}."
        )
    status = Comment.objects.values_list("status", flat=True).get(pk=original.comment_id)
    CommentHistory.objects.create(
        comment_id=original.comment_id,
        from_status=status,
        to_status=status,
        actor=Actor.LEAD,
        user=lead,
        reason=note,
    )
    return original


@transaction.atomic
def record_outcome(*, comment: Comment, lead, outcome: str, note: str = "") -> CommentHistory:
    """The safeguarding lead records what was done about a flagged comment
    (an Outcome); the first outcome closes its safeguarding case."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.flagged_at is None:
        raise ModerationError(
            f"Comment {comment.pk} was never flagged by the safeguarding screen, "
            "so it has no safeguarding case."
        )
    if outcome not in Outcome.values:
        raise ModerationError(f"Choose what was done: {', '.join(Outcome.labels).lower()}.")
    return CommentHistory.objects.create(
        comment=comment,
        from_status=comment.status,
        to_status=comment.status,
        actor=Actor.LEAD,
        user=lead,
        reason=f"Safeguarding case: {Outcome(outcome).label.lower()}.",
        outcome=outcome,
        case_note=note.strip()[:500],
    )


def _moderate(comment: Comment, *, to_status, moderator, reason: str, check=None):
    """Lock the comment, let `check` refuse, then move it to `to_status` (a
    no-op when it is there already) with the moderator in its history."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if check is not None:
        check(comment)
    _resolve_reports(comment, moderator)
    if comment.status == to_status:
        return comment
    return _change(
        comment, to_status=to_status, actor=Actor.MODERATOR, user=moderator, reason=reason
    )


def _parent_published(comment: Comment) -> None:
    if comment.parent_id and comment.parent.status != Status.PUBLISHED:
        raise ModerationError(
            f"Comment {comment.pk} replies to a comment that is not published; "
            "approve that one first."
        )


@transaction.atomic
def approve(*, comment: Comment, moderator, reason: str = "", read: bool = False) -> Comment:
    """Publish a comment. Refused for a reply whose parent is not published,
    and for a comment the safeguarding screen flagged unless the moderator has
    opened and read it (`read`, set by the comment's own page, never by a
    bulk action)."""

    def check(comment):
        _parent_published(comment)
        if not read:
            _read_if_flagged(comment)

    comment = _moderate(
        comment,
        to_status=Status.PUBLISHED,
        moderator=moderator,
        reason=reason or "Approved.",
        check=check,
    )
    _announce_published(comment)
    return comment


def _announce_published(comment: Comment) -> None:
    """The readers who asked are e-mailed once the publishing commits; a
    mail server's failure is logged and never takes the comment back."""
    pk = comment.pk
    transaction.on_commit(lambda: notifications.announce_published(comment_id=pk), robust=True)


def _read_if_flagged(comment: Comment) -> None:
    if comment.is_flagged:
        labels = "; ".join(comment.concern_labels).lower()
        raise ModerationError(
            f"Comment {comment.pk} was flagged by the safeguarding screen ({labels}): "
            "open it and read it before approving it."
        )


@transaction.atomic
def reject(*, comment: Comment, moderator, reason: str = "", replies: str | None = None) -> Comment:
    """Take a comment off the site. When it has published replies the
    moderator must say what becomes of them (`replies`): KEEP_REPLIES leaves
    them where they are, under a "[removed]" placeholder, so the thread keeps
    its shape; HOLD_REPLIES holds them (and every published reply below them)
    for moderation again."""
    if replies not in {None, KEEP_REPLIES, HOLD_REPLIES}:
        raise ValueError(f"replies must be {KEEP_REPLIES!r} or {HOLD_REPLIES!r}, not {replies!r}")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    below = _published_below(comment)
    if below and replies is None:
        raise RepliesNeedDecision(
            f"Comment {comment.pk} has {len(below)} published repl"
            f"{'y' if len(below) == 1 else 'ies'}. Choose whether to keep them under a "
            "“[removed]” placeholder or to hold them for moderation too."
        )
    note = ""
    if below and replies == KEEP_REPLIES:
        note = " Its published replies stay, under a “[removed]” placeholder."
    comment = _moderate(
        comment,
        to_status=Status.REJECTED,
        moderator=moderator,
        reason=(reason or "Rejected.") + note,
    )
    if replies == HOLD_REPLIES:
        for reply in below:
            _change(
                reply,
                to_status=Status.HELD,
                actor=Actor.MODERATOR,
                user=moderator,
                reason=f"Held again: comment {comment.pk}, which it answers, was rejected.",
            )
    return comment


def _published_below(comment: Comment) -> list[Comment]:
    """Every published reply under a comment, at any depth, locked."""
    found, frontier = [], [comment.pk]
    while frontier:
        level = list(
            Comment.objects.select_for_update()
            .filter(parent__in=frontier, status=Status.PUBLISHED)
            .order_by("pk")
        )
        found.extend(level)
        frontier = [reply.pk for reply in level]
    return found


def mark_spam(*, comment: Comment, moderator) -> Comment:
    """Move a comment to the spam folder and teach Akismet (submit-spam)."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.status == Status.SPAM:
            return comment
        _change(
            comment,
            to_status=Status.SPAM,
            actor=Actor.MODERATOR,
            user=moderator,
            reason="Marked as spam by a moderator.",
            verdict=Verdict.SPAM,
            verdict_reason="A moderator marked it as spam.",
        )
    _report(comment, spam.report_spam, "submit-spam")
    return comment


def mark_not_spam(*, comment: Comment, moderator, publish: bool = False) -> Comment:
    """Take a comment out of the spam folder (held, or published) and teach
    Akismet (submit-ham)."""
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.status != Status.SPAM:
            return comment  # only the spam folder has anything to take back
        to_status = Status.PUBLISHED if publish else Status.HELD
        if publish:
            _parent_published(comment)
            _read_if_flagged(comment)
        _change(
            comment,
            to_status=to_status,
            actor=Actor.MODERATOR,
            user=moderator,
            reason="Marked as not spam by a moderator.",
            verdict=Verdict.HAM,
            verdict_reason="A moderator marked it as not spam.",
        )
        if publish:
            _announce_published(comment)
    _report(comment, spam.report_ham, "submit-ham")
    return comment


def _report(comment: Comment, send, name: str) -> None:
    """Tell Akismet about a moderator's correction; a failure is recorded, not raised."""
    if comment.source != Comment.Source.FORM:
        return
    try:
        send(comment)
        note = f"Reported to Akismet ({name})."
    except spam.SpamCheckUnavailable as error:
        note = f"Could not report to Akismet ({name}): {error}"
    CommentHistory.objects.create(
        comment=comment,
        from_status=comment.status,
        to_status=comment.status,
        actor=Actor.SYSTEM,
        reason=note[:500],
    )


# Readers' reports ---------------------------------------------------------

# Reports from this many different addresses hide a comment until a moderator decides.
REPORTS_TO_HIDE = 3


class ReportRefused(Exception):
    """A report that cannot be taken; the view says why."""


class NotReportable(ReportRefused):
    """Only a published comment can be reported."""


class TooManyReports(ReportRefused):
    """This address has sent as many reports as REPORT_RATE_LIMIT allows."""


@transaction.atomic
def report_comment(
    *, comment: Comment, reason: str, details: str = "", ip_address: str | None = None
) -> CommentReport:
    """A reader reports a published comment. It is put before a moderator
    with the report; when readers at REPORTS_TO_HIDE different addresses have
    reported it, it is hidden (held) until a moderator decides."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status != Status.PUBLISHED:
        raise NotReportable
    sent = CommentReport.objects.filter(ip_address=ip_address)
    if ip_address and _at_rate_limit(
        settings.REPORT_RATE_LIMIT, lambda since: sent.filter(created_at__gte=since).count()
    ):
        raise TooManyReports
    report = CommentReport.objects.create(
        comment=comment, reason=reason, details=details[:1000], ip_address=ip_address
    )
    label = CommentReport.Reason(reason).label
    reporters = (
        comment.reports.filter(resolved_at__isnull=True, ip_address__isnull=False)
        .values("ip_address")
        .distinct()
        .count()
    )
    if reporters >= REPORTS_TO_HIDE:
        _change(
            comment,
            to_status=Status.HELD,
            actor=Actor.READER,
            reason=f"Reported ({label}); hidden after {reporters} readers reported it.",
            notified_at=None,
        )
        transaction.on_commit(lambda: notifications.notify_moderators(comment=comment))
    else:
        CommentHistory.objects.create(
            comment=comment,
            from_status=comment.status,
            to_status=comment.status,
            actor=Actor.READER,
            reason=f"Reported by a reader: {label}.",
        )
    return report


def _resolve_reports(comment: Comment, moderator) -> None:
    """A moderator's decision answers the comment's open reports."""
    comment.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())


def purge(*, dry_run: bool = False, now=None) -> dict[str, int]:
    """Delete old spam (blatant spam sooner), strip IP address, browser and
    referrer from comments past the retention period, and delete redacted
    text older than REDACTED_ORIGINAL_DAYS that no safeguarding lead kept."""
    now = now or timezone.now()
    spam_before = now - timedelta(days=settings.COMMENTS_SPAM_RETENTION_DAYS)
    discard_before = now - timedelta(days=settings.COMMENTS_DISCARD_RETENTION_DAYS)
    personal_before = now - timedelta(days=settings.COMMENTS_PERSONAL_DATA_RETENTION_DAYS)

    # Never a comment the safeguarding screen flagged, whatever Akismet said:
    # a person decides about it.
    unflagged = Comment.objects.filter(concerns="", status=Status.SPAM, replies__isnull=True)
    old_spam = unflagged.filter(submitted_at__lt=spam_before) | unflagged.filter(
        verdict=Verdict.DISCARD, submitted_at__lt=discard_before
    )
    personal = Comment.objects.filter(
        submitted_at__lt=personal_before, personal_data_removed_at__isnull=True
    )
    # Redacted text the lead has not kept.
    originals = RedactedOriginal.objects.filter(
        keep=False, redacted_at__lt=now - timedelta(days=settings.REDACTED_ORIGINAL_DAYS)
    )
    counts = {
        "spam_deleted": old_spam.count(),
        "personal_data_removed": personal.count(),
        "originals_deleted": originals.count(),
    }
    if not dry_run:
        with transaction.atomic():
            gone = dict(originals.select_for_update().values_list("pk", "comment_id"))
            RedactedOriginal.objects.filter(pk__in=gone).delete()
            CommentHistory.objects.bulk_create(
                CommentHistory(
                    comment_id=comment_id,
                    from_status=status,
                    to_status=status,
                    actor=Actor.SYSTEM,
                    at=now,
                    reason=f"The redacted text was deleted after "
                    f"{settings.REDACTED_ORIGINAL_DAYS} days.",
                )
                for comment_id, status in Comment.objects.filter(
                    pk__in=set(gone.values())
                ).values_list("pk", "status")
            )
            old_spam.delete()
            personal.update(
                ip_address=None, user_agent="", referrer="", personal_data_removed_at=now
            )
            CommentReport.objects.filter(
                created_at__lt=personal_before, ip_address__isnull=False
            ).update(ip_address=None)
    return counts
